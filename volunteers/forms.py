"""Forms for the volunteering pages. They collect and check input; the services in
`volunteers.services` decide who may do what and write."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assetmap.forms import NoColonMixin
from assetmap.models import Asset
from volunteers import services
from volunteers.models import (
    DbsLevel,
    Opportunity,
    SafeguardingCheck,
    SurveyResponse,
    Volunteer,
)

HOURS_HELP = _("In quarter hours: 1.5 is an hour and a half.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def validate_quarter_hours(hours: Decimal) -> None:
    if hours % Decimal("0.25"):
        raise ValidationError(services.NOT_QUARTER)


def hours_field(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        validators=[validate_quarter_hours],
        label=kwargs.pop("label", _("Hours")),
        min_value=Decimal("0.25"),
        max_value=Decimal(24),
        decimal_places=2,
        help_text=kwargs.pop("help_text", HOURS_HELP),
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        **kwargs,
    )


class VolunteerForm(NoColonMixin, forms.ModelForm):
    """A coordinator registers or updates one of their volunteers."""

    consent_given_on = forms.DateField(
        label=_("Date they agreed"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )
    assets = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=Asset.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The groups you coordinate where they volunteer."),
    )

    class Meta:
        model = Volunteer
        fields = ["display_name", "email", "phone", "skills", "consent_text"]
        widgets = {"skills": forms.Textarea(attrs={"rows": 3})}
        labels = {"consent_text": _("What they agreed to")}
        help_texts = {
            "display_name": _("The name the group knows them by."),
            "consent_text": _(
                "For example: to be contacted about volunteering and to have hours recorded."
            ),
        }

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = groups
        self.fields["consent_text"].widget.attrs["rows"] = 3
        if self.instance.pk:
            self.fields["assets"].initial = self.instance.assets.filter(pk__in=groups)
            if self.instance.consent_given_at:
                self.fields["consent_given_on"].initial = timezone.localdate(
                    self.instance.consent_given_at
                )

    def clean_consent_given_on(self):
        day = self.cleaned_data["consent_given_on"]
        if day and day > timezone.localdate():
            raise ValidationError(_("Consent cannot be given in the future."))
        return day

    def _post_clean(self):
        super()._post_clean()
        day = self.cleaned_data.get("consent_given_on")
        if day:
            stored = self.instance.consent_given_at
            if stored is None or timezone.localdate(stored) != day:
                self.instance.consent_given_at = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(12))
                )
        elif self.instance.pk is None or "consent_text" in self.changed_data:
            self.instance.consent_given_at = None  # the service stamps it now


class OwnDetailsForm(NoColonMixin, forms.ModelForm):
    """A volunteer keeps their own contact details up to date."""

    class Meta:
        model = Volunteer
        fields = ["display_name", "email", "phone", "skills"]
        widgets = {"skills": forms.Textarea(attrs={"rows": 3})}


class HoursForm(NoColonMixin, forms.Form):
    """One entry of hours. A volunteer logs their own; a coordinator picks who."""

    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    asset = forms.ModelChoiceField(label=_("Group"), queryset=Asset.objects.none())
    opportunity = forms.ModelChoiceField(
        label=_("Role"), queryset=Opportunity.objects.none(), required=False
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    hours = hours_field()
    description = forms.CharField(
        label=_("What they did"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, volunteers, groups, opportunities, own=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["asset"].queryset = groups
        self.fields["opportunity"].queryset = opportunities
        if own:
            # Volunteers logging their own hours: nothing to choose.
            self.fields["volunteer"].initial = volunteers.get()
            self.fields["volunteer"].widget = forms.HiddenInput()
            self.fields["description"].label = _("What you did")
        if groups.count() == 1:
            self.fields["asset"].initial = groups.get()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        data = super().clean()
        role, group = data.get("opportunity"), data.get("asset")
        if role and group and role.asset_id != group.pk:
            self.add_error("opportunity", _("That role belongs to another group."))
        return data


class SessionHoursForm(NoColonMixin, forms.Form):
    """A coordinator logs one session's hours for the group's volunteers at once: an
    hours box per volunteer, left empty for those who were not there."""

    date = forms.DateField(label=_("Date of the session"), widget=DateInput())
    opportunity = forms.ModelChoiceField(
        label=_("Role"), queryset=Opportunity.objects.none(), required=False
    )
    description = forms.CharField(label=_("What they did"), required=False)

    def __init__(self, *args, volunteers, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.volunteers = list(volunteers)
        for volunteer in self.volunteers:
            self.fields[f"hours_{volunteer.pk}"] = hours_field(
                label=volunteer.display_name, required=False, help_text=""
            )

    def hour_fields(self):
        return [self[f"hours_{volunteer.pk}"] for volunteer in self.volunteers]

    def clean(self):
        data = super().clean()
        if not self.rows():
            raise ValidationError(_("Give the hours of at least one volunteer."))
        return data

    def rows(self) -> list[tuple[Volunteer, Decimal, str]]:
        description = self.cleaned_data.get("description", "")
        return [
            (volunteer, hours, description)
            for volunteer in self.volunteers
            if (hours := self.cleaned_data.get(f"hours_{volunteer.pk}"))
        ]


class RejectForm(NoColonMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why are these hours rejected?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The volunteer sees this."),
    )


class CorrectionForm(NoColonMixin, forms.Form):
    hours = hours_field(label=_("Correct number of hours"))
    description = forms.CharField(
        label=_("What changed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SurveyForm(NoColonMixin, forms.ModelForm):
    SCALE = [(n, str(n)) for n in range(1, 6)]

    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with your volunteering? (1 = not at all, 5 = very)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    felt_valued = forms.TypedChoiceField(
        label=_("I felt valued (1 = not at all, 5 = very much)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend volunteering here to a friend?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SurveyResponse
        fields = ["satisfaction", "felt_valued", "would_recommend", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"comment": _("Anything else? (optional)")}
        help_texts = {"comment": _("Only your coordinator reads this.")}


class SpendForm(NoColonMixin, forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Where"), queryset=Asset.objects.none(), empty_label=_("Choose a place")
    )
    amount = forms.DecimalField(
        label=_("Credits"), min_value=Decimal("0.25"), decimal_places=2, max_digits=8
    )
    what_bought = forms.CharField(label=_("What for"), max_length=200)

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is None:
            partners = Asset.objects.filter(spend_partner__isnull=False).order_by("name")
        self.fields["partner"].queryset = partners
        if partners.count() == 1:
            self.fields["partner"].initial = partners.get()
            self.fields["partner"].widget = forms.HiddenInput()


class GiftForm(NoColonMixin, forms.Form):
    reference = forms.CharField(
        label=_("Their volunteer reference"),
        max_length=12,
        help_text=_("It is on their volunteering page, like V123."),
    )
    amount = forms.DecimalField(
        label=_("Credits"), min_value=Decimal("0.25"), decimal_places=2, max_digits=8
    )

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        number = reference.removeprefix("V")
        recipient = (
            Volunteer.objects.active().filter(pk=int(number)).first()
            if number.isascii() and number.isdecimal() and len(number) < 12
            else None
        )
        if recipient is None:
            raise ValidationError(_("There is no volunteer with that reference."))
        return recipient


class BankGiftForm(NoColonMixin, forms.Form):
    volunteer = forms.ModelChoiceField(label=_("To"), queryset=Volunteer.objects.none())
    amount = forms.DecimalField(
        label=_("Credits"), min_value=Decimal("0.25"), decimal_places=2, max_digits=8
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class AdjustForm(NoColonMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Credits"),
        decimal_places=2,
        max_digits=8,
        help_text=_("Negative to take credits away."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def clean_amount(self):
        if self.cleaned_data["amount"] == 0:
            raise ValidationError(_("Give a number of credits other than 0."))
        return self.cleaned_data["amount"]


class OpportunityForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["title", "description", "time_commitment", "dbs_level", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SafeguardingCheckForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = SafeguardingCheck
        fields = ["level", "issued_on", "recheck_due"]
        widgets = {"issued_on": DateInput(), "recheck_due": DateInput()}
        help_texts = {
            "level": _("Record only the level and dates, never what the certificate says."),
            "recheck_due": _("Usually three years after it was issued."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            c for c in self.fields["level"].choices if c[0] != DbsLevel.NONE
        ]
