"""Community assets, shaped to map onto Open Referral UK (HSDS 3.0).

ORUK object        Assetmap
organization       Organisation
service            Asset (one listing: a group, activity, place or service)
location           Asset.location / address / postcode (one place per asset)
schedule           RecurringSession (weekly, or the nth weekday of each month)
cost_option        Asset.cost / cost_description
language           Asset.languages (ISO 639 codes)
accessibility      Asset.accessibility / accessibility_notes
taxonomy_term      Category (two levels)
contact / phone    Asset.contact_name / email / phone
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assetmap import roles
from assetmap.geo import validate_in_uk
from assetmap.postcodes import normalise_postcode
from assetmap.statements import StatementCache

LONDON = ZoneInfo("Europe/London")

# Stemming for search: "walks" and "walking" find "walk".
SEARCH_CONFIG = "english"
METRES_PER_DEGREE_LATITUDE = 111_320


class ChoiceArrayField(ArrayField):
    """An array of choices, edited as a list of checkboxes rather than comma-separated text."""

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield, which would build a comma-separated text field.
        return super(ArrayField, self).formfield(**defaults)


def recorded_by():
    """Who created or last changed a row: kept when the user is deleted (set to null),
    never edited in a form, and not asked for from the user's side."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )


class AssetKind(models.TextChoices):
    """The six kinds of asset named by asset-based community development (ABCD)."""

    INDIVIDUAL_SKILLS = "individual_skills", _("Individuals' gifts and skills")
    ASSOCIATION = "association", _("Association or voluntary group")
    INSTITUTION = "institution", _("Institution")
    PHYSICAL_SPACE = "physical_space", _("Physical space")
    ECONOMY = "economy", _("Local economy")
    CULTURE = "culture", _("Culture and stories")


class Focus(models.TextChoices):
    """The programme's three focus areas."""

    HELPING_HEALTH = "helping_health", _("Helping health")
    HELPING_OTHERS = "helping_others", _("Helping others")
    HELPING_THEMSELVES = "helping_themselves", _("Helping themselves")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Pending review")
    PUBLISHED = "published", _("Published")
    # Not checked for a year and a grace period after the reminder: off the public
    # map until someone confirms it still runs. Never deleted.
    NEEDS_REVIEW = "needs_review", _("Needs review")
    ARCHIVED = "archived", _("Archived")


class Provenance(models.TextChoices):
    """How the listing reached the map."""

    STAFF = "staff", _("Added by staff")
    RESIDENT_SUGGESTION = "resident_suggestion", _("Suggested by a resident")
    LISTENING_EVENT = "listening_event", _("Found at a listening event")
    IMPORT = "import", _("Imported")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    LOW_COST = "low_cost", _("Low cost")
    PAID = "paid", _("Paid")


class AccessibilityFeature(models.TextChoices):
    STEP_FREE = "step_free", _("Step-free access")
    ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
    CHANGING_PLACES = "changing_places", _("Changing Places toilet")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    QUIET_SPACE = "quiet_space", _("Quiet space")
    BSL = "bsl", _("British Sign Language")
    LARGE_PRINT = "large_print", _("Large print materials")
    ASSISTANCE_DOGS = "assistance_dogs", _("Assistance dogs welcome")
    SEATING = "seating", _("Seating available")
    BABY_CHANGING = "baby_changing", _("Baby changing")


class Language(models.TextChoices):
    """Languages a session is run in: ISO 639-1 where it exists, else ISO 639-3."""

    ENGLISH = "en", _("English")
    BENGALI = "bn", _("Bengali")
    SYLHETI = "syl", _("Sylheti")
    SOMALI = "so", _("Somali")
    URDU = "ur", _("Urdu")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    POLISH = "pl", _("Polish")
    LITHUANIAN = "lt", _("Lithuanian")
    ROMANIAN = "ro", _("Romanian")
    PORTUGUESE = "pt", _("Portuguese")
    SPANISH = "es", _("Spanish")
    FRENCH = "fr", _("French")
    CHINESE = "zh", _("Chinese")
    VIETNAMESE = "vi", _("Vietnamese")
    TIGRINYA = "ti", _("Tigrinya")
    AMHARIC = "am", _("Amharic")
    KURDISH = "ku", _("Kurdish")
    PERSIAN = "fa", _("Persian")
    PASHTO = "ps", _("Pashto")
    PUNJABI = "pa", _("Punjabi")
    GUJARATI = "gu", _("Gujarati")
    HINDI = "hi", _("Hindi")
    TAMIL = "ta", _("Tamil")
    YORUBA = "yo", _("Yoruba")
    BSL = "bfi", _("British Sign Language")


