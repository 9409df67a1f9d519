"""Shared actors and the rule for tests that need an outside service.

Outside CI a test whose service is missing (Chromium, Redis, PostgreSQL) is
skipped with a message that says how to enable it; with CI=true the same
test fails, because in CI nothing may skip.
"""

import os

import pytest
from django.contrib.auth import get_user_model

from territories.models import Territory
from workshops import phases, services
from workshops.access import remember_participant

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(available: bool, what: str, how: str) -> None:
    if available:
        return
    message = f"{what} is not available: {how}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: nothing may skip)")
    pytest.skip(message)


def redis_url_for_tests() -> str:
    return os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_url() -> str:
    url = redis_url_for_tests()
    require(
        bool(url), "Redis", "start redis-server and set TEST_REDIS_URL=redis://127.0.0.1:6379/0"
    )
    return url


@pytest.fixture
def chromium_path() -> str:
    require(
        os.path.exists(CHROMIUM),
        "Chromium",
        "apt-get install chromium (or set CHROMIUM_PATH)",
    )
    return CHROMIUM


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test fails the run, whatever skipped it."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if IN_CI and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line("CI=true: skipped tests count as failures.", red=True)


# Actors ----------------------------------------------------------------------


@pytest.fixture
def territories(db) -> list[Territory]:
    return [
        Territory.objects.create(name="Brest Métropole", short_name="BM", kind="metropole"),
        Territory.objects.create(name="Pays de Brest", short_name="PdB", kind="pays"),
        Territory.objects.create(name="Pays Centre Ouest Bretagne", short_name="COB", kind="pays"),
    ]


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("owner", password="owner-pass-123")


@pytest.fixture
def other_facilitator(db):
    return get_user_model().objects.create_user("other", password="other-pass-123")


@pytest.fixture
def workshop(owner, territories):
    """Open, its first phase (formulation) running: participants can write."""
    workshop = services.workshop_create(
        created_by=owner, title="Atelier paniers", territories=territories, table_count=3
    )
    return phases.clock_command(workshop, phases.ClockCommand.START)


@pytest.fixture
def other_workshop(other_facilitator, territories):
    workshop = services.workshop_create(
        created_by=other_facilitator, title="Autre atelier", territories=territories, table_count=2
    )
    return phases.clock_command(workshop, phases.ClockCommand.START)


def subgroup_of(workshop, table_number: int, short_name: str):
    return workshop.tables.get(number=table_number).subgroups.get(territory__short_name=short_name)


@pytest.fixture
def alice(workshop):
    """A participant at table 1 playing Brest Métropole."""
    return services.participant_join(subgroup=subgroup_of(workshop, 1, "BM"), first_name="Alice")


@pytest.fixture
def bruno(workshop):
    """A participant at the same table, another sub-group (Pays de Brest)."""
    return services.participant_join(subgroup=subgroup_of(workshop, 1, "PdB"), first_name="Bruno")


@pytest.fixture
def chloe(workshop):
    """A participant at another table (table 2, Brest Métropole)."""
    return services.participant_join(subgroup=subgroup_of(workshop, 2, "BM"), first_name="Chloé")


def client_for(client_factory, participant):
    """A test client whose session knows this participant, as after joining."""
    client = client_factory()
    session = client.session
    remember_participant(session, participant)
    session.save()
    return client


@pytest.fixture
def participant_client():
    from django.test import Client

    return lambda participant: client_for(Client, participant)


@pytest.fixture
def dora(other_workshop):
    """A participant of the other workshop (table 1, Brest Métropole)."""
    return services.participant_join(
        subgroup=subgroup_of(other_workshop, 1, "BM"), first_name="Dora"
    )


@pytest.fixture
def make_postit():
    """Writes a post-it through the service, as the participant's phone would."""

    def make(participant, text="Un port en eau profonde", kind="offer", theme=""):
        return services.postit_create(
            subgroup=participant.subgroup, author=participant, kind=kind, text=text, theme=theme
        )

    return make


@pytest.fixture
def user_client():
    """A test client logged in as the given user."""
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_superuser("staff", password="staff-pass-123")
