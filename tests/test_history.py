"""Every change to an asset is recorded, with personal contact details kept out."""

import pytest
from django.contrib.gis.geos import Point

from assetmap.models import Asset, AssetKind, Status
from assetmap.services import asset_save

pytestmark = pytest.mark.django_db


def test_each_change_records_who_when_which_fields_and_old_and_new_values(
    facilitator, network_lead
):
    asset = asset_save(
        asset=Asset(
            name="Chai and Chat",
            kind=AssetKind.ASSOCIATION,
            location=Point(-0.056, 51.513, srid=4326),
        ),
        user=facilitator,
    )
    asset.name = "Chai and Chat Coffee Morning"
    asset.status = Status.PUBLISHED
    asset_save(asset=asset, user=network_lead)

    newest, created = asset.history.order_by("-history_date")[:2]
    assert created.history_type == "+"
    assert created.history_user == facilitator
    assert newest.history_user == network_lead
    assert newest.history_date >= created.history_date
    delta = newest.diff_against(created)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes == {
        "name": ("Chai and Chat", "Chai and Chat Coffee Morning"),
        "status": (Status.DRAFT, Status.PUBLISHED),
    }


def test_contact_details_never_enter_the_history(facilitator):
    asset = asset_save(
        asset=Asset(
            name="Bow Knitters",
            kind=AssetKind.ASSOCIATION,
            contact_name="Rahima Begum",
            email="rahima@example.org",
            phone="020 7946 0001",
        ),
        user=facilitator,
    )
    asset.contact_name = "Joan Smith"
    asset_save(asset=asset, user=facilitator)

    history_columns = {field.name for field in Asset.history.model._meta.fields}
    assert not {"contact_name", "email", "phone"} & history_columns
    for record in asset.history.all():
        assert "Rahima" not in str(record.__dict__)
