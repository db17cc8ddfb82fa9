"""Pages for volunteer coordinators and volunteers: the coordinator's overview, the
volunteers' records, groups with their roles and credit banks, and public roles.
Hours, surveys and credits are in hours_views.py.

Every read starts from a model's `visible_to`; every write is a service, which checks
permission again. Refusals: anonymous users are sent to sign in, others get a 403 page
saying who can do it."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assetmap import roles
from assetmap.forms import show_service_errors
from assetmap.models import Asset
from volunteers import forms, services
from volunteers.models import (
    CreditEntry,
    HoursEntry,
    Opportunity,
    SafeguardingCheck,
    Volunteer,
    coordinated_assets,
    coordinates,
)

FORBIDDEN = "volunteers/forbidden.html"
VOLUNTEERS_PER_PAGE = 50


def forbidden(request, reason: str):
    return render(request, FORBIDDEN, {"reason": reason}, status=403)


def is_coordinating(user) -> bool:
    return roles.is_staff_member(user) or roles.has_role(user, roles.Role.COORDINATOR)


def groups_of(user):
    """The groups whose volunteers `user` looks after: every group with a coordinator
    or volunteers for staff, the ones they coordinate for a coordinator."""
    if roles.is_staff_member(user):
        return Asset.objects.filter(
            Q(coordinator_assignments__isnull=False) | Q(volunteers__isnull=False)
        ).distinct()
    return Asset.objects.filter(pk__in=coordinated_assets(user))


def group_for(request, slug) -> Asset:
    """A group the signed-in person coordinates (any, for staff); 403 otherwise."""
    group = get_object_or_404(Asset, slug=slug)
    if not (roles.is_staff_member(request.user) or coordinates(request.user, group)):
        raise PermissionDenied(services.NOT_COORDINATOR)
    return group


def signed_in(view):
    """Send anonymous visitors to sign in; turn a service's PermissionDenied into the
    403 page with its reason."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refusal:
            return forbidden(request, str(refusal) or _("You cannot do that."))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- Overview -------------------------------------------------------------------------


@signed_in
def home(request):
    """Coordinators and staff: what needs doing. Volunteers: their own record."""
    user = request.user
    if not is_coordinating(user):
        if Volunteer.objects.of_login(user):
            return redirect("volunteers:me")
        raise PermissionDenied(_("These pages are for volunteer coordinators and volunteers."))
    context = {
        "awaiting": HoursEntry.objects.awaiting(user).select_related(
            "volunteer", "asset", "opportunity"
        )[:100],
        "groups": groups_of(user)
        .annotate(
            volunteer_count=Count("volunteers", distinct=True),
            bank=_bank_balance(),
        )
        .order_by("name"),
        "checks_due": SafeguardingCheck.objects.visible_to(user)
        .due_within(30)
        .select_related("volunteer"),
        "can_see_indicators": roles.is_professional(user),
    }
    return render(request, "volunteers/home.html", context)


