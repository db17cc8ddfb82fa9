"""Demo logins, one per role, all with the published DEMO_PASSWORD."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from assetmap import roles
from assetmap.demo import DEMO_PASSWORD, SITE_URL
from assetmap.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role | None  # None: a superuser, or a volunteer (who needs no role)
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def label(self) -> str:
        if self.role:
            return self.role.value
        return "Administrator (superuser)" if self.is_superuser else "Volunteer (their own record)"


DEMO_ACCOUNTS = [
    DemoAccount("demo-linkworker", Role.LINK_WORKER),
    DemoAccount("demo-facilitator", Role.FACILITATOR, is_staff=True),
    DemoAccount("demo-coordinator", Role.COORDINATOR),
    DemoAccount("demo-lead", Role.NETWORK_LEAD, is_staff=True),
    DemoAccount("demo-admin", None, is_staff=True, is_superuser=True),
    # Linked to a demo volunteer by the volunteering loader.
    DemoAccount("demo-volunteer", None),
]


def demo_accounts_create() -> dict[str, object]:
    """Create (or reset) every demo account with its role group and DEMO_PASSWORD.
    Returns the users by username."""
    if Group.objects.filter(name__in=Role.values).count() < len(Role):
        roles.sync_role_groups()
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    # One hash for all of them: the password is public anyway, and hashing is the slow part.
    password = make_password(DEMO_PASSWORD)
    users = {}
    for account in DEMO_ACCOUNTS:
        user, _ = get_user_model().objects.update_or_create(
            username=account.username,
            defaults={
                "password": password,
                "email": f"{account.username}@example.org",
                "first_name": "Demo",
                "last_name": account.label,
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
                "is_active": True,
            },
        )
        user.groups.set([groups[account.role.value]] if account.role else [])
        users[account.username] = user
    return users


def existing_demo_accounts() -> list[DemoAccount]:
    """The demo accounts present in this database, in the usual order."""
    present = set(
        get_user_model()
        .objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
        .values_list("username", flat=True)
    )
    return [account for account in DEMO_ACCOUNTS if account.username in present]


def accounts_table(accounts: list[DemoAccount], site_url: str = SITE_URL) -> str:
    """The logins as a plain-text table, followed by where to sign in."""
    if not accounts:
        return "No demo accounts in this database."
    lines = [f"{'Username':<18}  {'Role':<26}  Password"]
    lines += [f"{a.username:<18}  {a.label:<26}  {DEMO_PASSWORD}" for a in accounts]
    lines.append(f"Sign in at {site_url.rstrip('/')}/admin/")
    return "\n".join(lines)
