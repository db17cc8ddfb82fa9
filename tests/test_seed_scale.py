"""`seed_scale`: synthetic published assets for benchmarks, loaded with COPY."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from assetmap.models import Asset, AssetKind, RecurringSession, Status
from tests.factories import AssetFactory, NetworkFactory, square

TOWER_HAMLETS = (-0.080, 51.486, -0.010, 51.545)


def _seed(count: int, **options) -> str:
    out = io.StringIO()
    call_command("seed_scale", assets=count, stdout=out, **options)
    return out.getvalue()


def _scale_assets():
    return Asset.objects.filter(slug__startswith="scale-")


def _fingerprint() -> list[tuple]:
    return sorted(
        (
            asset.slug,
            asset.name,
            asset.kind,
            asset.location.x,
            asset.location.y,
            asset.languages,
            tuple(sorted(category.slug for category in asset.categories.all())),
            tuple(sorted((s.weekday, s.opens_at, s.closes_at) for s in asset.sessions.all())),
        )
        for asset in _scale_assets().prefetch_related("categories", "sessions")
    )


@pytest.mark.django_db
def test_seed_scale_inserts_exactly_n_published_assets_with_sessions_and_categories():
    output = _seed(3000)

    assert "Inserted 3000 assets" in output
    assets = _scale_assets()
    assert assets.count() == 3000
    assert assets.filter(status=Status.PUBLISHED).count() == 3000
    assert not assets.filter(kind=AssetKind.INDIVIDUAL_SKILLS).exists()
    assert not assets.filter(network__isnull=False).exists()  # there are no networks
    counted = assets.annotate(
        n_sessions=Count("sessions", distinct=True), n_categories=Count("categories", distinct=True)
    )
    assert not counted.exclude(n_sessions__in=[1, 2]).exists()
    assert not counted.exclude(n_categories__in=[1, 2]).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM assetmap_asset WHERE slug LIKE 'scale-%%' "
            "AND location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
            TOWER_HAMLETS,
        )
        [(in_borough,)] = cursor.fetchall()
    assert in_borough >= 300  # a tenth or more: the Tower Hamlets cluster


@pytest.mark.django_db
def test_seed_scale_names_carry_searchable_words_and_numbered_slugs():
    _seed(50)

    asset = _scale_assets().get(slug="scale-000007")
    assert asset.name.startswith("Scale asset 000007 ")
    assert len(asset.name.split()) == 5


@pytest.mark.django_db
def test_seed_scale_gives_the_same_assets_every_time():
    _seed(300)
    first = _fingerprint()

    _seed(300, clear=True)

    assert _fingerprint() == first


@pytest.mark.django_db
def test_seed_scale_clear_removes_only_scale_assets_and_their_rows():
    other = AssetFactory(slug="scale-model-railway-club", name="Scale Model Railway Club")
    _seed(200)

    output = _seed(0, clear=True)

    assert "Deleted 200 scale assets" in output
    assert not Asset.objects.filter(slug__regex=r"^scale-[0-9]+$").exists()
    assert Asset.objects.filter(pk=other.pk).exists()
    assert not RecurringSession.objects.exclude(asset__in=Asset.objects.all()).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM assetmap_asset_categories t "
            "LEFT JOIN assetmap_asset a ON a.id = t.asset_id WHERE a.id IS NULL"
        )
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_seed_scale_numbering_continues_without_clashes():
    _seed(200)
    output = _seed(150)

    assert "scale-000201 to scale-000350" in output
    slugs = list(_scale_assets().values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 350
    assert max(slugs) == "scale-000350"


@pytest.mark.django_db
def test_seed_scale_assigns_the_network_covering_each_point():
    network = NetworkFactory(boundary=square(*TOWER_HAMLETS))
    elsewhere = NetworkFactory(boundary=square(-0.20, 51.40, -0.15, 51.45))

    _seed(2000)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM assetmap_asset a WHERE a.slug LIKE 'scale-%%' "
            "AND a.network_id IS DISTINCT FROM (SELECT n.id FROM networks_network n "
            "WHERE ST_Covers(n.boundary, a.location) ORDER BY n.id LIMIT 1)"
        )
        assert cursor.fetchone() == (0,)
    assert _scale_assets().filter(network=network).count() >= 200
    assert _scale_assets().filter(network=elsewhere).exists()
    assert _scale_assets().filter(network__isnull=True).exists()
