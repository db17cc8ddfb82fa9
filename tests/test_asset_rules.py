"""The rules an asset obeys whoever saves it: refused input saves nothing."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assetmap.models import Asset, AssetKind, Category, Status
from assetmap.services import asset_save, asset_verify, unique_slug
from tests.factories import AssetFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def new_asset(**fields) -> Asset:
    defaults = {
        "name": "Bow Walking Group",
        "kind": AssetKind.ASSOCIATION,
        "location": Point(-0.0205, 51.5275, srid=4326),
        "postcode": "E3 2AA",
    }
    return Asset(**(defaults | fields))


def test_a_valid_asset_is_saved_with_a_slug_and_normalised_postcode(facilitator):
    asset = asset_save(asset=new_asset(postcode=" e32aa "), user=facilitator)

    asset.refresh_from_db()
    assert asset.slug == "bow-walking-group"
    assert asset.postcode == "E3 2AA"
    assert asset.created_by == facilitator
    assert asset.updated_by == facilitator


def test_a_second_asset_with_the_same_name_gets_a_distinct_slug():
    first = asset_save(asset=new_asset())
    second = asset_save(asset=new_asset())
    third = asset_save(asset=new_asset())

    assert [first.slug, second.slug, third.slug] == [
        "bow-walking-group",
        "bow-walking-group-2",
        "bow-walking-group-3",
    ]


def test_unique_slug_does_not_confuse_a_longer_name_with_a_numbered_one():
    AssetFactory(slug="walk-2-the-park")

    assert unique_slug("Walk") == "walk"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "E3 XYZ", "Enter a full UK postcode"),
        ("location", Point(2.3522, 48.8566, srid=4326), "outside the United Kingdom"),
        ("location", Point(51.5275, -0.0205, srid=4326), "latitude and longitude are not swapped"),
        ("location", Point(0, 0, srid=4326), "outside the United Kingdom"),
        ("kind", "club", "is not a valid choice"),
        ("languages", ["bn", "xx"], "is not a valid choice"),
        ("accessibility", ["teleporter"], "is not a valid choice"),
        ("age_min", 130, "less than or equal to 120"),
        ("website", "not a url", "Enter a valid URL"),
        ("email", "nobody@", "Enter a valid email address"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message_and_nothing_is_saved(field, value, message):
    with pytest.raises(ValidationError) as refused:
        asset_save(asset=new_asset(**{field: value}))

    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert not Asset.objects.exists()


def test_an_age_range_upside_down_is_refused():
    with pytest.raises(ValidationError) as refused:
        asset_save(asset=new_asset(age_min=65, age_max=18))

    assert "The maximum age must not be below the minimum age." in str(refused.value)
    assert not Asset.objects.exists()


def test_the_database_itself_refuses_an_upside_down_age_range():
    # Bulk paths skip full_clean; the constraint still holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.bulk_create([new_asset(slug="upside-down", age_min=65, age_max=18)])


def test_an_online_only_group_has_no_location():
    asset = asset_save(asset=new_asset(online_only=True, location=None, postcode=""))
    assert asset.network is None

    with pytest.raises(ValidationError) as refused:
        asset_save(asset=new_asset(online_only=True))
    assert "online_only" in refused.value.message_dict


def test_a_listing_of_an_individuals_skills_can_never_be_published():
    with pytest.raises(ValidationError) as refused:
        asset_save(asset=new_asset(kind=AssetKind.INDIVIDUAL_SKILLS, status=Status.PUBLISHED))

    assert "cannot be published" in str(refused.value)
    draft = asset_save(asset=new_asset(kind=AssetKind.INDIVIDUAL_SKILLS, status=Status.DRAFT))
    assert draft.pk


def test_repeated_choices_are_kept_once_in_the_order_given():
    asset = asset_save(asset=new_asset(languages=["bn", "en", "bn"], focus=[]))

    assert asset.languages == ["bn", "en"]


def test_categories_given_to_the_service_are_saved():
    walking = Category.objects.get(slug="walking-groups")

    asset = asset_save(asset=new_asset(), categories=[walking])

    assert list(asset.categories.all()) == [walking]


def test_categories_have_only_two_levels():
    top = Category.objects.get(slug="physical-activity")
    child = Category.objects.get(slug="walking-groups")
    grandchild = Category(name="Nordic walking", slug="nordic-walking", parent=child)

    with pytest.raises(ValidationError) as refused:
        grandchild.full_clean()

    assert "two levels" in str(refused.value)
    top.parent = Category.objects.get(slug="food")
    with pytest.raises(ValidationError):
        top.full_clean()


def test_the_seeded_taxonomy_has_the_needs_link_workers_search_by():
    top_level = set(Category.objects.filter(parent=None).values_list("name", flat=True))

    assert {
        "Physical activity",
        "Mental wellbeing",
        "Befriending and social",
        "Food",
        "Money and welfare advice",
        "Employment and skills",
        "Housing",
        "Arts and culture",
        "Faith",
        "Families and parenting",
        "Older people",
        "Young people",
        "Long-term conditions and peer support",
        "Carers",
        "English and learning",
        "Gardening and environment",
        "Volunteering",
    } <= top_level
    assert Category.objects.filter(parent__isnull=False).count() >= 50
    assert CategoryFactory().parent is None


def test_verifying_an_asset_records_today_and_who_checked(facilitator):
    asset = AssetFactory(assured_date=None)
    assert asset.is_stale

    asset_verify(asset=asset, user=facilitator)

    asset.refresh_from_db()
    assert asset.assured_by == facilitator
    assert not asset.is_stale


def test_published_and_stale_querysets(settings):
    settings.ASSET_STALE_AFTER_DAYS = 365
    fresh = AssetFactory(assured_date="2026-06-01")
    old = AssetFactory(assured_date="2025-06-01")
    never = AssetFactory(assured_date=None)
    draft = AssetFactory(status=Status.DRAFT)

    stale = Asset.objects.stale(today=dt.date(2026, 11, 23))
    assert set(stale) == {old, never, draft}
    assert fresh not in stale
    assert draft not in Asset.objects.published()
