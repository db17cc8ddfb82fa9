import pytest
from django.contrib.gis.geos import Point

from assetmap.models import Status
from tests.factories import AssetFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_counts_published_assets_per_network(client):
    bow = NetworkFactory(name="Bow <script>alert(1)</script>")
    AssetFactory.create_batch(3, network=bow)
    AssetFactory(network=bow, status=Status.DRAFT)
    AssetFactory(network=None, location=Point(0.0035, 51.5415, srid=4326))
    AssetFactory(network=None, location=None, online_only=True)

    page = client.get("/").content.decode()

    assert "5 published groups, activities, places and services." in page
    assert "Bow &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    row = page.split("Outside the mapped networks")[1]
    assert row.split('class="number">')[1].startswith("1<")