# Statements of the category lookup every search with categories makes: compiled
# once per number of slugs, where building it was most of its time (assetmap.statements).
FAMILY_STATEMENTS = StatementCache(size=64)


class CategoryQuerySet(models.QuerySet):
    def family_ids(self, slugs) -> tuple[list[int], set[str]]:
        """The ids of the categories with these slugs and of their sub-categories, in
        one query, and the slugs that name no category."""

        def family(traced: dict):
            named = traced["slugs"]
            family = self.filter(Q(slug__in=named) | Q(parent__slug__in=named))
            return family.values_list("pk", "slug").query.sql_with_params()

        sql, params = FAMILY_STATEMENTS.sql_with_params(
            (self.query.where,), {"slugs": list(slugs)}, family
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [pk for pk, _slug in rows], set(slugs) - {slug for _pk, slug in rows}


class Category(models.Model):
    """A term in the two-level taxonomy: a top-level need, or one of its sub-categories."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="category_name_unique_within_parent",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="category_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        # Two levels only: a parent must itself be top-level.
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Categories have two levels: choose a top-level parent.")}
            )
        if self.parent_id and self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This category has sub-categories, so it must stay top-level.")}
            )


class PostcodeQuerySet(models.QuerySet):
    def point_of(self, value: str):
        """The point of the postcode a person typed, in any spacing or case. Raises
        ValidationError for a malformed postcode, or one the directory does not hold."""
        postcode = normalise_postcode(value)
        found = self.filter(postcode=postcode).values_list("location", flat=True).first()
        if found is None:
            raise ValidationError(
                UNKNOWN_POSTCODE, code="unknown_postcode", params={"postcode": postcode}
            )
        return found


UNKNOWN_POSTCODE = _("We do not know the postcode %(postcode)s. Check it, or search near a place.")


class Postcode(models.Model):
    """A UK postcode and the point it stands for (the directory's centroid), so a
    postcode typed in a search or form becomes a place on the map. Terminated
    postcodes stay, marked, because old letters and records still carry them."""

    postcode = models.CharField(_("postcode"), max_length=8, primary_key=True)
    location = models.PointField(_("location"), srid=4326)
    terminated = models.DateField(_("terminated"), null=True, blank=True)

    objects = PostcodeQuerySet.as_manager()

    def __str__(self):
        return self.postcode


class Organisation(models.Model):
    """The organisation that runs one or more assets (ORUK `organization`)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    charity_number = models.CharField(_("registered charity number"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def _clock(field: str) -> Func:
    """A time of day as "HH:MM", in SQL."""
    return Func(F(field), Value("HH24:MI"), function="to_char", output_field=models.CharField())


def is_stale_condition(today: dt.date | None = None) -> Q:
    """Not verified within ASSET_STALE_AFTER_DAYS of `today`, or never verified."""
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=settings.ASSET_STALE_AFTER_DAYS)
    return Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff)


class BoxAround(Func):
    """The box, in degrees, around the circle of `metres` round `point`. A degree of
    longitude shrinks towards the poles, so the box is as wide as the circle at its
    edge nearer the pole. PostgreSQL works it out from the point and the radius
    rather than Python, so that the statement of a search serves any point
    (assetmap.statements); it folds the box into a constant when planning, and the
    GiST index still finds the candidates."""

    output_field = models.GeometryField(srid=4326)

    def __init__(self, point, metres: float):
        super().__init__(
            Value(point, output_field=models.PointField(srid=4326)),
            Value(float(metres), output_field=models.FloatField()),
        )

    def as_sql(self, compiler, connection, **extra_context):
        point_sql, point_params = compiler.compile(self.source_expressions[0])
        metres_sql, metres_params = compiler.compile(self.source_expressions[1])
        lat_margin = f"(({metres_sql}) / {METRES_PER_DEGREE_LATITUDE}.0)"
        edge_lat = f"LEAST(abs(ST_Y({point_sql})) + {lat_margin}, 89.9)"
        lng_margin = f"({lat_margin} / GREATEST(cos(radians({edge_lat})), 1e-6))"
        sql = f"ST_Expand({point_sql}, {lng_margin}, {lat_margin})"
        # Parameters in the order their placeholders appear in `sql`.
        params = [*point_params, *metres_params, *point_params, *metres_params, *metres_params]
        return sql, params


class AssetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """The assets `user` may see: published ones for everybody, every status for
        professionals (staff, link workers, facilitators, coordinators)."""
        if roles.is_professional(user):
            return self.all()
        return self.published()

    def in_network(self, network):
        return self.filter(network=network)

    def editable_by(self, user):
        """The listings `user` may change: `Asset.can_edit` as a query (network leads
        all; facilitators those in their networks and those in none)."""
        if roles.is_staff_member(user):
            return self.all()
        if not roles.has_role(user, roles.Role.FACILITATOR):
            return self.none()
        return self.filter(Q(network__isnull=True) | Q(network__facilitators=user))

    def search(self, text: str):
        """Assets matching `text`, each with a `relevance`: full-text on the name,
        audience and description (stemmed, web-search syntax: "quoted phrase", -not).
        Only when no asset matches the words does spelling come in: names close to
        them ("yogga" finds "Gentle Yoga"). Always fuzzy, "walking" would also find
        "Talking Café". One query: PostgreSQL checks "nothing matched" once."""
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        words_match = Q(search_vector=query)
        spelled_close = Q(name__trigram_word_similar=text) & ~Exists(self.filter(words_match))
        return self.filter(words_match | spelled_close).annotate(
            relevance=SearchRank(F("search_vector"), query) + TrigramWordSimilarity(text, "name")
        )

    def near(self, point, metres: float):
        """Assets within `metres` (true metres on the sphere) of `point`, each with its
        `distance`. The bounding box first lets the GiST index find the candidates;
        the distance on the sphere then keeps the ones inside the circle."""
        return self.filter(
            location__bboverlaps=BoxAround(point, metres),
            location__distance_lte=(point, D(m=metres)),
        ).with_distance(point)

    def with_distance(self, point):
        return self.annotate(distance=Distance("location", point))

    def in_bbox(self, box: Polygon):
        return self.filter(location__bboverlaps=box)

    def meeting_on(self, weekday: int, at: dt.time | None = None, today: dt.date | None = None):
        """Assets with a session on `weekday` (every week or some weeks of the month),
        running at `at` when given, that has not ended before `today`."""
        sessions = RecurringSession.objects.filter(asset=OuterRef("pk"), weekday=weekday).exclude(
            valid_to__lt=today or timezone.localdate()
        )
        if at is not None:
            sessions = sessions.filter(opens_at__lte=at, closes_at__gt=at)
        return self.filter(Exists(sessions))

    def for_age(self, age: int):
        """Assets whose age range (if any) includes `age`."""
        return self.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=age),
            Q(age_max__isnull=True) | Q(age_max__gte=age),
        )

    def with_listing_details(self):
        """Each asset with what a listing shows from other tables, in the same
        statement: `network_slug`, `category_slugs` (in the taxonomy's order) and
        `session_rows` (dicts, times as "HH:MM"). Prefetching them instead builds a
        model instance per row, which was most of a search request's time."""
        links = Asset.categories.through.objects.filter(asset=OuterRef("pk"))
        sessions = RecurringSession.objects.filter(asset=OuterRef("pk")).order_by(
            "weekday", "opens_at", "pk"
        )
        return self.annotate(
            network_slug=F("network__slug"),
            category_slugs=ArraySubquery(
                links.order_by("category__position", "category__name").values("category__slug")
            ),
            session_rows=ArraySubquery(
                sessions.values(
                    row=JSONObject(
                        frequency="frequency",
                        weekday="weekday",
                        week_of_month="week_of_month",
                        opens_at=_clock("opens_at"),
                        closes_at=_clock("closes_at"),
                        valid_from="valid_from",
                        valid_to="valid_to",
                        note="note",
                    )
                )
            ),
        )

    def with_listing_json(self, **options):
        """Each asset with `listing`: its API representation as JSON text, built in
        the same statement (assetmap.listings.listing_json takes the options)."""
        from assetmap.listings import listing_json

        return self.annotate(listing=listing_json(**options))

    def in_categories(self, categories):
        """Assets in any of `categories` or their sub-categories."""
        return self.in_category_ids(
            Category.objects.filter(Q(pk__in=categories) | Q(parent__in=categories)).values("pk")
        )

    def in_category_ids(self, category_ids):
        """Assets in any of the categories with these ids (sub-categories are not
        added: `Category.objects.family_ids` gives them)."""
        through = Asset.categories.through.objects.filter(asset=OuterRef("pk"))
        return self.filter(Exists(through.filter(category_id__in=category_ids)))

    def open_at(self, moment: dt.datetime):
        """Assets with a session running at `moment` (evaluated in UK local time)."""
        return self.filter(
            Exists(RecurringSession.objects.open_at(moment).filter(asset=OuterRef("pk")))
        )

    def stale(self, today: dt.date | None = None):
        """Assets not verified within ASSET_STALE_AFTER_DAYS (or never verified)."""
        return self.filter(is_stale_condition(today))

    def assign_networks(self) -> int:
        """Set each asset's network to the one whose boundary covers its point, in one
        UPDATE. Assets without a point, or outside every network, get no network."""
        from networks.models import Network

        covering = (
            Network.objects.filter(boundary__covers=OuterRef("location"))
            .order_by("pk")
            .values("pk")[:1]
        )
        return self.update(network=Subquery(covering))


