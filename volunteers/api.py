"""The volunteering API (/api/v1/): volunteers, opportunities, safeguarding checks, hours,
the time-credit ledger, surveys and the board's indicators.

Every queryset starts from the model's `visible_to(request.user)`, so a row the caller
may not see is a 404 and never appears in a list; every write calls a service, which
decides who may do it (403) and what is valid (400), and saves all or nothing.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
)
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from assetmap import roles
from assetmap.models import Asset
from assetmap.rest import IsProfessional, django_errors
from networks.models import Network
from volunteers import indicators, services
from volunteers import serializers as s
from volunteers.models import (
    CreditEntry,
    HoursEntry,
    Opportunity,
    SafeguardingCheck,
    SurveyResponse,
    Volunteer,
    coordinates,
)

VOLUNTEER_NEEDED = _("Say which volunteer: you have no volunteer record of your own.")


def _query(serializer_class, request) -> dict:
    """Validated query parameters (a 400 naming the parameter when one is wrong)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _input(view, serializer_class) -> dict:
    """A validated request body for an action's own serializer."""
    serializer = serializer_class(data=view.request.data, context=view.get_serializer_context())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _own_volunteer(user, field: str) -> Volunteer:
    """The caller's own volunteer record, for requests that leave the volunteer out."""
    volunteer = Volunteer.objects.of_login(user)
    if volunteer is None:
        raise exceptions.ValidationError({field: [VOLUNTEER_NEEDED]})
    return volunteer


class VolunteerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Volunteers the caller may see. Contact details only where `can_see_contact`."""

    queryset = Volunteer.objects.all()
    serializer_class = s.VolunteerSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:
            return Volunteer.objects.none()
        return (
            Volunteer.objects.visible_to(user)
            .prefetch_related(
                Prefetch("assets", queryset=Asset.objects.only("pk")),
                Prefetch("networks", queryset=Network.objects.only("pk")),
            )
            .with_balance()
            .with_contact_visible_to(user)
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        assets = data.pop("assets", None)
        serializer.instance = services.volunteer_save(
            volunteer=Volunteer(**data), by=self.request.user, assets=assets
        )

    def perform_update(self, serializer):
        volunteer = serializer.instance
        data = dict(serializer.validated_data)
        assets = data.pop("assets", None)
        for field, value in data.items():
            setattr(volunteer, field, value)
        serializer.instance = services.volunteer_save(
            volunteer=volunteer, by=self.request.user, assets=assets
        )
        _forget_contact_visibility(serializer.instance)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        volunteer = services.volunteer_erase(volunteer=self.get_object(), by=request.user)
        _forget_contact_visibility(volunteer)
        return Response(self.get_serializer(volunteer).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        volunteer = self.get_object()
        services.volunteer_invite(
            volunteer=volunteer, by=request.user, site_url=request.build_absolute_uri("/")
        )
        return Response(self.get_serializer(volunteer).data)


def _forget_contact_visibility(volunteer: Volunteer) -> None:
    """A write may change who coordinates the volunteer: ask the model again."""
    vars(volunteer).pop("contact_visible", None)


@extend_schema_view(list=extend_schema(parameters=[s.OpportunityFilter]))
class OpportunityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Volunteering roles: public ones for anybody, all for professionals; written by
    the asset's coordinators and staff. `?asset=<id>` filters."""

    queryset = Opportunity.objects.all()
    serializer_class = s.OpportunitySerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        opportunities = Opportunity.objects.visible_to(self.request.user)
        if self.action == "list":
            asset = _query(s.OpportunityFilter, self.request).get("asset")
            if asset is not None:
                opportunities = opportunities.filter(asset=asset)
        return opportunities

    def perform_create(self, serializer):
        serializer.instance = services.opportunity_save(
            opportunity=Opportunity(**serializer.validated_data), by=self.request.user
        )

    def perform_update(self, serializer):
        opportunity = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(opportunity, field, value)
        serializer.instance = services.opportunity_save(
            opportunity=opportunity, by=self.request.user
        )


