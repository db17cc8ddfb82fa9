"""Each asset knows its GP network by point-in-polygon, kept right as things move."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assetmap.models import Asset
from assetmap.services import asset_save
from networks.models import Network
from networks.services import network_save
from networks.tasks import recompute_asset_networks
from tests.conftest import wait_for
from tests.factories import AssetFactory, NetworkFactory, square

pytestmark = pytest.mark.django_db

BOW = Point(-0.0205, 51.5275, srid=4326)
WAPPING = Point(-0.0630, 51.5050, srid=4326)
STRATFORD = Point(0.0035, 51.5415, srid=4326)


@pytest.fixture
def bow():
    return NetworkFactory(name="Bow", slug="bow", boundary=square(-0.035, 51.515, -0.005, 51.540))


@pytest.fixture
def wapping():
    return NetworkFactory(
        name="Wapping", slug="wapping", boundary=square(-0.075, 51.500, -0.050, 51.512)
    )


def test_a_new_asset_is_given_the_network_its_point_is_in(bow, wapping):
    asset = asset_save(asset=AssetFactory.build(location=BOW))

    assert asset.network == bow
    assert Asset.objects.get(pk=asset.pk).network == bow


def test_moving_an_asset_moves_it_to_the_other_network(bow, wapping):
    asset = asset_save(asset=AssetFactory.build(location=BOW))

    asset.location = WAPPING
    asset_save(asset=asset)

    assert Asset.objects.get(pk=asset.pk).network == wapping


def test_an_asset_outside_every_network_has_none(bow, wapping):
    asset = asset_save(asset=AssetFactory.build(location=STRATFORD))
    assert asset.network is None

    asset.location = BOW
    asset_save(asset=asset)
    asset.location = STRATFORD
    asset_save(asset=asset)
    assert Asset.objects.get(pk=asset.pk).network is None


def test_a_point_on_the_shared_edge_belongs_to_exactly_one_network(bow):
    neighbour = NetworkFactory(boundary=square(-0.065, 51.515, -0.035, 51.540))
    on_the_edge = Point(-0.035, 51.525, srid=4326)

    asset = asset_save(asset=AssetFactory.build(location=on_the_edge))

    # ST_Covers counts the boundary as inside; the lowest id wins, deterministically.
    assert asset.network == min([bow, neighbour], key=lambda network: network.pk)


def test_assign_networks_is_one_query_however_many_assets(bow, wapping):
    AssetFactory.create_batch(30, location=BOW)
    AssetFactory.create_batch(20, location=WAPPING)
    AssetFactory.create_batch(5, location=None, online_only=True, postcode="")

    with CaptureQueriesContext(connection) as queries:
        updated = Asset.objects.all().assign_networks()

    assert len(queries) == 1
    assert updated == 55
    assert Asset.objects.filter(network=bow).count() == 30
    assert Asset.objects.filter(network=wapping).count() == 20
    assert Asset.objects.filter(network=None).count() == 5


@pytest.mark.worker
def test_changing_a_boundary_moves_assets_through_the_worker(celery_worker):
    bow = NetworkFactory(boundary=square(-0.035, 51.515, -0.005, 51.540))
    wapping = NetworkFactory(boundary=square(-0.075, 51.500, -0.050, 51.512))
    asset = asset_save(asset=AssetFactory.build(location=BOW))
    assert asset.network == bow

    bow.boundary = square(-0.010, 51.515, 0.005, 51.540)  # Bow shrinks eastwards,
    network_save(network=bow)
    wapping.boundary = square(-0.075, 51.500, -0.015, 51.535)  # and Wapping grows north.
    network_save(network=wapping)

    assert wait_for(lambda: Asset.objects.get(pk=asset.pk).network == wapping)


def test_the_recompute_task_reassigns_every_asset(bow):
    asset = AssetFactory(location=BOW)
    Asset.objects.filter(pk=asset.pk).update(network=None)

    assert recompute_asset_networks() == 1
    assert Asset.objects.get(pk=asset.pk).network == bow


def test_an_invalid_boundary_is_refused():
    network = NetworkFactory.build(boundary=square(0, 0, 0, 0))  # a polygon with no area

    with pytest.raises(ValidationError):
        network_save(network=network)
    assert not Network.objects.exists()
