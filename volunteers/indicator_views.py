"""The board's indicators page and its CSV download.

Any signed-in professional may see them (the figures are totals, never a person's);
residents are asked to sign in, and signed-in people without a role are refused.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from assetmap import roles
from networks.models import Network
from volunteers.indicators import (
    DEFAULT_MONTHS,
    INDICATORS,
    Indicator,
    MonthFigures,
    add_months,
    board_indicators,
    months_between,
)

MAX_MONTHS = 36
MONTH_FORMAT = "%Y-%m"
BAD_ORDER = _("The last month must not be before the first.")
TOO_LONG = _("Choose at most 36 months.")
IN_FUTURE = _("The last month cannot be after this month.")
BAD_MONTH = _("Enter a month as YYYY-MM, for example 2026-01.")


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT)
    input_formats = [MONTH_FORMAT]
    default_error_messages = {"invalid": BAD_MONTH}


class IndicatorFilterForm(forms.Form):
    """Which figures to show: a network (or all) and a run of months. Given as GET
    parameters `network` (a slug), `from` and `to` (YYYY-MM)."""

    network = forms.ModelChoiceField(
        queryset=Network.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All neighbourhoods"),
        label=_("Neighbourhood"),
    )

    def __init__(self, query, *, today: dt.date):
        this_month = today.replace(day=1)
        data = {
            "network": query.get("network", ""),
            "from": query.get("from")
            or add_months(this_month, -(DEFAULT_MONTHS - 1)).strftime(MONTH_FORMAT),
            "to": query.get("to") or this_month.strftime(MONTH_FORMAT),
        }
        super().__init__(data)
        self.this_month = this_month
        # "from" is a Python keyword, so these two are added here rather than declared.
        self.fields["from"] = MonthField(label=_("From (month)"))
        self.fields["to"] = MonthField(label=_("To (month)"))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last:
            if last < first:
                self.add_error("to", BAD_ORDER)
            elif len(months_between(first, last)) > MAX_MONTHS:
                self.add_error("from", TOO_LONG)
            elif last > self.this_month:
                self.add_error("to", IN_FUTURE)
        return cleaned

    def query_string(self) -> str:
        network = self.cleaned_data["network"]
        return "network={}&from={}&to={}".format(
            network.slug if network else "",
            self.cleaned_data["from"].strftime(MONTH_FORMAT),
            self.cleaned_data["to"].strftime(MONTH_FORMAT),
        )


def _require_professional(request) -> None:
    if not roles.is_professional(request.user):
        raise PermissionDenied


def _figures(form: IndicatorFilterForm) -> list[MonthFigures]:
    data = form.cleaned_data
    return board_indicators(
        first_month=data["from"], last_month=data["to"], network=data["network"]
    )


@login_required
def indicators(request):
    _require_professional(request)
    form = IndicatorFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "volunteers/indicators.html", {"form": form}, status=400)
    rows = _figures(form)
    months = months_between(form.cleaned_data["from"], form.cleaned_data["to"])
    context = {
        "form": form,
        "months": months,
        "network": form.cleaned_data["network"],
        "sections": indicator_sections(rows, months, form.cleaned_data["network"]),
        "csv_query": form.query_string(),
    }
    return render(request, "volunteers/indicators.html", context)


@login_required
def indicators_csv(request):
    _require_professional(request)
    form = IndicatorFilterForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        errors = "\n".join(f"{field}: {' '.join(e)}" for field, e in form.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = "indicators-{}-{}.csv".format(
        form.cleaned_data["from"].strftime(MONTH_FORMAT),
        form.cleaned_data["to"].strftime(MONTH_FORMAT),
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(csv_header())
    writer.writerows(csv_row(row) for row in _figures(form))
    return response


# --- CSV ---------------------------------------------------------------------------------


def csv_header() -> list[str]:
    columns = ["area", "network_id", "month"]
    for indicator in INDICATORS:
        if indicator.key == "satisfaction_counts":
            columns += [f"satisfaction_{score}" for score in range(1, 6)]
        else:
            columns.append(indicator.key)
    return columns


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def csv_row(row: MonthFigures) -> list[str]:
    cells = [row.network_name, row.network_id or "", row.month.strftime(MONTH_FORMAT)]
    for indicator in INDICATORS:
        value = getattr(row, indicator.key)
        if indicator.key == "satisfaction_counts":
            cells += [str(count) for count in value]
        elif indicator.key == "satisfaction_mean" and value is not None:
            cells.append(f"{value:.2f}")
        elif indicator.key == "verified_share" and value is not None:
            cells.append(f"{value:.1f}")
        else:
            cells.append(_csv_value(value))
    return cells


# --- Charts and tables --------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 360, 190
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 8, 22, 160  # room above for the scale, below for months


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the month, under the bar (blank when months are too many to label each)
    title: str  # "March 2026: 12 hours", read on hover and by screen readers


@dataclass
class Chart:
    bars: list[Bar]
    top_label: str  # the value of the top grid line
    top_y: float
    baseline_y: float
    summary: str  # a sentence for screen readers


def display(value, indicator: Indicator) -> str:
    """A figure as the page shows it: "–" for none, one decimal for means and shares."""
    if value is None:
        return "–"
    if indicator.unit == "%":
        return number_format(value, 0) + "%"
    if indicator.unit == "score":
        return number_format(value, 1)
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(value, force_grouping=True)


def _nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n at or above `value` (for the top grid line)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(values: list, months: list[dt.date], indicator: Indicator) -> Chart:
    """Bars for each month of one indicator, on a scale from zero."""
    label_every = 1 if len(months) <= 12 else 3 if len(months) <= 24 else 6
    labels = [date_format(m, "M") if i % label_every == 0 else "" for i, m in enumerate(months)]
    names = [date_format(month, "F Y") for month in months]
    return _chart(values, labels, names, indicator)


def _chart(values: list, labels: list[str], names: list[str], indicator: Indicator) -> Chart:
    top = 5 if indicator.unit == "score" else 100 if indicator.unit == "%" else None
    numbers = [float(v) if v is not None else 0.0 for v in values]
    top = top or _nice_top(max(numbers, default=0))
    slot = (CHART_WIDTH - PLOT_LEFT) / max(len(values), 1)
    height = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for index, (value, number) in enumerate(zip(values, numbers, strict=True)):
        bar_height = max(number, 0) / top * height
        bars.append(
            Bar(
                x=round(PLOT_LEFT + index * slot + slot * 0.15, 1),
                y=round(PLOT_BOTTOM - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                label=labels[index],
                title=f"{names[index]}: {display(value, indicator)}",
            )
        )
    present = [(v, name) for v, name in zip(values, names, strict=True) if v is not None]
    if present:
        high_value, high_name = max(present, key=lambda pair: pair[0])
        latest_value, latest_name = present[-1]
        summary = _t("Highest %(high)s (%(high_name)s); last %(latest)s (%(latest_name)s).") % {
            "high": display(high_value, indicator),
            "high_name": high_name,
            "latest": display(latest_value, indicator),
            "latest_name": latest_name,
        }
    else:
        summary = _t("No figures for these months.")
    scale_top = top if indicator.unit in ("%", "score") else Decimal(str(top))
    return Chart(
        bars=bars,
        top_label=display(scale_top, indicator),
        top_y=PLOT_TOP,
        baseline_y=PLOT_BOTTOM,
        summary=summary,
    )


@dataclass
class Section:
    indicator: Indicator
    chart: Chart | None
    scope: str  # whose figures the chart shows
    columns: list[str]  # table columns after the month: areas, or scores for satisfaction
    rows: list[tuple[dt.date, list[str]]]


def indicator_sections(rows: list[MonthFigures], months, network) -> list[Section]:
    """For each indicator: a chart of the chosen area's months (the network picked, or
    the whole area) and a table of the same months for every area shown."""
    areas: dict[str, list[MonthFigures]] = {}
    for row in rows:
        areas.setdefault(row.network_name, []).append(row)
    names = list(areas)
    scope = network.name if network else names[0]
    chosen = areas[scope]
    sections = []
    for indicator in INDICATORS:
        if indicator.key == "satisfaction_counts":
            table = [
                (row.month, [str(count) for count in row.satisfaction_counts]) for row in chosen
            ]
            totals = [sum(row.satisfaction_counts[i] for row in chosen) for i in range(5)]
            scores = [str(score) for score in range(1, 6)]
            titles = [_t("answers scoring %(score)s") % {"score": score} for score in scores]
            chart = _chart(totals, scores, titles, indicator)
            sections.append(Section(indicator, chart, scope, scores, table))
            continue
        values = [getattr(row, indicator.key) for row in chosen]
        # The chosen area first in the table, beside its chart.
        order = [scope] + [name for name in names if name != scope]
        table = [
            (month, [display(getattr(areas[name][i], indicator.key), indicator) for name in order])
            for i, month in enumerate(months)
        ]
        sections.append(
            Section(indicator, bar_chart(values, months, indicator), scope, order, table)
        )
    return sections
