"""factory_boy factories for every model the tests build."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from assetmap import models as am
from networks.models import Network, Practice


def square(west: float, south: float, east: float, north: float) -> MultiPolygon:
    """A rectangular boundary, for networks in tests."""
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    return MultiPolygon(Polygon(ring), srid=4326)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    # Bromley-by-Bow and around, by default.
    boundary = factory.LazyFunction(lambda: square(-0.03, 51.51, 0.0, 51.54))


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    ods_code = factory.Sequence(lambda n: f"F{84000 + n:05d}")
    name = factory.Sequence(lambda n: f"Practice {n}")
    location = factory.LazyFunction(lambda: Point(-0.011, 51.524, srid=4326))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = am.Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = am.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = am.Asset
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community group {n}")
    slug = factory.Sequence(lambda n: f"community-group-{n}")
    description = "Meets to walk, talk and have a cup of tea."
    kind = am.AssetKind.ASSOCIATION
    status = am.Status.PUBLISHED
    location = factory.LazyFunction(lambda: Point(-0.011, 51.524, srid=4326))
    postcode = "E3 3ES"

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class RecurringSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = am.RecurringSession

    asset = factory.SubFactory(AssetFactory)
    frequency = am.Frequency.WEEKLY
    weekday = am.Weekday.TUESDAY
    opens_at = dt.time(10, 0)
    closes_at = dt.time(12, 0)


# --- Volunteers ------------------------------------------------------------------------

from volunteers import models as vm  # noqa: E402


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.Volunteer
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Volunteer {n}")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    phone = "020 7946 0000"
    skills = "Cooking, first aid"
    consent_text = "I agree to Assetmap keeping my contact details and hours."
    consent_given_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC))

    @factory.post_generation
    def assets(self, create, extracted, **kwargs):
        if create and extracted:
            self.assets.set(extracted)


class CoordinatorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.CoordinatorAssignment

    user = factory.SubFactory(UserFactory)
    asset = factory.SubFactory(AssetFactory)


class SpendPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.SpendPartner

    asset = factory.SubFactory(AssetFactory)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.Opportunity

    asset = factory.SubFactory(AssetFactory)
    title = factory.Sequence(lambda n: f"Walk leader {n}")
    time_commitment = "2 hours a week"


class SafeguardingCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.SafeguardingCheck

    volunteer = factory.SubFactory(VolunteerFactory)
    level = vm.DbsLevel.ENHANCED
    issued_on = dt.date(2024, 1, 1)
    verified_on = dt.date(2024, 1, 10)
    recheck_due = dt.date(2027, 1, 1)


class HoursEntryFactory(factory.django.DjangoModelFactory):
    """A pending entry, written directly: tests of the rules go through the services."""

    class Meta:
        model = vm.HoursEntry

    volunteer = factory.SubFactory(VolunteerFactory)
    asset = factory.SubFactory(AssetFactory)
    date = dt.date(2026, 1, 6)
    hours = 2
    description = "Led the Tuesday walk."


# --- volunteers API ---------------------------------------------------------------------


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    """An answer written directly (for reading through the API); answering goes
    through services.survey_answer."""

    class Meta:
        model = vm.SurveyResponse

    hours_entry = factory.SubFactory(HoursEntryFactory, status=vm.HoursStatus.APPROVED)
    satisfaction = 4
    felt_valued = 5
    would_recommend = True
    comment = ""


# --- indicators ---

from networks.models import ListeningEvent  # noqa: E402

# SurveyResponseFactory is in the "volunteers API" block above.


class CreditEntryFactory(factory.django.DjangoModelFactory):
    """A ledger row written directly (tests of the rules go through the services);
    `created_at` may be given, and is set after the insert (it is auto_now_add)."""

    class Meta:
        model = vm.CreditEntry

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = vm.CreditKind.ADJUST
    amount = 1
    reason = "Test row."

    @classmethod
    def _create(cls, model_class, *args, created_at=None, **kwargs):
        entry = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=entry.pk).update(created_at=created_at)
            entry.created_at = created_at
        return entry


class ListeningEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListeningEvent

    title = factory.Sequence(lambda n: f"Listening event {n}")
    date = dt.date(2026, 1, 20)
    network = factory.SubFactory(NetworkFactory)
    place_name = "Roman Road market"
    people_count = 20
