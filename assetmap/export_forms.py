"""The export form: which format, and which listings. `assetmap.exporting` does the work."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from assetmap.exchange_models import JobFormat
from assetmap.exporting import ExportFilters
from assetmap.forms import NoColonMixin
from assetmap.models import Category, Status
from networks.models import Network


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)  # "Moving more › Walking groups": sub-categories say their heading


class ExportForm(NoColonMixin, forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=JobFormat.choices,
        initial=JobFormat.CSV,
        widget=forms.RadioSelect,
        help_text=_(
            "A CSV spreadsheet can be edited and imported again. GeoJSON opens in map "
            "software. Open Referral UK is the directory standard councils share."
        ),
    )
    statuses = forms.MultipleChoiceField(
        label=_("Listings to include"),
        choices=Status.choices,
        initial=[Status.PUBLISHED],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Published listings are the ones on the public map."),
        error_messages={"required": _("Tick at least one kind of listing to export.")},
    )
    network = forms.ModelChoiceField(
        label=_("GP network"),
        queryset=Network.objects.order_by("name"),
        required=False,
        empty_label=_("All networks"),
    )
    category = CategoryChoice(
        label=_("Category"),
        queryset=Category.objects.select_related("parent").order_by(
            "parent__position", "parent__name", "position", "name"
        ),
        required=False,
        empty_label=_("All categories"),
        help_text=_("A heading includes its sub-categories."),
    )

    @property
    def inline_limit(self) -> int:
        """Exports of up to this many listings download at once (the page says so)."""
        return settings.EXPORT_INLINE_LIMIT

    def filters(self) -> ExportFilters:
        cleaned = self.cleaned_data
        return ExportFilters(
            statuses=tuple(cleaned["statuses"]),
            network_id=cleaned["network"].pk if cleaned["network"] else None,
            category_id=cleaned["category"].pk if cleaned["category"] else None,
        )