def _bank_balance():
    """Each group's bank balance, as a subquery: summed over a join with its volunteers
    it would be counted once per volunteer."""
    rows = (
        CreditEntry.objects.filter(bank_asset=OuterRef("pk"))
        .order_by()
        .values("bank_asset")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(rows, output_field=DecimalField(max_digits=10, decimal_places=2))


# --- Volunteers -----------------------------------------------------------------------


@signed_in
def volunteer_list(request):
    user = request.user
    if not is_coordinating(user):
        raise PermissionDenied(_("Only volunteer coordinators and staff see the volunteers."))
    volunteers = (
        Volunteer.objects.visible_to(user)
        .active()
        .prefetch_related("assets")
        .annotate(balance=Sum("credit_entries__amount"))
        .order_by("display_name", "pk")
    )
    if query := request.GET.get("q", "").replace("\x00", "").strip():
        volunteers = volunteers.filter(display_name__icontains=query)
    page = Paginator(volunteers, VOLUNTEERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "volunteers/volunteer_list.html", {"page": page, "query": query})


@signed_in
def volunteer_detail(request, pk):
    user = request.user
    volunteer = get_object_or_404(Volunteer.objects.visible_to(user), pk=pk)
    if volunteer.user_id == user.pk:
        return redirect("volunteers:me")
    context = {
        "volunteer": volunteer,
        "can_see_contact": volunteer.can_see_contact(user),
        "can_manage": volunteer.is_managed_by(user),
        "can_edit": volunteer.can_see_contact(user),
        "is_staff": roles.is_staff_member(user),
        "groups": volunteer.assets.order_by("name"),
        "hours": HoursEntry.objects.visible_to(user)
        .filter(volunteer=volunteer)
        .select_related("asset", "opportunity", "decided_by")[:50],
        "balance": services.credit_balance(volunteer=volunteer),
        "ledger": CreditEntry.objects.filter(volunteer=volunteer).select_related(
            "spend_partner", "hours_entry"
        )[:50],
        "checks": volunteer.safeguarding_checks.select_related("verified_by"),
    }
    return render(request, "volunteers/volunteer_detail.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def volunteer_add(request):
    if not is_coordinating(request.user):
        raise PermissionDenied(services.NOT_A_COORDINATOR)
    return _volunteer_form(request, Volunteer())


@signed_in
@require_http_methods(["GET", "POST"])
def volunteer_edit(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user).active(), pk=pk)
    # The form holds contact details: only those who may see them edit it.
    if not volunteer.can_see_contact(request.user):
        raise PermissionDenied(services.NOT_THEIR_EDITOR)
    return _volunteer_form(request, volunteer)


def _volunteer_form(request, volunteer: Volunteer):
    groups = groups_of(request.user).order_by("name")
    form = forms.VolunteerForm(request.POST or None, instance=volunteer, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_save(
                volunteer=form.instance, by=request.user, assets=list(form.cleaned_data["assets"])
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The volunteer's record was saved."))
            return redirect("volunteers:volunteer", pk=form.instance.pk)
    context = {"form": form, "volunteer": volunteer if volunteer.pk else None}
    return render(request, "volunteers/volunteer_form.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def own_details(request):
    volunteer = Volunteer.objects.of_login(request.user)
    if volunteer is None:
        raise PermissionDenied(_("This page is for volunteers."))
    form = forms.OwnDetailsForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_save(volunteer=form.instance, by=request.user)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("volunteers:me")
    return render(request, "volunteers/own_details_form.html", {"form": form})


@signed_in
@require_POST
def volunteer_invite(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    try:
        services.volunteer_invite(
            volunteer=volunteer, by=request.user, site_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("An email is on its way to them with a link to choose a password.")
        )
    return redirect("volunteers:volunteer", pk=pk)


@signed_in
@require_http_methods(["GET", "POST"])
def volunteer_erase(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user).active(), pk=pk)
    if not volunteer.is_managed_by(request.user):
        raise PermissionDenied(services.NOT_THEIR_COORDINATOR)
    if request.method == "POST":
        services.volunteer_erase(volunteer=volunteer, by=request.user)
        messages.success(
            request,
            _("Their personal details were erased. Their hours and credits stay in the totals."),
        )
        return redirect("volunteers:list")
    return render(request, "volunteers/volunteer_erase.html", {"volunteer": volunteer})


@signed_in
@require_http_methods(["GET", "POST"])
def check_add(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user).active(), pk=pk)
    if not volunteer.is_managed_by(request.user):
        raise PermissionDenied(services.NOT_THEIR_CHECKER)
    form = forms.SafeguardingCheckForm(
        request.POST or None, instance=SafeguardingCheck(volunteer=volunteer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.safeguarding_check_record(check=form.instance, by=request.user)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The check was recorded."))
            return redirect("volunteers:volunteer", pk=pk)
    return render(
        request,
        "volunteers/form_page.html",
        {
            "form": form,
            "title": _("Record a DBS check for %(name)s") % {"name": volunteer.display_name},
            "submit": _("Record the check"),
            "back_url": reverse("volunteers:volunteer", args=[pk]),
        },
    )


# --- Groups and their roles -----------------------------------------------------------


@signed_in
def group_detail(request, slug):
    group = group_for(request, slug)
    user = request.user
    context = {
        "group": group,
        "volunteers": Volunteer.objects.visible_to(user)
        .active()
        .filter(assets=group)
        .order_by("display_name"),
        "opportunities": group.opportunities.all(),
        "awaiting": HoursEntry.objects.awaiting(user)
        .filter(asset=group)
        .select_related("volunteer", "opportunity"),
        "bank": services.credit_balance(bank_asset=group),
        "bank_ledger": CreditEntry.objects.filter(bank_asset=group)[:20],
        "is_staff": roles.is_staff_member(user),
        "is_spend_partner": hasattr(group, "spend_partner"),
    }
    return render(request, "volunteers/group_detail.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def opportunity_add(request, slug):
    group = group_for(request, slug)
    return _opportunity_form(request, group, Opportunity(asset=group))


@signed_in
@require_http_methods(["GET", "POST"])
def opportunity_edit(request, slug, pk):
    group = group_for(request, slug)
    return _opportunity_form(request, group, get_object_or_404(group.opportunities, pk=pk))


def _opportunity_form(request, group: Asset, opportunity: Opportunity):
    form = forms.OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_save(opportunity=form.instance, by=request.user)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The role was saved."))
            return redirect("volunteers:group", slug=group.slug)
    title = (
        _("Edit the role “%(title)s”") % {"title": opportunity.title}
        if opportunity.pk
        else _("Add a volunteering role at %(group)s") % {"group": group.name}
    )
    context = {
        "form": form,
        "title": title,
        "submit": _("Save the role"),
        "back_url": reverse("volunteers:group", args=[group.slug]),
    }
    return render(request, "volunteers/form_page.html", context)


def opportunity_list(request):
    """Volunteering roles anyone can take up, by group (public ones only for residents)."""
    opportunities = (
        Opportunity.objects.visible_to(request.user)
        .filter(asset__in=Asset.objects.visible_to(request.user))
        .select_related("asset")
        .order_by("asset__name", "title")
    )
    return render(request, "volunteers/opportunity_list.html", {"opportunities": opportunities})
