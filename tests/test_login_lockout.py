"""Repeated failed sign-ins are locked out for a while: on the site's sign-in page, the
admin's, and the API's token endpoint, which all count together (per username and
address, see AXES_LOCKOUT_PARAMETERS in the settings)."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from rest_framework.authtoken.models import Token

from assetmap.lockout import locked_out_message
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's
WRONG = "tr0ub4dor&3"


@pytest.fixture(autouse=True)
def _axes_on(_fast_and_quiet, settings):
    settings.AXES_ENABLED = True  # tests/conftest.py turns it off for everyone else
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


@dataclass
class Door:
    """One way to sign in, and how to tell what it answered."""

    name: str
    url: str
    api: bool = False

    def attempt(self, client, username: str, password: str, **extra):
        data = {"username": username, "password": password}
        if self.api:
            return client.post(self.url, data, content_type="application/json", **extra)
        return client.post(self.url, data, **extra)

    def let_in(self, response) -> bool:
        if self.api:
            return response.status_code == 200 and "token" in response.json()
        # The pages redirect on success and show the form again on failure.
        return response.status_code == 302

    def locked_out(self, response) -> bool:
        if response.status_code != 429:
            return False
        if self.api:
            return response.json() == {"detail": locked_out_message()}
        return locked_out_message() in response.content.decode()


DOORS = {
    "site": Door("site", "/accounts/login/"),
    "admin": Door("admin", "/admin/login/"),
    "api": Door("api", "/api/v1/auth/token/", api=True),
}


@pytest.fixture(params=DOORS)
def door(request) -> Door:
    return DOORS[request.param]


@pytest.fixture
def lee(db):
    # Staff, so the admin lets him in too.
    return UserFactory(username="lee", is_staff=True)


def fail(door: Door, client, times: int, username: str = "lee", **extra) -> None:
    for _ in range(times):
        assert not door.let_in(door.attempt(client, username, WRONG, **extra))


def test_the_fifth_wrong_password_is_answered_with_the_lockout(door, client, lee):
    for _ in range(4):
        response = door.attempt(client, "lee", WRONG)
        assert response.status_code == (400 if door.api else 200)

    assert door.locked_out(door.attempt(client, "lee", WRONG))


def test_four_wrong_passwords_still_let_the_right_one_in(door, client, lee):
    fail(door, client, 4)

    assert door.let_in(door.attempt(client, "lee", PASSWORD))


def test_five_wrong_passwords_lock_out_even_the_right_one(door, client, lee):
    fail(door, client, 5)

    response = door.attempt(client, "lee", PASSWORD)

    assert door.locked_out(response)
    assert "_auth_user_id" not in client.session
    assert not Token.objects.filter(user=lee).exists()


def test_axes_records_each_failure_at_each_door(door, client, lee):
    fail(door, client, 3)

    attempt = AccessAttempt.objects.get(username="lee")
    assert attempt.failures_since_start == 3
    assert attempt.path_info == door.url


def test_the_api_says_when_to_try_again(client, lee):
    fail(DOORS["api"], client, 5)

    response = DOORS["api"].attempt(client, "lee", PASSWORD)

    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed attempts to sign in. Try again in 15 minutes."
    }
    assert response["Retry-After"] == "900"


def test_the_lockout_page_says_when_to_try_again(client, lee):
    fail(DOORS["site"], client, 5)

    response = DOORS["site"].attempt(client, "lee", PASSWORD)

    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert 'name="password"' not in response.content.decode()
    assert "Try again in 15 minutes." in response.content.decode()


def test_another_username_from_the_same_address_is_not_locked(door, client, lee):
    UserFactory(username="fran", is_staff=True)
    fail(door, client, 5)

    assert door.let_in(door.attempt(client, "fran", PASSWORD))


def test_the_real_user_still_signs_in_from_another_address(door, client, lee):
    fail(door, client, 5, REMOTE_ADDR="203.0.113.9")

    assert door.let_in(door.attempt(client, "lee", PASSWORD, REMOTE_ADDR="198.51.100.7"))
    assert door.locked_out(door.attempt(client, "lee", PASSWORD, REMOTE_ADDR="203.0.113.9"))


def test_the_doors_count_failures_together(client, lee):
    fail(DOORS["site"], client, 2)
    fail(DOORS["admin"], client, 2)
    fail(DOORS["api"], client, 1)

    assert DOORS["site"].locked_out(DOORS["site"].attempt(client, "lee", PASSWORD))
    assert DOORS["api"].locked_out(DOORS["api"].attempt(client, "lee", PASSWORD))


def _minutes_pass(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_after_the_cool_off_the_right_password_works_again(door, client, lee):
    fail(door, client, 5)

    _minutes_pass(14)
    assert door.locked_out(door.attempt(client, "lee", PASSWORD))

    _minutes_pass(2)
    assert door.let_in(door.attempt(client, "lee", PASSWORD))


def test_trying_while_locked_out_does_not_restart_the_cool_off(door, client, lee):
    fail(door, client, 5)
    _minutes_pass(10)
    assert door.locked_out(door.attempt(client, "lee", WRONG))

    _minutes_pass(6)

    assert door.let_in(door.attempt(client, "lee", PASSWORD))


def test_a_successful_sign_in_resets_the_count(door, client, lee):
    fail(door, client, 4)
    assert door.let_in(door.attempt(client, "lee", PASSWORD))

    fail(door, client, 4)

    assert door.let_in(door.attempt(client, "lee", PASSWORD))


def test_staff_unlock_a_user_with_axes_reset_username(door, client, lee):
    fail(door, client, 5)

    out = io.StringIO()
    call_command("axes_reset_username", "lee", stdout=out)

    assert out.getvalue() == "1 attempts removed.\n"

    assert door.let_in(door.attempt(client, "lee", PASSWORD))
