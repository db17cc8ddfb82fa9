"""The people who use Assetmap, as Django auth groups.

Residents need no account. Everyone else signs in and belongs to one or more role
groups; a network lead is also `is_staff`, and with a superuser counts as staff.
"""

from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    LINK_WORKER = "Link worker"
    FACILITATOR = "Facilitator"
    COORDINATOR = "Volunteer coordinator"
    NETWORK_LEAD = "Network lead"


# Model permissions each role's group holds, as "app_label.codename". The pages and
# the API check roles through the functions below; these make the admin match.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.LINK_WORKER: [
        "assetmap.view_asset",
        "assetmap.view_category",
        "assetmap.view_organisation",
        "assetmap.view_recurringsession",
        "networks.view_network",
        "networks.view_practice",
    ],
    Role.FACILITATOR: [
        "assetmap.add_asset",
        "assetmap.change_asset",
        "assetmap.view_asset",
        "assetmap.view_category",
        "assetmap.add_organisation",
        "assetmap.change_organisation",
        "assetmap.view_organisation",
        "assetmap.add_recurringsession",
        "assetmap.change_recurringsession",
        "assetmap.delete_recurringsession",
        "assetmap.view_recurringsession",
        "networks.view_network",
        "networks.view_practice",
        "networks.view_listeningevent",
        "networks.view_story",
        "networks.view_connection",
        "networks.view_wishlistitem",
        "networks.view_theme",
    ],
    Role.COORDINATOR: [
        "assetmap.view_asset",
        "assetmap.view_organisation",
        "networks.view_network",
        *[
            f"volunteers.view_{model}"
            for model in (
                "volunteer",
                "opportunity",
                "safeguardingcheck",
                "hoursentry",
                "creditentry",
                "surveyresponse",
            )
        ],
        *[
            f"volunteers.{action}_{model}"
            for model in ("volunteer", "opportunity", "safeguardingcheck")
            for action in ("add", "change")
        ],
    ],
    Role.NETWORK_LEAD: [
        f"{app}.{action}_{model}"
        for app, model in [
            ("assetmap", "asset"),
            ("assetmap", "category"),
            ("assetmap", "organisation"),
            ("assetmap", "recurringsession"),
            ("networks", "network"),
            ("networks", "practice"),
            ("networks", "theme"),
            ("networks", "listeningevent"),
            ("networks", "discovery"),
            ("networks", "story"),
            ("networks", "connection"),
            ("networks", "wishlistitem"),
        ]
        for action in ("add", "change", "delete", "view")
    ]
    + ["assetmap.view_historicalasset"]
    + [
        f"volunteers.view_{model}"
        for model in (
            "volunteer",
            "opportunity",
            "safeguardingcheck",
            "hoursentry",
            "creditentry",
            "surveyresponse",
            "coordinatorassignment",
            "spendpartner",
        )
    ]
    + [
        f"volunteers.{action}_{model}"
        for model in ("coordinatorassignment", "spendpartner")
        for action in ("add", "change", "delete")
    ],
}


def has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    # Cached on the user object: pages ask several times per request.
    if not hasattr(user, "_assetmap_roles"):
        user._assetmap_roles = set(user.groups.values_list("name", flat=True))
    return role.value in user._assetmap_roles


def is_staff_member(user) -> bool:
    """Network leads and superusers: they may do anything anywhere."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.NETWORK_LEAD))


def edits_listings(user) -> bool:
    """Network leads and facilitators add and change listings (a facilitator only in
    their own networks: see Asset.can_edit)."""
    return is_staff_member(user) or has_role(user, Role.FACILITATOR)


def is_professional(user) -> bool:
    """Anyone signed in with a working role: they see drafts and internal notes."""
    return is_staff_member(user) or any(has_role(user, role) for role in Role)


def sync_role_groups(**kwargs) -> None:
    """Create the role groups and give them exactly their permissions (idempotent).

    Connected to post_migrate for every app: each app's permissions appear as it
    migrates, so the run after the last app leaves every group complete."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = Q()
        for name in names:
            app_label, codename = name.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
