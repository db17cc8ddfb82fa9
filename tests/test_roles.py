"""Role groups exist after migrate; what each persona may see and change."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from assetmap.models import Asset, Status
from assetmap.roles import Role
from tests.factories import AssetFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_migrate_creates_a_group_for_every_role_with_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    facilitator = Group.objects.get(name=Role.FACILITATOR)
    assert facilitator.permissions.filter(codename="change_asset").exists()
    assert not facilitator.permissions.filter(codename="change_network").exists()
    lead = Group.objects.get(name=Role.NETWORK_LEAD)
    assert lead.permissions.filter(codename="view_historicalasset").exists()


def test_residents_and_people_without_a_role_see_only_published_assets(outsider):
    published = AssetFactory(status=Status.PUBLISHED)
    AssetFactory(status=Status.DRAFT)
    AssetFactory(status=Status.ARCHIVED)

    assert list(Asset.objects.visible_to(AnonymousUser())) == [published]
    assert list(Asset.objects.visible_to(outsider)) == [published]


@pytest.mark.parametrize("persona", ["link_worker", "facilitator", "coordinator", "network_lead"])
def test_professionals_see_drafts_too(request, persona):
    AssetFactory(status=Status.PUBLISHED)
    AssetFactory(status=Status.DRAFT)

    assert Asset.objects.visible_to(request.getfixturevalue(persona)).count() == 2


def test_facilitators_and_staff_may_edit_assets_but_not_link_workers_or_outsiders(
    facilitator, network_lead, link_worker, outsider
):
    asset = AssetFactory()

    assert asset.can_edit(facilitator)
    assert asset.can_edit(network_lead)
    assert not asset.can_edit(link_worker)
    assert not asset.can_edit(outsider)
    assert not asset.can_edit(AnonymousUser())


def test_coordinators_manage_volunteers_in_the_admin_but_link_workers_do_not():
    coordinator = Group.objects.get(name=Role.COORDINATOR)
    link_worker = Group.objects.get(name=Role.LINK_WORKER)

    assert coordinator.permissions.filter(codename="change_volunteer").exists()
    assert coordinator.permissions.filter(codename="view_hoursentry").exists()
    assert not coordinator.permissions.filter(codename="change_creditentry").exists()
    assert not link_worker.permissions.filter(content_type__app_label="volunteers").exists()


def test_a_facilitator_edits_listings_in_their_networks_and_in_none(facilitator):
    theirs, other = NetworkFactory(), NetworkFactory()
    theirs.facilitators.add(facilitator)

    assert AssetFactory(network=theirs).can_edit(facilitator)
    assert AssetFactory(network=None).can_edit(facilitator)
    assert not AssetFactory(network=other).can_edit(facilitator)


def test_editable_by_lists_exactly_the_listings_can_edit_allows(facilitator, network_lead):
    theirs, other = NetworkFactory(), NetworkFactory()
    theirs.facilitators.add(facilitator)
    assets = [AssetFactory(network=theirs), AssetFactory(network=None), AssetFactory(network=other)]

    for user in (facilitator, network_lead):
        listed = set(Asset.objects.editable_by(user))
        assert listed == {asset for asset in assets if asset.can_edit(user)}
    assert len(Asset.objects.editable_by(facilitator)) == 2
