"""The test actors, fixtures and helpers every package shares, each defined once here,
and the rule for tests that need an outside service.

Actors: the `owner` of `workshop`, a `cofacilitator`, `other_facilitator` (of
`other_workshop` only), `staff_user`; the participants `alice`, `bruno` (her table),
`chloe` (another table) and `dora` (the other workshop); the owner's `laptop` and
Alice's `phone`. Phases: `goto(workshop, kind, when=None)`, `negotiating`,
`conditioning`; `basket_of`. Loaded from tests/fixtures/ (``pytest_plugins``): the
channel layer and sockets (`channel_layer`, `listen`, `ws`, `phone_headers`,
`laptop_headers`, `is_refused`), the demo (`load_demo`) and a workshop with a row of
every kind (`full_workshop`), real Daphnes (`daphne_factory`). A package's conftest adds
only what that package alone uses; no test imports a fixture from another package.

Outside CI a test whose service is missing (Chromium, Redis, PostgreSQL) is
skipped with a message that says how to enable it; with CI=true the same
test fails, because in CI nothing may skip.
"""

import copy
import datetime
import os
import re
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from baskets.models import Basket
from territories.models import Territory
from workshops import phases, services
from workshops.access import remember_participant
from workshops.models import Phase, Workshop

pytest_plugins = ["tests.fixtures.sockets", "tests.fixtures.rooms", "tests.fixtures.servers"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Debian's Chromium (Playwright's own download cannot work here). Its headless shell, the
# same Chromium without the desktop browser around it and the build Playwright runs for
# headless tests, opens a page for a third of the CPU (docs/performance.md, "The test
# suite"): the suite takes it when it is installed. CHROMIUM_PATH=/usr/bin/chromium drives
# the full browser, as CI's PostgreSQL run does.
CHROMIUM_BUILDS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(
    (path for path in CHROMIUM_BUILDS if os.path.exists(path)), CHROMIUM_BUILDS[-1]
)
T0 = datetime.datetime(2025, 3, 14, 9, 0, tzinfo=datetime.UTC)  # the chosen instant of `at`


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
        "apt-get install chromium-headless-shell or chromium (or set CHROMIUM_PATH)",
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, the test database is dropped at the end only when nobody else uses
    it: the idle sessions that other threads of this process (connections are per thread)
    keep open are ended first, or DROP DATABASE would refuse ("being accessed by other
    users") and leave it behind."""
    yield

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created in most tests: the real hasher would make each one slow. The
    Daphnes the tests start use the same one (tests/e2e/server_settings.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fixtures_write_freely(settings):
    """Tests build their rooms through the services, as the participants themselves
    (30 transactions for one basket, a board of post-its): that is set-up, not one
    participant's minute. A test of the write budget sets its own ``WRITES_PER_MINUTE``."""
    settings.WRITES_PER_MINUTE = 100_000


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """The rate limits count in fixed windows of the clock (a minute for the write
    budget): a test that spends a budget and then expects a 429 must not see its minute
    roll over halfway, however slow the machine. Their clock is pinned at the start of
    an hour, where every window (60 s, 600 s) has just begun."""
    from workshops import ratelimit

    pinned = time.time() // 3600 * 3600 + 1
    monkeypatch.setattr(ratelimit, "clock", lambda: pinned)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Rate-limit counters live in the cache: each test counts under a prefix of its own.

    SQLite gives a rolled-back test's ids to the next test: its participants must not
    inherit the last one's write budget in the local-memory cache, which is cleared before
    and after. On Redis, clearing the cache would flush the whole database (it holds the
    channel layer too): there the keys of a test expire with their window.
    """
    config = copy.deepcopy(settings.CACHES)
    config["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = config  # Django drops its cache connections on setting_changed
    counters = caches["default"]
    if isinstance(counters, LocMemCache):
        counters.clear()
    yield
    if isinstance(counters, LocMemCache):
        counters.clear()


def forget_write_budget(participant) -> None:
    """What the fixtures wrote for ``participant`` is not the test's minute."""
    from django.core.cache import cache

    from workshops.ratelimit import WRITE_BUDGET_WINDOW, window_key, write_budget_key

    cache.delete(window_key(write_budget_key(participant.pk), WRITE_BUDGET_WINDOW, None))


@pytest.fixture(autouse=True)
def _redis_breaker_closed():
    """The breaker is the process's: a test that made Redis fail must not leave the next
    test's rate limits and broadcasts skipped."""
    from workshops.redis_breaker import breaker

    breaker.reset()
    yield
    breaker.reset()


# Actors ----------------------------------------------------------------------


@pytest.fixture
def territories(db) -> list[Territory]:
    return [
        Territory.objects.create(name="Brest Métropole", short_name="BM", kind="metropole"),
        Territory.objects.create(name="Pays de Brest", short_name="PdB", kind="pays"),
        Territory.objects.create(name="Pays Centre Ouest Bretagne", short_name="COB", kind="pays"),
    ]


OWNER_PASSWORD = "owner-pass-123"


@pytest.fixture
def owner(db):
    """The facilitator who created the workshop: the only one who adds co-facilitators."""
    return get_user_model().objects.create_user("owner", password=OWNER_PASSWORD)


@pytest.fixture
def cofacilitator(workshop):
    """A facilitator the owner added to the workshop: runs it, but is not its owner."""
    user = get_user_model().objects.create_user("cofacilitator", password="co-pass-123")
    workshop.facilitators.add(user)
    return user


@pytest.fixture
def other_facilitator(db):
    """A facilitator of another workshop only (`other_workshop`), a stranger to `workshop`."""
    return get_user_model().objects.create_user("other", password="other-pass-123")


@pytest.fixture
def workshop(owner, territories):
    """Open, its first phase (formulation) running: participants can write."""
    workshop = services.workshop_create(
        created_by=owner, title="Atelier paniers", territories=territories, table_count=3
    )
    return phases.clock_command(workshop, phases.ClockCommand.START)


@pytest.fixture
def running(workshop) -> Workshop:
    """The shared workshop, its first phase (formulation, 30 min) restarted at T0."""
    first = workshop.phases.order_by("position").first()
    return phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=first, now=T0)


@pytest.fixture
def other_workshop(other_facilitator, territories):
    """Another facilitator's workshop (2 tables), open, its first phase running."""
    workshop = services.workshop_create(
        created_by=other_facilitator, title="Autre atelier", territories=territories, table_count=2
    )
    return phases.clock_command(workshop, phases.ClockCommand.START)


def subgroup_of(workshop, table_number: int, short_name: str):
    return workshop.tables.get(number=table_number).subgroups.get(territory__short_name=short_name)


def join_data(workshop, table_number=2, short_name="PdB", first_name="Erwan") -> dict:
    """What the join form posts to sit at this table, for this territory."""
    subgroup = subgroup_of(workshop, table_number, short_name)
    return {
        "first_name": first_name,
        "table": subgroup.table_id,
        "territory": subgroup.territory_id,
    }


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


def session_key(client) -> str:
    """The session a test client's requests carry: a socket opened with it is the same person."""
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def ws_headers(session_key: str | None = None, origin: bytes | None = b"http://127.0.0.1") -> list:
    """A socket's headers, from the app's own origin unless told, with this session if any."""
    headers = [(b"host", b"127.0.0.1")]
    if origin is not None:
        headers.append((b"origin", origin))
    if session_key is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return headers


def client_for(client_factory, participant):
    """A test client whose session knows this participant, as after joining."""
    client = client_factory()
    session = client.session
    remember_participant(session, participant)
    session.save()
    return client


@pytest.fixture
def participant_client():
    """participant_client(participant): a test client whose session knows the participant."""
    from django.test import Client

    return lambda participant: client_for(Client, participant)


@pytest.fixture
def phone(participant_client, alice):
    """Alice's phone, whose requests come from htmx."""
    client = participant_client(alice)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


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
def alices_postit(alice, make_postit):
    """An offer Alice wrote while post-its were open."""
    return make_postit(alice, text="Avant", kind="offer")


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
def laptop(user_client, owner):
    """The owner's laptop: a test client logged in as the owner."""
    return user_client(owner)


@pytest.fixture
def staff_user(db):
    """A superuser: the Django admin, every permission."""
    return get_user_model().objects.create_superuser("staff", password="staff-pass-123")


# Helpers -----------------------------------------------------------------------


def at(minutes: float = 0, seconds: float = 0) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes, seconds=seconds)


