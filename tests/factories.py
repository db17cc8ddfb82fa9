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
