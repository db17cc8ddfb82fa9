"""The link workers' search form and the shortlist form.

The search form speaks plain words (a day, a time, "step-free"); `api_params` turns
them into the query parameters of `assetmap.filters.AssetFilter`, the same ones the
API and its map take, so the list and the map always show the same places."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assetmap.filters import DEFAULT_RADIUS_M
from assetmap.models import AccessibilityFeature, Category, Language, Status, Weekday
from assetmap.shortlist_models import Shortlist, ShortlistItem

RADIUS_CHOICES = [
    (500, _("500 metres (about a 6 minute walk)")),
    (1000, _("1 km (about 12 minutes' walk)")),
    (2000, _("2 km (about 25 minutes' walk)")),
    (5000, _("5 km")),
    (10000, _("10 km")),
]
TIME_NEEDS_DAY = _("Choose a day as well as a time.")
NO_PATIENT_DETAILS = _(
    "Never write the patient's name, NHS number, date of birth or anything about their "
    "health here: anyone with the link can read it."
)

TITLE_HELP = _('What it is for, for example "Tuesday mornings". Never the patient\'s name.')

# AssetFilter's parameters, and the field of this form that stands for each.
FIELD_OF_PARAM = {
    "q": "q",
    "category": "category",
    "postcode": "postcode",
    "radius_m": "radius_m",
    "open_at": "day",
    "free": "free",
    "accessibility": "step_free",
    "language": "language",
    "age": "age",
}


def _category_choices():
    """Needs grouped by their top-level category; choosing the top level includes
    every sub-category."""
    categories = list(Category.objects.select_related("parent"))
    groups = [("", _("Any need"))]
    for top in (c for c in categories if c.parent_id is None):
        children = [(c.slug, c.name) for c in categories if c.parent_id == top.pk]
        everything = _("All of %(name)s") % {"name": top.name}
        groups.append((top.name, [(top.slug, everything), *children]))
    return groups


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What are you looking for?"),
        help_text=_("A need or words, for example: walking, diabetes, befriending, lunch club."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    category = forms.ChoiceField(label=_("Need"), required=False)
    postcode = forms.CharField(
        label=_("Near postcode"),
        help_text=_("The patient's postcode or a place they know, for example E3 3ES."),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    radius_m = forms.TypedChoiceField(
        label=_("Within"),
        choices=RADIUS_CHOICES,
        coerce=int,
        initial=DEFAULT_RADIUS_M,
        required=False,
    )
    day = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("Any day")), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    time = forms.TimeField(
        label=_("At"),
        help_text=_("Optional: a time on that day, for example 14:00."),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    free = forms.BooleanField(label=_("Free"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *Language.choices], required=False
    )
    age = forms.IntegerField(
        label=_("Age"),
        help_text=_("Only places that welcome this age."),
        min_value=0,
        max_value=120,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()

    def clean(self):
        data = super().clean()
        if data.get("time") is not None and data.get("day") is None:
            self.add_error("day", TIME_NEEDS_DAY)
        return data

    def api_params(self) -> dict[str, str]:
        """The AssetFilter query parameters this search stands for: published listings
        only, which are the ones a link worker hands over."""
        data = self.cleaned_data
        params = {"status": Status.PUBLISHED.value}
        for name in ("q", "category", "language"):
            if data.get(name):
                params[name] = data[name]
        if data.get("postcode"):
            params["postcode"] = data["postcode"]
            params["radius_m"] = str(data.get("radius_m") or DEFAULT_RADIUS_M)
        if data.get("day") is not None:
            day = Weekday(data["day"]).name.lower()
            time = data.get("time")
            params["open_at"] = f"{day} {time:%H:%M}" if time else day
        if data.get("free"):
            params["free"] = "true"
        if data.get("step_free"):
            params["accessibility"] = AccessibilityFeature.STEP_FREE.value
        if data.get("age") is not None:
            params["age"] = str(data["age"])
        return params

    def add_filter_errors(self, errors: dict) -> None:
        """Show the filter's refusals (an unknown postcode...) on the fields they concern."""
        for param, messages in errors.items():
            field = FIELD_OF_PARAM.get(param)
            for message in messages:
                self.add_error(field, message)


class ShortlistForm(forms.ModelForm):
    """The title, and a note for the patient on each listing (fields note_<item pk>)."""

    class Meta:
        model = Shortlist
        fields = ["title"]
        help_texts = {"title": TITLE_HELP}

    def __init__(self, *args, items=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.items = list(items)
        note = ShortlistItem._meta.get_field("note")
        for item in self.items:
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note for the patient about %(name)s") % {"name": item.asset.name},
                max_length=note.max_length,
                help_text=note.help_text,
                required=False,
                initial=item.note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def note_field(self, item):
        return self[f"note_{item.pk}"]

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"note_{item.pk}"] for item in self.items}