def command(workshop, name, when, **options) -> Workshop:
    """A clock command as the console sends it, at a chosen instant."""
    return phases.clock_command(workshop, phases.ClockCommand(name), now=when, **options)


def reloaded(workshop) -> Workshop:
    """A fresh object from the database, as another process would read it."""
    return Workshop.objects.select_related("current_phase").get(pk=workshop.pk)


def fr(message: str, **values) -> str:
    """What a phone or a console reads: the UI is French unless the browser asks otherwise."""
    with translation.override("fr"):
        text = gettext(message)
        return text % {k: str(v) for k, v in values.items()} if values else text


def request_problem(content: str) -> str:
    """The text of the out-of-band banner that says why a request failed ("" if none)."""
    found = re.search(r'<p id="request-problem"([^>]*)>(.*?)</p>', content, re.DOTALL)
    assert found, "no #request-problem"
    assert 'hx-swap-oob="true"' in found.group(1)
    return found.group(2)


def phase_state_tag(content: str) -> str:
    """The opening tag of a screen's ``#phase-state`` (its data attributes say the phase)."""
    found = re.search(r'<div id="phase-state"[^>]*>', content)
    assert found, "no #phase-state"
    return found.group(0)


async def close_database_thread() -> None:
    """Sockets, presence and services ran queries in asgiref's database thread: once
    presence has written its last batch and stopped, close that thread's connections
    there, or PostgreSQL refuses to drop the test database at the end of the run."""
    from django.db import connections

    from workshops import presence

    await presence.stop()
    await database_sync_to_async(connections.close_all)()


# Phases ------------------------------------------------------------------------------


def goto(workshop, kind, when: datetime.datetime | None = None) -> Workshop:
    """The console's "Go to": the workshop's phase of this kind, started now or at ``when``."""
    phase = workshop.phases.get(kind=kind)
    return phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase, now=when)


@pytest.fixture
def negotiating(workshop) -> Workshop:
    """The shared workshop in its negotiation phase, started now: baskets are open."""
    return goto(workshop, Phase.Kind.NEGOTIATION)


@pytest.fixture
def conditioning(workshop) -> Workshop:
    """The shared workshop in its conditions phase, started now: conditions are open."""
    return goto(workshop, Phase.Kind.CONDITIONS)


def basket_of(workshop, table_number: int, first: str, second: str) -> Basket:
    """The basket of two territories (short names) at a table, whichever is side A."""
    ids = {subgroup_of(workshop, table_number, name).pk for name in (first, second)}
    return next(
        b
        for b in Basket.objects.filter(table__number=table_number, table__workshop=workshop)
        if {b.side_a_id, b.side_b_id} == ids
    )