@extend_schema_view(list=extend_schema(parameters=[s.SafeguardingFilter]))
class SafeguardingCheckViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """DBS checks: level and dates only. `?due_within=30` lists current checks to re-do
    within 30 days (overdue ones included); `?volunteer=<id>` filters."""

    queryset = SafeguardingCheck.objects.all()
    serializer_class = s.SafeguardingCheckSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        checks = SafeguardingCheck.objects.visible_to(self.request.user)
        if self.action == "list":
            query = _query(s.SafeguardingFilter, self.request)
            if "due_within" in query:
                checks = checks.due_within(query["due_within"])
            if "volunteer" in query:
                checks = checks.filter(volunteer=query["volunteer"])
        return checks

    def perform_create(self, serializer):
        serializer.instance = services.safeguarding_check_record(
            check=SafeguardingCheck(**serializer.validated_data), by=self.request.user
        )


@extend_schema_view(list=extend_schema(parameters=[s.HoursFilter]))
class HoursEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Hours given. A volunteer logs their own (leave `volunteer` out); coordinators log
    at their assets, one by one or in bulk, and approve, reject or correct them.
    Filters: `?status=`, `?asset=`, `?volunteer=`, `?date_from=`, `?date_to=`."""

    queryset = HoursEntry.objects.all()
    serializer_class = s.HoursEntrySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        entries = HoursEntry.objects.visible_to(self.request.user)
        if self.action != "list":
            # The services read the entry's volunteer and asset.
            return entries.select_related("volunteer", "asset")
        query = _query(s.HoursFilter, self.request)
        for field in ("status", "asset", "volunteer"):
            if field in query:
                entries = entries.filter(**{field: query[field]})
        if "date_from" in query:
            entries = entries.filter(date__gte=query["date_from"])
        if "date_to" in query:
            entries = entries.filter(date__lte=query["date_to"])
        return entries

    def perform_create(self, serializer):
        data = serializer.validated_data
        volunteer = data.get("volunteer") or _own_volunteer(self.request.user, "volunteer")
        serializer.instance = services.hours_log(
            volunteer=volunteer,
            asset=data["asset"],
            date=data["date"],
            hours=data["hours"],
            description=data.get("description", ""),
            opportunity=data.get("opportunity"),
            by=self.request.user,
        )

    @extend_schema(
        request=s.BulkHoursSerializer, responses={201: s.HoursEntrySerializer(many=True)}
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def bulk(self, request):
        """A session's hours for several volunteers: all saved, or none."""
        data = _input(self, s.BulkHoursSerializer)
        entries = services.hours_log_bulk(
            asset=data["asset"],
            date=data["date"],
            opportunity=data["opportunity"],
            entries=[
                (row["volunteer"], row["hours"], row["description"]) for row in data["entries"]
            ],
            by=request.user,
        )
        return Response(
            self.get_serializer(entries, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        entry = services.hours_approve(entry=self.get_object(), by=request.user)
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=s.RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _input(self, s.RejectSerializer)
        try:
            entry = services.hours_reject(
                entry=self.get_object(), reason=data["reason"], by=request.user
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                django_errors(exc, rename={"rejection_reason": "reason"})
            ) from exc
        return Response(self.get_serializer(entry).data)

    @extend_schema(request=s.CorrectSerializer, responses={201: s.HoursEntrySerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """A correction of approved hours: a new pending entry that replaces them."""
        data = _input(self, s.CorrectSerializer)
        entry = services.hours_correct(
            entry=self.get_object(),
            hours=data["hours"],
            description=data["description"],
            by=request.user,
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[s.CreditFilter]))
class CreditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The time-credit ledger: rows are read, never changed or deleted; new rows come
    only from the actions below (each a service). Filters: `?volunteer=`,
    `?bank_asset=`, `?kind=`."""

    queryset = CreditEntry.objects.all()
    serializer_class = s.CreditEntrySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        entries = CreditEntry.objects.visible_to(self.request.user)
        if self.action == "list":
            for field, value in _query(s.CreditFilter, self.request).items():
                entries = entries.filter(**{field: value})
        return entries

    def _created(self, entry: CreditEntry) -> Response:
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SpendSerializer, responses={201: s.CreditEntrySerializer})
    @action(detail=False, methods=["post"])
    def spend(self, request):
        """Spend credits at a spend partner (`volunteer` defaults to the caller's own)."""
        data = _input(self, s.SpendSerializer)
        entry = services.credit_spend(
            volunteer=data.get("volunteer") or _own_volunteer(request.user, "volunteer"),
            partner_asset=data["partner_asset"],
            amount=data["amount"],
            what_bought=data["what_bought"],
            by=request.user,
        )
        return self._created(entry)

    @extend_schema(request=s.GiftSerializer, responses={201: s.CreditEntrySerializer})
    @action(detail=False, methods=["post"])
    def gift(self, request):
        """Give credits to another volunteer; answers with the receiving row."""
        data = _input(self, s.GiftSerializer)
        entry = services.credit_gift(
            from_volunteer=data.get("from_volunteer")
            or _own_volunteer(request.user, "from_volunteer"),
            to_volunteer=data["to_volunteer"],
            amount=data["amount"],
            by=request.user,
        )
        return self._created(entry)

    @extend_schema(request=s.GiveFromBankSerializer, responses={201: s.CreditEntrySerializer})
    @action(detail=False, methods=["post"], url_path="give-from-bank")
    def give_from_bank(self, request):
        data = _input(self, s.GiveFromBankSerializer)
        entry = services.credit_give_from_bank(
            bank_asset=data["bank_asset"],
            to_volunteer=data["to_volunteer"],
            amount=data["amount"],
            by=request.user,
        )
        return self._created(entry)

    @extend_schema(request=s.AdjustSerializer, responses={201: s.CreditEntrySerializer})
    @action(detail=False, methods=["post"])
    def adjust(self, request):
        data = _input(self, s.AdjustSerializer)
        entry = services.credit_adjust(
            volunteer=data["volunteer"],
            bank_asset=data["bank_asset"],
            amount=data["amount"],
            reason=data["reason"],
            by=request.user,
        )
        return self._created(entry)

    @extend_schema(parameters=[s.BalanceQuery], responses=s.BalanceSerializer)
    @action(detail=False, methods=["get"])
    def balance(self, request):
        """`?volunteer=<id>` (one the caller may see) or `?bank_asset=<id>` (for its
        coordinators and staff): the sum of the holder's ledger rows."""
        query = s.BalanceQuery(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        volunteer = query.validated_data.get("volunteer")
        bank_asset = query.validated_data.get("bank_asset")
        user = request.user
        if bank_asset is not None and not (
            roles.is_staff_member(user) or coordinates(user, bank_asset)
        ):
            raise DjangoPermissionDenied(services.NOT_COORDINATOR)
        amount = services.credit_balance(volunteer=volunteer, bank_asset=bank_asset)
        return Response(
            {
                "volunteer": volunteer.pk if volunteer else None,
                "bank_asset": bank_asset.pk if bank_asset else None,
                "balance": s.AmountField().to_representation(amount),
            }
        )


class SurveyResponseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """How it went. Scores for whoever may see the hours; the comment only for the
    asset's coordinators. The volunteer answers for their own approved hours."""

    queryset = SurveyResponse.objects.all()
    serializer_class = s.SurveyResponseSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        user = self.request.user
        readable = SurveyResponse.objects.comments_visible_to(user).filter(pk=OuterRef("pk"))
        return SurveyResponse.objects.visible_to(user).annotate(comment_visible=Exists(readable))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.survey_answer(
            entry=data["hours_entry"],
            satisfaction=data["satisfaction"],
            felt_valued=data["felt_valued"],
            would_recommend=data["would_recommend"],
            comment=data.get("comment", ""),
            by=self.request.user,
        )


class IndicatorsViewSet(viewsets.ViewSet):
    """The board's indicators by month: `?network=<slug>&from=YYYY-MM&to=YYYY-MM`
    (by default the last 12 months, at most 36). For professionals only."""

    permission_classes = [IsProfessional]

    @extend_schema(
        parameters=[
            OpenApiParameter("network", str, description="A network's slug; all if left out."),
            OpenApiParameter("from", str, description="First month, YYYY-MM."),
            OpenApiParameter("to", str, description="Last month, YYYY-MM."),
        ],
        responses=s.IndicatorsResponseSerializer,
    )
    def list(self, request):
        query = _query(s.IndicatorsQuery, request)
        network = query["network"]
        figures = indicators.board_indicators(
            first_month=query["first_month"], last_month=query["last_month"], network=network
        )
        return Response(
            {
                "network": network.slug if network else None,
                "from": query["first_month"].strftime("%Y-%m"),
                "to": query["last_month"].strftime("%Y-%m"),
                "indicators": s.IndicatorSerializer(indicators.INDICATORS, many=True).data,
                "months": s.MonthFiguresSerializer(figures, many=True).data,
            }
        )
