"""Personas and shared fixtures.

Alice is a link worker, Fran a facilitator, Cora a volunteer coordinator, Lee a
network lead (staff); Ollie is signed in but has no role and must never see
anything a resident cannot.
"""

import time
import uuid

import pytest
from django.contrib.auth.models import Group

from assetmap.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    # django-axes needs a request to authenticate, which client.login() has not got;
    # tests/test_login_lockout.py turns it back on.
    settings.AXES_ENABLED = False


def _user_with_role(username: str, role: Role | None, **extra):
    user = UserFactory(username=username, **extra)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def link_worker(db):
    return _user_with_role("alice", Role.LINK_WORKER)


@pytest.fixture
def facilitator(db):
    return _user_with_role("fran", Role.FACILITATOR, is_staff=True)


@pytest.fixture
def coordinator(db):
    return _user_with_role("cora", Role.COORDINATOR)


@pytest.fixture
def network_lead(db):
    return _user_with_role("lee", Role.NETWORK_LEAD, is_staff=True)


@pytest.fixture
def outsider(db):
    return _user_with_role("ollie", None)


def wait_for(condition, timeout: float = 15.0, interval: float = 0.1) -> bool:
    """Poll `condition` until it is true or `timeout` seconds pass; return the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


@pytest.fixture
def committed_db(transactional_db):
    """A database whose writes are committed, so other threads and processes (a
    Celery worker, a live server) see them. Flushing between such tests empties every
    table, so the taxonomy the migration seeded is put back."""
    from assetmap.models import Category
    from assetmap.taxonomy import taxonomy_seed

    taxonomy_seed(Category)


@pytest.fixture
def celery_worker(committed_db):
    """A real Celery worker, in a thread of this process, reading tasks from the real
    Redis broker. It listens on a queue of its own, so a `make run` worker sharing the
    same Redis never takes the tests' tasks (and the tests never take its)."""
    from celery.contrib.testing.worker import start_worker

    from assetmap.celery import app

    queue = f"test-{uuid.uuid4().hex}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False) as worker:
            yield worker
            # The worker thread's database connection would outlive it, and hold up
            # flushing (and, at the end, dropping) the test database: the worker
            # closes it itself. (Ending other sessions from here also ended the live
            # server's and this thread's own under Playwright.)
            _close_worker_connections.apply_async(queue=queue).get(timeout=30)
    finally:
        app.conf.task_default_queue = previous_queue


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


def _register_close_task():
    from assetmap.celery import app

    return app.task(name="tests.close_worker_connections")(_close_connections)


_close_worker_connections = _register_close_task()


# --- Volunteering -----------------------------------------------------------------------
# Cora coordinates the walking group; Val volunteers there and has a login to see her
# own record; Carl coordinates another group and must never see Val's details.


@pytest.fixture
def coordinated_asset(coordinator):
    from tests.factories import AssetFactory, CoordinatorAssignmentFactory

    asset = AssetFactory(name="Bromley-by-Bow walking group")
    CoordinatorAssignmentFactory(user=coordinator, asset=asset)
    return asset


@pytest.fixture
def volunteer_user(db):
    return UserFactory(username="val", first_name="Valerie", last_name="Okafor")


@pytest.fixture
def volunteer(volunteer_user, coordinated_asset):
    from tests.factories import VolunteerFactory

    return VolunteerFactory(
        display_name="Val",
        email="val@example.org",
        phone="07700 900123",
        user=volunteer_user,
        assets=[coordinated_asset],
    )


@pytest.fixture
def other_coordinator(db):
    from tests.factories import AssetFactory, CoordinatorAssignmentFactory

    user = _user_with_role("carl", Role.COORDINATOR)
    CoordinatorAssignmentFactory(user=user, asset=AssetFactory(name="Watney Market lunch club"))
    return user
