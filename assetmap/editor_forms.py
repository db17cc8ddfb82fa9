"""Forms for the facilitators' pages: a listing with its sessions, and the moderation
decisions. They only collect and check input; `assetmap.editing` and
`assetmap.moderation` do the writing and enforce the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assetmap.forms import MapPointFields, NoColonMixin
from assetmap.models import (
    Asset,
    Category,
    Frequency,
    Organisation,
    Postcode,
    RecurringSession,
    Status,
    WeekOfMonth,
)

# Without JavaScript the form shows this many empty session rows; with it, one and a
# button to add more.
EXTRA_SESSION_ROWS = 3

PLACE_IT = _("Tap the map to place it, give its postcode, or tick “Online only”.")


class CategoryCheckboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class AssetForm(NoColonMixin, MapPointFields, forms.ModelForm):
    """Every field of a listing, in plain words. Where it is comes from a tap on the
    map (or typed coordinates), else from the postcode; online-only groups have none."""

    categories = CategoryCheckboxes(
        label=_("What it helps with"),
        queryset=Category.objects.select_related("parent"),
        required=False,
        help_text=_("Open a heading and tick everything that fits."),
    )
    save_anyway = forms.BooleanField(
        label=_("It is a different group: save it anyway"),
        required=False,
    )

    class Meta:
        model = Asset
        fields = [
            "name",
            "description",
            "kind",
            "focus",
            "organisation",
            "online_only",
            "address",
            "postcode",
            "contact_name",
            "email",
            "phone",
            "website",
            "cost",
            "cost_description",
            "accessibility",
            "accessibility_notes",
            "languages",
            "audience",
            "age_min",
            "age_max",
            "status",
            "internal_notes",
        ]
        labels = {
            "name": _("Name of the group"),
            "description": _("What happens there"),
            "kind": _("Kind of asset"),
            "focus": _("How it helps"),
            "organisation": _("Organisation that runs it (optional)"),
            "online_only": _("Online only: it does not meet in a place"),
            "address": _("Address (optional)"),
            "postcode": _("Postcode"),
            "contact_name": _("Name of the contact (optional)"),
            "email": _("Contact email (optional)"),
            "phone": _("Contact phone (optional)"),
            "website": _("Website (optional)"),
            "cost": _("Cost"),
            "cost_description": _("About the cost (optional)"),
            "accessibility": _("Access"),
            "accessibility_notes": _("More about access (optional)"),
            "languages": _("Languages spoken"),
            "audience": _("Who it is for (optional)"),
            "age_min": _("Youngest age (optional)"),
            "age_max": _("Oldest age (optional)"),
            "status": _("Show it on the map?"),
            "internal_notes": _("Notes for the team (optional)"),
        }
        help_texts = {
            "description": _("In a few sentences, as you would tell a neighbour."),
            "address": _("The building and street, e.g. “St Leonard’s Church, Bromley High St”."),
            "postcode": _("If you do not tap the map, we place it at the postcode."),
            "contact_name": _("Only someone who agreed to be a public contact."),
            "cost_description": _("For example: “£2 a session, first one free”."),
            "audience": _("For example: women, carers, people living with diabetes."),
            "age_min": _("Leave both ages empty if it is for all ages."),
            "internal_notes": _("Seen only by people working in the programme."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "kind": forms.RadioSelect,
            "cost": forms.RadioSelect,
            "status": forms.RadioSelect,
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
            "age_min": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 120}),
            "age_max": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 120}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        asset = self.instance
        # A required choice shown as radios needs no "---------" option.
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0] != ""]
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = _("None, or not known")
        self.fields["status"].choices = self._status_choices(asset)
        if asset.pk:
            self.initial.setdefault("categories", list(asset.categories.all()))
            self.show_point(asset.location)

    @staticmethod
    def _status_choices(asset: Asset):
        if asset.pk and asset.status == Status.NEEDS_REVIEW:
            return [
                (Status.NEEDS_REVIEW, _("Not yet: keep it off the map until someone checks it")),
                (Status.PUBLISHED, _("Yes, it still runs: publish it, checked today")),
                (Status.ARCHIVED, _("No longer: archive it (it has stopped)")),
            ]
        if asset.pk and asset.status == Status.PENDING_REVIEW:
            return [
                (Status.PENDING_REVIEW, _("Not yet: keep it waiting for review")),
                (Status.PUBLISHED, _("Yes: publish it")),
            ]
        choices = [
            (Status.DRAFT, _("Not yet: save it as a draft")),
            (Status.PUBLISHED, _("Yes: publish it")),
        ]
        if asset.pk:
            choices.append((Status.ARCHIVED, _("No longer: archive it (it has stopped)")))
        return choices

    def category_groups(self):
        """The category checkboxes under their top-level headings: [(parent, options,
        ticked)], each heading's own box first, then its sub-categories'."""
        options = {str(option.data["value"]): option for option in self["categories"]}
        ticked = {str(value) for value in (self["categories"].value() or [])}
        categories = list(self.fields["categories"].queryset)
        groups = []
        for top in (c for c in categories if c.parent_id is None):
            keys = [str(top.pk)] + [str(c.pk) for c in categories if c.parent_id == top.pk]
            groups.append((top, [options[k] for k in keys if k in options], ticked & set(keys)))
        return groups

    def clean(self):
        cleaned = super().clean()
        if self.has_error("latitude") or self.has_error("longitude"):
            return cleaned
        self.instance.location = None if cleaned.get("online_only") else self._point(cleaned)
        return cleaned

    def _point(self, cleaned):
        """The point from typed or tapped coordinates, or else from the postcode: the
        one changed last wins, so a new postcode moves a listing placed before."""
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        moved = "latitude" in self.changed_data or "longitude" in self.changed_data
        postcode = cleaned.get("postcode")
        postcode_last = postcode and "postcode" in self.changed_data and not moved
        typed = latitude is not None or longitude is not None
        if typed and not (latitude is not None and longitude is not None and postcode_last):
            return self.typed_point(cleaned)
        if postcode:
            try:
                return Postcode.objects.point_of(postcode)
            except ValidationError as error:
                self.add_error("postcode", error)
                return None
        self.add_error("latitude", PLACE_IT)
        return None


# Which weeks a session meets, in one plain choice: every week, or one week a month.
REPEATS = [("weekly", _("Every week"))] + [
    (str(week.value), _("%(week)s week of the month") % {"week": week.label})
    for week in WeekOfMonth
]


class SessionForm(NoColonMixin, forms.ModelForm):
    repeats = forms.ChoiceField(label=_("Which weeks"), choices=REPEATS, initial="weekly")

    class Meta:
        model = RecurringSession
        fields = ["weekday", "opens_at", "closes_at", "valid_from", "valid_to", "note"]
        labels = {
            "weekday": _("Day"),
            "opens_at": _("Starts at"),
            "closes_at": _("Ends at"),
            "valid_from": _("From (optional)"),
            "valid_to": _("Until (optional)"),
            "note": _("Note (optional)"),
        }
        help_texts = {"note": _("For example: “term time only” or “women only”.")}
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    field_order = ["weekday", "repeats", "opens_at", "closes_at", "valid_from", "valid_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = [c for c in self.fields["weekday"].choices if c[0] != ""]
        self.fields["weekday"].choices = [("", _("Choose a day")), *days]
        session = self.instance
        if session.pk and session.frequency == Frequency.MONTHLY:
            self.initial.setdefault("repeats", str(session.week_of_month))

    def has_changed(self):
        # "Which weeks" has a default: a row with only that is still a blank row.
        return bool(set(self.changed_data) - {"repeats"})

    def clean(self):
        cleaned = super().clean()
        repeats = cleaned.get("repeats")
        if repeats == "weekly":
            self.instance.frequency, self.instance.week_of_month = Frequency.WEEKLY, None
        elif repeats:
            self.instance.frequency = Frequency.MONTHLY
            self.instance.week_of_month = int(repeats)
        return cleaned

    def add_error(self, field, error):
        # The model speaks of `week_of_month`; here that is part of "Which weeks".
        if field == "week_of_month":
            field = "repeats"
        if hasattr(error, "error_dict") and "week_of_month" in error.error_dict:
            error.error_dict.setdefault("repeats", []).extend(error.error_dict.pop("week_of_month"))
        super().add_error(field, error)

    def unsaved_session(self) -> RecurringSession:
        """A new session from this row: the service replaces the listing's sessions."""
        session = self.instance
        session.pk = None
        session._state.adding = True
        return session


class BaseSessionFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this session")

    def sessions(self) -> list[RecurringSession]:
        """The sessions the listing should have: existing rows not marked for deletion
        and new rows filled in (blank new rows are left out)."""
        kept = [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]
        return [form.unsaved_session() for form in kept]


SessionFormSet = forms.modelformset_factory(
    RecurringSession,
    form=SessionForm,
    formset=BaseSessionFormSet,
    extra=EXTRA_SESSION_ROWS,
    can_delete=True,
    max_num=30,
)


def session_formset(data, asset: Asset):
    queryset = asset.sessions.all() if asset.pk else RecurringSession.objects.none()
    return SessionFormSet(data, queryset=queryset, prefix="sessions")


# Moderation ------------------------------------------------------------------------


class MergeForm(NoColonMixin, forms.Form):
    into = forms.ModelChoiceField(
        label=_("The listing it duplicates"),
        queryset=Asset.objects.none(),
        empty_label=_("Choose a listing"),
    )
    reason = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, prefix="merge", **kwargs)
        self.fields["into"].queryset = Asset.objects.filter(
            pk__in=[c.pk for c in candidates]
        ).order_by("name")
        self.fields["into"].label_from_instance = _candidate_label


def _candidate_label(asset: Asset) -> str:
    place = asset.postcode or (asset.address[:40] if asset.address else "")
    status = "" if asset.is_published else f" ({asset.get_status_display().lower()})"
    return f"{asset.name}{status}{f', {place}' if place else ''}"


class RejectForm(NoColonMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why it is rejected"),
        max_length=1000,
        help_text=_("Kept with the decision, for the team."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reject", **kwargs)


class ReportDecisionForm(NoColonMixin, forms.Form):
    RESOLVED, DISMISSED = "resolved", "dismissed"

    decision = forms.ChoiceField(choices=[(RESOLVED, RESOLVED), (DISMISSED, DISMISSED)])
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