class Asset(models.Model):
    """A community asset: a group, activity, place or service that helps people be well."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind of asset"), max_length=32, choices=AssetKind.choices)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="assets", blank=True
    )
    focus = ChoiceArrayField(
        models.CharField(max_length=32, choices=Focus.choices),
        verbose_name=_("focus"),
        default=list,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets",
    )

    # Where. An online-only group has no point.
    location = models.PointField(
        _("location"), srid=4326, null=True, blank=True, validators=[validate_in_uk]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    online_only = models.BooleanField(_("online only"), default=False)
    network = models.ForeignKey(
        "networks.Network",
        verbose_name=_("GP network"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="assets",
        help_text=_("Worked out from the location."),
    )

    # Public contact details. A group's contact is often a private person, so these
    # are kept out of the change history (see `history` below).
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    cost = models.CharField(_("cost"), max_length=16, choices=Cost.choices, default=Cost.FREE)
    cost_description = models.CharField(_("about the cost"), max_length=255, blank=True)
    accessibility = ChoiceArrayField(
        models.CharField(max_length=32, choices=AccessibilityFeature.choices),
        verbose_name=_("accessibility"),
        default=list,
        blank=True,
    )
    accessibility_notes = models.TextField(_("more about access"), blank=True)
    languages = ChoiceArrayField(
        models.CharField(max_length=3, choices=Language.choices),
        verbose_name=_("languages"),
        default=list,
        blank=True,
    )
    audience = models.CharField(
        _("who it is for"),
        max_length=200,
        blank=True,
        help_text=_("For example: women, carers, people living with diabetes."),
    )
    age_min = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    provenance = models.CharField(
        _("how it was found"), max_length=24, choices=Provenance.choices, default=Provenance.STAFF
    )
    assured_date = models.DateField(_("last checked"), null=True, blank=True)
    assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Seen only by professionals.")
    )
    # A resident who suggested the listing may leave an email for questions about it;
    # it is deleted once the suggestion is handled, and never shown or kept in history.
    suggester_email = models.EmailField(_("suggester's email"), blank=True, editable=False)
    # Where an imported listing came from ("csv:<file>", an ORUK feed URL...) and its id
    # there: re-importing the same source updates these rows instead of adding copies.
    source = models.CharField(_("imported from"), max_length=255, blank=True, editable=False)
    source_id = models.CharField(_("id at the source"), max_length=255, blank=True, editable=False)
    # When the last "is it still running?" email went out, so the nightly task sends
    # one per stale spell, not one a night.
    freshness_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = recorded_by()
    updated_by = recorded_by()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Kept by PostgreSQL itself, so every way of writing an asset keeps it current.
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("audience", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(
        excluded_fields=[
            "contact_name",
            "email",
            "phone",
            "created_at",
            "updated_at",
            "search_vector",
            "suggester_email",
            "freshness_reminder_sent_at",
        ],
        m2m_fields=[categories],
    )

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=F("age_max")),
                name="asset_age_range_in_order",
                violation_error_message=_("The minimum age must not be above the maximum age."),
            ),
            models.CheckConstraint(
                condition=Q(age_min__lte=120) & Q(age_max__lte=120)
                | Q(age_min__isnull=True)
                | Q(age_max__isnull=True),
                name="asset_ages_plausible",
                violation_error_message=_("Ages must be 120 or below."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="asset_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=AssetKind.values), name="asset_kind_valid"),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="asset_one_row_per_source_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "network"]),
            models.Index(fields=["assured_date"]),
            GinIndex(fields=["search_vector"], name="asset_search_vector"),
            GinIndex(fields=["name"], name="asset_name_trigram", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("asset", args=[self.slug])

    @property
    def accessibility_labels(self) -> list[str]:
        return [AccessibilityFeature(value).label for value in self.accessibility]

    @property
    def language_labels(self) -> list[str]:
        return [Language(value).label for value in self.languages]

    @property
    def ages(self) -> str:
        """The age range in words, or "" when it is for all ages."""
        if self.age_min is not None and self.age_max is not None:
            return _("%(low)d to %(high)d") % {"low": self.age_min, "high": self.age_max}
        if self.age_min is not None:
            return _("%(low)d and over") % {"low": self.age_min}
        if self.age_max is not None:
            return _("up to %(high)d") % {"high": self.age_max}
        return ""

    def clean(self):
        errors = {}
        if self.postcode:
            try:
                self.postcode = normalise_postcode(self.postcode)
            except ValidationError as error:
                errors["postcode"] = error
        # De-duplicate multi-choice lists, keeping the order they were given in.
        self.focus = list(dict.fromkeys(self.focus or []))
        self.accessibility = list(dict.fromkeys(self.accessibility or []))
        self.languages = list(dict.fromkeys(self.languages or []))
        if self.online_only and self.location is not None:
            errors["online_only"] = _("An online-only group has no location: clear one of them.")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = _("The maximum age must not be below the minimum age.")
        if self.kind == AssetKind.INDIVIDUAL_SKILLS and self.status == Status.PUBLISHED:
            # ABCD maps people's skills, but a person's listing is never public.
            errors["status"] = _("A listing of an individual's skills cannot be published.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_stale(self) -> bool:
        """Not verified within ASSET_STALE_AFTER_DAYS: shown as "not checked recently"."""
        return self.is_stale_on(timezone.localdate())

    def is_stale_on(self, today: dt.date) -> bool:
        if self.assured_date is None:
            return True
        return (today - self.assured_date).days > settings.ASSET_STALE_AFTER_DAYS

    def current_session(self, moment: dt.datetime) -> "Occurrence | None":
        """The session running at `moment`, if any."""
        running = [
            occurrence
            for session in self.sessions.all()
            if (occurrence := session.occurrence_at(moment)) is not None
        ]
        return min(running, key=lambda o: o.end, default=None)

    def is_open_at(self, moment: dt.datetime) -> bool:
        return self.current_session(moment) is not None

    def next_session(self, after: dt.datetime) -> "Occurrence | None":
        """The first session starting after `after`."""
        upcoming = [
            occurrence
            for session in self.sessions.all()
            if (occurrence := session.next_occurrence(after)) is not None
        ]
        return min(upcoming, key=lambda o: o.start, default=None)

    def can_edit(self, user) -> bool:
        """Network leads edit every listing; facilitators those in the networks they
        work in, and those in no network (online groups, places outside every
        network), which belong to the whole area."""
        if roles.is_staff_member(user):
            return True
        if not roles.has_role(user, roles.Role.FACILITATOR):
            return False
        return self.network_id is None or self.network.facilitators.filter(pk=user.pk).exists()


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Once a month")


class Weekday(models.IntegerChoices):
    """Numbered as Python's date.weekday(): Monday is 0."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("First")
    SECOND = 2, _("Second")
    THIRD = 3, _("Third")
    FOURTH = 4, _("Fourth")
    LAST = -1, _("Last")


