"""Forms residents fill in: suggesting a group the map is missing, and reporting that a
listing is wrong. They check input; `assetmap.services` writes."""

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assetmap.forms import NoColonMixin
from assetmap.geo import validate_in_uk
from assetmap.models import (
    AssetKind,
    Category,
    Frequency,
    Postcode,
    ProblemKind,
    RecurringSession,
    Weekday,
)
from assetmap.postcodes import normalise_postcode

HONEYPOT = "homepage"
NOWHERE = _(
    "Tap the map where it meets or type its postcode, or tick “It meets online”. "
    "We cannot find an address on the map by itself."
)
ONLINE_AND_PLACE = _(
    "You ticked “It meets online” and also gave a place: untick it, or clear the place."
)
SESSION_ENDS_BEFORE_IT_STARTS = _("The end time must be after the start time.")

# Plain words for the kinds of asset a resident may suggest. A listing of one
# person's skills is never public, so residents are not offered that kind.
KIND_CHOICES = [
    (AssetKind.ASSOCIATION, _("A group or club run by its members or volunteers")),
    (AssetKind.INSTITUTION, _("A service run by an organisation: a charity, the council, NHS")),
    (AssetKind.PHYSICAL_SPACE, _("A place: a garden, a hall, a park")),
    (AssetKind.ECONOMY, _("A local business or market")),
    (AssetKind.CULTURE, _("Culture, history and stories")),
]

WEEKLY = "weekly"
HOW_OFTEN_CHOICES = [
    (WEEKLY, _("Every week")),
    ("1", _("The first one in the month")),
    ("2", _("The second one in the month")),
    ("3", _("The third one in the month")),
    ("4", _("The fourth one in the month")),
    ("-1", _("The last one in the month")),
]


class HoneypotMixin:
    """A field people never see (hidden by CSS, from screen readers and from the tab
    order) that form-filling robots do fill in: a form with it filled is from a robot."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(
            label=_("Leave this empty"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    @property
    def sent_by_a_robot(self) -> bool:
        return bool(self.is_bound and self.data.get(HONEYPOT, "").strip())


def grouped_categories() -> list:
    """The two-level taxonomy as choices grouped by their top-level category, each
    group starting with the top-level category itself for "something else in it"."""
    choices: list = [("", _("I am not sure"))]
    for top in Category.objects.filter(parent=None).prefetch_related("children"):
        children = [(child.pk, child.name) for child in top.children.all()]
        if not children:
            choices.append((top.pk, top.name))
            continue
        general = _("%(name)s: something else") % {"name": top.name}
        choices.append((top.name, [(top.pk, general), *children]))
    return choices


class SuggestForm(HoneypotMixin, NoColonMixin, forms.Form):
    """A group the map is missing: what, which category, where (a point from the map
    or a postcode, or online), and optionally how to ask the person who suggested it."""

    name = forms.CharField(
        label=_("Name of the group"),
        max_length=200,
        error_messages={"required": _("Give the name of the group.")},
    )
    description = forms.CharField(
        label=_("What it does"),
        max_length=2000,
        error_messages={"required": _("Say in a few words what it does.")},
        help_text=_("For example: a walk around Mile End Park and a cup of tea after."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        help_text=_("Choose the closest. If you are not sure, a facilitator will choose."),
    )
    kind = forms.ChoiceField(
        label=_("What kind of thing is it?"),
        choices=KIND_CHOICES,
        initial=AssetKind.ASSOCIATION,
        widget=forms.RadioSelect,
        help_text=_("If you are not sure, leave the first one: a facilitator can change it."),
    )
    # Set by a tap on the map (suggest-map.js); without JavaScript, the postcode.
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    address = forms.CharField(
        label=_("Address or name of the place (optional)"),
        max_length=255,
        required=False,
        help_text=_(
            "For example: Bromley by Bow Centre, St Leonard’s Street. We cannot find an "
            "address on the map by itself, so give the postcode too or tap the map."
        ),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        required=False,
        help_text=_("For example: E3 3BT. Not needed if you tapped the map."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input-short"}),
    )
    online_only = forms.BooleanField(label=_("It meets online"), required=False)
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_(
            "Only so a facilitator can ask you about it. We delete it once we have dealt "
            "with your suggestion, and never show it to anyone."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_categories()

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        return normalise_postcode(value) if value else ""

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        point = None
        if latitude is not None and longitude is not None:
            point = Point(longitude, latitude, srid=4326)
        postcode, online = data.get("postcode"), data.get("online_only")
        if self.has_error("postcode"):
            return data
        if online and (point or postcode):
            self.add_error("online_only", ONLINE_AND_PLACE)
        elif not online and not (point or postcode):
            self.add_error("postcode", NOWHERE)
        elif point is None and postcode:
            # A tap on the map is the more precise; the postcode is the place otherwise.
            try:
                point = Postcode.objects.point_of(postcode)
            except ValidationError as error:
                self.add_error("postcode", error)
        if point is not None:
            try:
                validate_in_uk(point)
            except ValidationError as error:
                self.add_error(None, error)
        data["location"] = point
        return data


class SessionForm(NoColonMixin, forms.Form):
    """One time the group meets: a day, every week or one week of the month, two times."""

    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("Choose a day")), *Weekday.choices],
        coerce=int,
        error_messages={"required": _("Choose the day it meets.")},
    )
    how_often = forms.ChoiceField(label=_("How often"), choices=HOW_OFTEN_CHOICES, initial=WEEKLY)
    opens_at = forms.TimeField(
        label=_("Starts at"),
        error_messages={"required": _("Give the time it starts, for example 10:30.")},
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes_at = forms.TimeField(
        label=_("Ends at"),
        error_messages={"required": _("Give the time it ends, for example 12:00.")},
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", SESSION_ENDS_BEFORE_IT_STARTS)
        return data

    def session(self) -> RecurringSession:
        how_often = self.cleaned_data["how_often"]
        return RecurringSession(
            frequency=Frequency.WEEKLY if how_often == WEEKLY else Frequency.MONTHLY,
            week_of_month=None if how_often == WEEKLY else int(how_often),
            weekday=self.cleaned_data["weekday"],
            opens_at=self.cleaned_data["opens_at"],
            closes_at=self.cleaned_data["closes_at"],
        )


# Three rows, each optional: the page shows one and a button for the next (with JS).
SessionFormSet = forms.formset_factory(
    SessionForm, extra=3, max_num=3, absolute_max=3, validate_max=True
)


def sessions_from(formset) -> list[RecurringSession]:
    return [form.session() for form in formset if form.has_changed()]


class ProblemReportForm(HoneypotMixin, NoColonMixin, forms.Form):
    """What is wrong with a listing. It asks nothing about the person reporting."""

    kind = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ProblemKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong.")},
    )
    details = forms.CharField(
        label=_("More detail (optional)"),
        max_length=2000,
        required=False,
        help_text=_(
            "For example: the right day and time, or where it meets now. Please do not "
            "include anyone’s name or contact details."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
