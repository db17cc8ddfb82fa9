"""Pages for hours, the experience survey and time credits: a volunteer's own record,
logging hours (one entry, or a whole session for a group), approving, rejecting and
correcting them, and spending, gifting and adjusting credits. The services check every
permission and rule; these pages collect the input and show refusals on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assetmap import roles
from assetmap.forms import show_service_errors
from volunteers import forms, services
from volunteers.models import (
    CreditEntry,
    HoursEntry,
    HoursStatus,
    Opportunity,
    SurveyResponse,
    Volunteer,
)
from volunteers.views import (
    group_for,
    groups_of,
    is_coordinating,
    signed_in,
)

FORM_PAGE = "volunteers/form_page.html"


def _day(date) -> str:
    return date_format(date, "j M Y")


def _form_page(request, form, *, title: str, submit: str, back_url: str, **extra):
    context = {"form": form, "title": title, "submit": submit, "back_url": back_url, **extra}
    return render(request, FORM_PAGE, context)


def _volunteer_or_refuse(user) -> Volunteer:
    volunteer = Volunteer.objects.of_login(user)
    if volunteer is None:
        raise PermissionDenied(_("This page is for volunteers with a login."))
    return volunteer


# --- A volunteer's own record ---------------------------------------------------------


@signed_in
def me(request):
    volunteer = _volunteer_or_refuse(request.user)
    answered = SurveyResponse.objects.filter(hours_entry=OuterRef("pk"))
    hours = (
        HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("asset", "opportunity")
        .annotate(answered=Exists(answered))
    )
    context = {
        "volunteer": volunteer,
        "balance": services.credit_balance(volunteer=volunteer),
        "hours": hours[:100],
        "hours_given": HoursEntry.objects.counted()
        .filter(volunteer=volunteer)
        .aggregate(total=Sum("hours"))["total"]
        or 0,
        "surveys_due": hours.filter(status=HoursStatus.APPROVED, answered=False)[:5],
        "ledger": CreditEntry.objects.filter(volunteer=volunteer).select_related(
            "spend_partner", "hours_entry__asset"
        )[:50],
        "groups": volunteer.assets.order_by("name"),
        "is_coordinating": is_coordinating(request.user),
    }
    return render(request, "volunteers/me.html", context)


# --- Logging hours --------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def hours_log(request):
    """One entry. A volunteer logs their own hours at their groups; a coordinator logs
    hours for the volunteers of the groups they coordinate."""
    user = request.user
    volunteer = Volunteer.objects.of_login(user)
    if is_coordinating(user):
        groups = groups_of(user)
        volunteers = Volunteer.objects.visible_to(user).active().filter(assets__in=groups)
    elif volunteer is not None:
        groups = volunteer.assets.all()
        volunteers = Volunteer.objects.filter(pk=volunteer.pk)
    else:
        raise PermissionDenied(_("Only volunteers and their coordinators log hours."))
    form = forms.HoursForm(
        request.POST or None,
        initial={"asset": request.GET["group"]} if "group" in request.GET else None,
        volunteers=volunteers.distinct().order_by("display_name"),
        own=not is_coordinating(user),
        groups=groups.order_by("name"),
        opportunities=Opportunity.objects.filter(asset__in=groups).select_related("asset"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_log(**form.cleaned_data, by=user)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The hours were logged. A coordinator will check them."))
            return redirect("volunteers:home")
    return _form_page(
        request,
        form,
        title=_("Log hours"),
        submit=_("Log the hours"),
        back_url=reverse("volunteers:home"),
    )


@signed_in
@require_http_methods(["GET", "POST"])
def session_log(request, slug):
    """A coordinator logs a whole session: all of it is saved, or none."""
    group = group_for(request, slug)
    form = forms.SessionHoursForm(
        request.POST or None,
        volunteers=Volunteer.objects.active().filter(assets=group).order_by("display_name"),
        opportunities=group.opportunities.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            entries = services.hours_log_bulk(
                asset=group,
                date=form.cleaned_data["date"],
                opportunity=form.cleaned_data["opportunity"],
                entries=form.rows(),
                by=request.user,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request, _("Hours logged for %(count)d volunteers.") % {"count": len(entries)}
            )
            return redirect("volunteers:group", slug=group.slug)
    return render(request, "volunteers/session_form.html", {"form": form, "group": group})


# --- Deciding and correcting ----------------------------------------------------------


def _entry_for(request, pk) -> HoursEntry:
    return get_object_or_404(
        HoursEntry.objects.visible_to(request.user).select_related("volunteer", "asset"), pk=pk
    )


def _back(request) -> str:
    """Where to go after deciding: the page the decision was made on."""
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return reverse("volunteers:home")


@signed_in
@require_POST
def hours_approve(request, pk):
    entry = _entry_for(request, pk)
    try:
        services.hours_approve(entry=entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Approved %(hours)s hours for %(name)s.")
            % {"hours": floatformat(entry.hours, -2), "name": entry.volunteer.display_name},
        )
    return redirect(_back(request))


@signed_in
@require_http_methods(["GET", "POST"])
def hours_reject(request, pk):
    entry = _entry_for(request, pk)
    user = request.user
    if not (roles.is_staff_member(user) or groups_of(user).filter(pk=entry.asset_id).exists()):
        raise PermissionDenied(services.NOT_COORDINATOR)
    form = forms.RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_reject(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The hours were rejected; the volunteer sees why."))
            return redirect(_back(request))
    return _form_page(
        request,
        form,
        title=_("Reject %(hours)s hours by %(name)s on %(date)s")
        % {
            "hours": floatformat(entry.hours, -2),
            "name": entry.volunteer.display_name,
            "date": _day(entry.date),
        },
        submit=_("Reject the hours"),
        back_url=reverse("volunteers:home"),
        entry=entry,
        next=request.GET.get("next", request.POST.get("next", "")),
    )


@signed_in
@require_http_methods(["GET", "POST"])
def hours_correct(request, pk):
    entry = _entry_for(request, pk)
    form = forms.CorrectionForm(request.POST or None, initial={"hours": entry.hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_correct(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The correction was logged. Once approved, it replaces the original."),
            )
            return redirect("volunteers:home")
    return _form_page(
        request,
        form,
        title=_("Correct %(hours)s hours on %(date)s at %(group)s")
        % {
            "hours": floatformat(entry.hours, -2),
            "date": _day(entry.date),
            "group": entry.asset.name,
        },
        submit=_("Send the correction"),
        back_url=reverse(
            "volunteers:me" if entry.volunteer.user_id == request.user.pk else "volunteers:home"
        ),
        intro=_("Approved hours are never changed: your correction replaces them once approved."),
    )


@signed_in
@require_http_methods(["GET", "POST"])
def survey(request, pk):
    volunteer = _volunteer_or_refuse(request.user)
    entry = get_object_or_404(HoursEntry.objects.filter(volunteer=volunteer), pk=pk)
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for telling us how it went."))
            return redirect("volunteers:me")
    return _form_page(
        request,
        form,
        title=_("How did it go at %(group)s on %(date)s?")
        % {"group": entry.asset.name, "date": _day(entry.date)},
        submit=_("Send"),
        back_url=reverse("volunteers:me"),
    )


# --- Time credits ---------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def credits_spend(request):
    volunteer = _volunteer_or_refuse(request.user)
    form = forms.SpendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.credit_spend(
                volunteer=volunteer,
                partner_asset=data["partner"],
                amount=data["amount"],
                what_bought=data["what_bought"],
                by=request.user,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Spent %(amount)s credits.") % {"amount": data["amount"]})
            return redirect("volunteers:me")
    return _form_page(
        request,
        form,
        title=_("Spend time credits"),
        submit=_("Spend the credits"),
        back_url=reverse("volunteers:me"),
        intro=_("You have %(balance)s credits.")
        % {"balance": floatformat(services.credit_balance(volunteer=volunteer), -2)},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def credits_gift(request):
    volunteer = _volunteer_or_refuse(request.user)
    form = forms.GiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.credit_gift(
                from_volunteer=volunteer,
                to_volunteer=data["reference"],
                amount=data["amount"],
                by=request.user,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("You gave %(amount)s credits to volunteer %(reference)s.")
                % {"amount": data["amount"], "reference": data["reference"].reference},
            )
            return redirect("volunteers:me")
    return _form_page(
        request,
        form,
        title=_("Give time credits to another volunteer"),
        submit=_("Give the credits"),
        back_url=reverse("volunteers:me"),
        intro=_("You have %(balance)s credits.")
        % {"balance": floatformat(services.credit_balance(volunteer=volunteer), -2)},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def bank_give(request, slug):
    group = group_for(request, slug)
    form = forms.BankGiftForm(
        request.POST or None,
        volunteers=Volunteer.objects.active().filter(assets=group).order_by("display_name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.credit_give_from_bank(
                bank_asset=group,
                to_volunteer=data["volunteer"],
                amount=data["amount"],
                by=request.user,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The credits were given."))
            return redirect("volunteers:group", slug=group.slug)
    return _form_page(
        request,
        form,
        title=_("Give credits from the bank of %(group)s") % {"group": group.name},
        submit=_("Give the credits"),
        back_url=reverse("volunteers:group", args=[group.slug]),
        intro=_("The bank holds %(balance)s credits.")
        % {"balance": floatformat(services.credit_balance(bank_asset=group), -2)},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def adjust_volunteer(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user).active(), pk=pk)
    return _adjust(
        request,
        holder={"volunteer": volunteer},
        title=_("Adjust the credits of %(name)s") % {"name": volunteer.display_name},
        back_url=reverse("volunteers:volunteer", args=[pk]),
    )


@signed_in
@require_http_methods(["GET", "POST"])
def adjust_bank(request, slug):
    group = group_for(request, slug)
    return _adjust(
        request,
        holder={"bank_asset": group},
        title=_("Add to or take from the bank of %(group)s") % {"group": group.name},
        back_url=reverse("volunteers:group", args=[group.slug]),
    )


def _adjust(request, *, holder: dict, title: str, back_url: str):
    """Staff only: every adjustment is a ledger row with its reason."""
    if not roles.is_staff_member(request.user):
        raise PermissionDenied(services.STAFF_ONLY)
    form = forms.AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_adjust(**holder, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The adjustment was recorded."))
            return redirect(back_url)
    balance = services.credit_balance(**holder)
    return _form_page(
        request,
        form,
        title=title,
        submit=_("Record the adjustment"),
        back_url=back_url,
        intro=_("The balance is %(balance)s credits.") % {"balance": floatformat(balance, -2)},
    )