@dataclass(frozen=True)
class Occurrence:
    """One dated meeting of a recurring session, in UK local time."""

    session: "RecurringSession"
    start: dt.datetime
    end: dt.datetime


def week_of_month_matches(day: dt.date, week_of_month: int) -> bool:
    """Whether `day` is the nth (or the last) of its weekday in its month."""
    if week_of_month == WeekOfMonth.LAST:
        return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1 == week_of_month


class RecurringSessionQuerySet(models.QuerySet):
    def open_at(self, moment: dt.datetime):
        """Sessions running at `moment`, worked out in SQL so it can filter assets."""
        local = moment.astimezone(LONDON)
        day, time = local.date(), local.time()
        this_week = Q(frequency=Frequency.WEEKLY) | Q(
            frequency=Frequency.MONTHLY, week_of_month=(day.day - 1) // 7 + 1
        )
        if week_of_month_matches(day, WeekOfMonth.LAST):
            this_week |= Q(frequency=Frequency.MONTHLY, week_of_month=WeekOfMonth.LAST)
        return self.filter(
            this_week,
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            weekday=day.weekday(),
            opens_at__lte=time,
            closes_at__gt=time,
        )


class RecurringSession(models.Model):
    """When an asset meets: every week, or on the nth (or last) weekday of each month,
    between two times of day, optionally only between two dates (ORUK `schedule`)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="sessions")
    frequency = models.CharField(
        _("how often"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        _("which week of the month"),
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text=_("Only for monthly sessions."),
    )
    opens_at = models.TimeField(_("starts at"))
    closes_at = models.TimeField(_("ends at"))
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RecurringSessionQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("recurring session")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="session_closes_after_opening",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="session_valid_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(frequency=Frequency.WEEKLY, week_of_month__isnull=True)
                | Q(frequency=Frequency.MONTHLY, week_of_month__in=WeekOfMonth.values),
                name="session_week_of_month_only_when_monthly",
                violation_error_message=_(
                    "Choose which week of the month for a monthly session, and none for a "
                    "weekly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="session_weekday_valid"
            ),
        ]

    def __str__(self):
        day = Weekday(self.weekday).label
        if self.frequency == Frequency.MONTHLY and self.week_of_month is not None:
            day = f"{WeekOfMonth(self.week_of_month).label} {day} of the month"
        return f"{day}, {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("A session must end after it starts.")
        if self.frequency == Frequency.MONTHLY and self.week_of_month is None:
            errors["week_of_month"] = _("Choose which week of the month this session meets.")
        if self.frequency == Frequency.WEEKLY and self.week_of_month is not None:
            errors["week_of_month"] = _("A weekly session meets every week: leave this empty.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date must not be before the start date.")
        if errors:
            raise ValidationError(errors)

    def occurs_on(self, day: dt.date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return False
        if self.frequency == Frequency.MONTHLY:
            return week_of_month_matches(day, self.week_of_month)
        return True

    def _occurrence_on(self, day: dt.date) -> Occurrence:
        return Occurrence(
            session=self,
            start=dt.datetime.combine(day, self.opens_at, tzinfo=LONDON),
            end=dt.datetime.combine(day, self.closes_at, tzinfo=LONDON),
        )

    def occurrence_at(self, moment: dt.datetime) -> Occurrence | None:
        """The occurrence running at `moment`, if the session is on then."""
        local = moment.astimezone(LONDON)
        if self.occurs_on(local.date()) and self.opens_at <= local.time() < self.closes_at:
            return self._occurrence_on(local.date())
        return None

    def next_occurrence(self, after: dt.datetime) -> Occurrence | None:
        """The first occurrence starting strictly after `after`, or None if it has ended."""
        day = after.astimezone(LONDON).date()
        if self.valid_from and day < self.valid_from:
            day = self.valid_from
        # Every monthly pattern recurs within 5 weeks of any date, so 62 days is enough.
        for offset in range(62):
            candidate = day + dt.timedelta(days=offset)
            if self.valid_to and candidate > self.valid_to:
                return None
            if self.occurs_on(candidate):
                occurrence = self._occurrence_on(candidate)
                if occurrence.start > after:
                    return occurrence
        return None


# Models kept in their own modules, part of this app all the same.
from assetmap.exchange_models import DataJob, JobFormat, JobKind, JobStatus  # noqa: E402, F401
from assetmap.moderation_models import (  # noqa: E402, F401
    Decision,
    ModerationDecision,
    ProblemKind,
    ProblemReport,
    ReportStatus,
)
from assetmap.shortlist_models import Shortlist, ShortlistItem  # noqa: E402, F401
