"""The test actors, fixtures and helpers every package shares, each defined once here,
and the rule for tests that need an outside service.

Actors: the `owner` of `workshop`, a `cofacilitator`, `other_facilitator` (of
`other_workshop` only), `staff_user`; the participants `alice`, `bruno` (her table),
`chloe` (another table) and `dora` (the other workshop); the owner's `laptop` and
Alice's `phone`. Phases: `goto(workshop, kind, when=None)`, `negotiating`,
`conditioning`; `basket_of`. The channel layer and sockets: `channel_layer`, `listen`,
`ws`, `phone_headers`, `laptop_headers`, `is_refused`. The demo (`load_demo`), a
workshop with a row of every kind (`full_workshop`), real Daphnes (`daphne_factory`).
A package's conftest adds only what that package alone uses; no test imports a fixture
from another package.

Outside CI a test whose service is missing (Chromium, Redis, PostgreSQL) is
skipped with a message that says how to enable it; with CI=true the same
test fails, because in CI nothing may skip.
"""

import copy
import datetime
import io
import os
import re
import uuid
from contextlib import asynccontextmanager

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from baskets.models import AnsweredNeed, Basket, BasketConditions, ConditionAnswer, Transaction
from plenary.models import Answer, Dot, Plenary
from territories.models import KeyFact, Territory
from tests.e2e.servers import DaphneServer, collected_var_dir, daphne_env
from workshops import phases, services
from workshops.access import remember_participant
from workshops.management.commands.load_demo import DEMO_TITLE
from workshops.models import Phase, Workshop

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, the test database is dropped at the end only when nobody else uses
    it: the idle sessions that other threads of this process (connections are per thread)
    keep open are ended first, or DROP DATABASE would refuse ("being accessed by other
    users") and leave it behind."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Users are created in most tests: the real hasher would make each one slow.

    Not where a Daphne process of the test's own checks a password at its login
    form (``daphne_factory``, in tests/e2e and tests/live): it keeps the real hashers.
    """
    if "daphne_factory" in request.fixturenames:
        return
    request.getfixturevalue("settings").PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]


@pytest.fixture(autouse=True)
def _fixtures_write_freely(settings):
    """Tests build their rooms through the services, as the participants themselves
    (30 transactions for one basket, a board of post-its): that is set-up, not one
    participant's minute. A test of the write budget sets its own ``WRITES_PER_MINUTE``."""
    settings.WRITES_PER_MINUTE = 100_000


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
    from channels.db import database_sync_to_async
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


# The channel layer and sockets -------------------------------------------------------

# How long disconnect() waits for a consumer to end before cancelling it. On Redis,
# redis-py can swallow the cancellation of the consumer's blocking pop when it lands
# at the wrong moment (redis/redis-py#2028), so the consumer then only ends on the
# communicator's own cancel: keep that wait short rather than the default second.
DISCONNECT_TIMEOUT = 0.1


@pytest.fixture
def channel_layer(settings):
    """The configured channel layer, fresh for this test.

    On Redis it gets a prefix of its own, so that group names built from
    primary keys (``paniers.table.1``) cannot meet another test run's.
    """
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG")
    if config is not None and "prefix" in config:
        config["prefix"] = f"paniers-test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers  # Channels drops its layer instances on setting_changed
    layer = get_channel_layer()
    yield layer
    if hasattr(layer, "flush") and config is not None and "prefix" in config:
        async_to_sync(layer.flush)()  # the keys under this test's own prefix, nothing else


class Listener:
    """A channel in some groups, read from synchronous tests."""

    def __init__(self, layer, *groups: str):
        self.layer = layer
        self.groups = groups
        self.channel = async_to_sync(layer.new_channel)()
        for group in groups:
            async_to_sync(layer.group_add)(group, self.channel)

    def messages(self) -> list[dict]:
        """Everything received so far (group_send has returned, so it is there).

        A marker sent after it tells where "so far" ends: no receive is ever
        cancelled, which redis-py does not always survive (redis/redis-py#2028).
        """

        async def drain():
            await self.layer.send(self.channel, {"type": "listener.marker"})
            received = []
            while (message := await self.layer.receive(self.channel))["type"] != "listener.marker":
                received.append(message)
            return received

        return async_to_sync(drain)()

    def html(self) -> list[str]:
        return [message["html"] for message in self.messages()]

    def close(self):
        for group in self.groups:
            async_to_sync(self.layer.group_discard)(group, self.channel)


@pytest.fixture
def listen(channel_layer):
    """listen(*groups) -> a Listener; its groups are left at the end of the test."""
    listeners = []

    def make(*groups: str) -> Listener:
        listeners.append(Listener(channel_layer, *groups))
        return listeners[-1]

    yield make
    for listener in listeners:
        listener.close()


@pytest.fixture
def phone_headers(participant_client):
    """The headers of a participant's phone, its session made by the sync test client."""

    async def make(participant, **kwargs) -> list:
        client = await database_sync_to_async(participant_client)(participant)
        return ws_headers(session_key(client), **kwargs)

    return make


@pytest.fixture
def laptop_headers(user_client):
    """The headers of a facilitator's laptop, logged in by the sync test client."""

    async def make(user, **kwargs) -> list:
        client = await database_sync_to_async(user_client)(user)
        return ws_headers(session_key(client), **kwargs)

    return make


@pytest.fixture
async def ws():
    """ws(path, headers) opens a socket, asserting it is accepted; all are closed at the end."""
    from config.asgi import application

    opened = []

    @asynccontextmanager
    async def open_socket(path: str, headers: list):
        communicator = WebsocketCommunicator(application, path, headers=headers)
        opened.append(communicator)
        connected, _subprotocol = await communicator.connect()
        assert connected, f"{path} refused the connection"
        yield communicator

    yield open_socket
    for communicator in opened:
        await communicator.disconnect(timeout=DISCONNECT_TIMEOUT)
    await close_database_thread()


async def is_refused(path: str, headers: list) -> bool:
    """Whether the socket at ``path`` is refused to these headers (closed if it was not)."""
    from config.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _close_code = await communicator.connect()
    await communicator.disconnect(timeout=DISCONNECT_TIMEOUT)
    await close_database_thread()
    return not connected


# The demo ----------------------------------------------------------------------------

LAPTOP = "http://127.0.0.1:8000"  # what `make run` passes


@pytest.fixture
def load_demo(settings, tmp_path, channel_layer, django_capture_on_commit_callbacks):
    """Runs the command as `make run` does, its broadcasts after commit included; returns
    what it printed. Its password file goes to a folder of the test's own, never to the
    real var/."""
    settings.VAR_DIR = tmp_path
    settings.PUBLIC_URL = ""

    def run() -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo", "--base-url", LAPTOP, stdout=out)
        return out.getvalue()

    return run


def demo_workshop() -> Workshop:
    return Workshop.objects.get(title=DEMO_TITLE)


# Every kind of row -------------------------------------------------------------------


@pytest.fixture
def full_workshop(workshop, alice, bruno, chloe, make_postit):
    """The shared workshop with something of every kind: post-its (one hostile), a
    transaction answering a need, a basket's conditions, feedback and dots."""
    bm = workshop.territories.get(short_name="BM")
    bm.sheet = "## Brest\n*port*"
    bm.save()
    KeyFact.objects.create(territory=bm, label="Population", value="210 000", source="INSEE")
    offer = make_postit(alice, text='=HYPERLINK("http://x")', kind="offer", theme="Énergie")
    make_postit(alice, text='Un "port", en eau; profonde', kind="offer")
    need = make_postit(bruno, text="-moins de voitures", kind="need", theme="Mobilité")
    make_postit(chloe, text="Du bois", kind="offer")
    basket = Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)
    transaction = Transaction.objects.create(
        basket=basket, giver=alice.subgroup, offer=offer, note="@tous", value=4, effort=2
    )
    AnsweredNeed.objects.create(transaction=transaction, need=need)
    item = workshop.condition_items.first()
    card = workshop.alliance_choices.filter(family="purpose").first()
    conditions = BasketConditions.objects.create(
        basket=basket, verdict="conditional", condition="+ de bus", purpose=card
    )
    ConditionAnswer.objects.create(conditions=conditions, item=item, checked=True, text="Oui")
    Plenary.objects.create(workshop=workshop)
    Answer.objects.create(workshop=workshop, author=alice, question=0, text="Oui, deux", shown=True)
    Dot.objects.create(participant=alice, basket=basket)
    Dot.objects.create(participant=bruno, transaction=transaction)
    Dot.objects.create(participant=chloe, transaction=transaction)
    return workshop


# Real servers ------------------------------------------------------------------------

SUITE = object()  # "the same Redis as the test suite": REDIS_URL, or none (in-memory layer)


@pytest.fixture
def daphne_factory(transactional_db, request, tmp_path, tmp_path_factory):
    """Start Daphne processes on the test database; stopped, and logs shown on failure.

    ``start(redis_url=..., channel_layer="core"|"pubsub", env={...})``: the
    processes of one test given the same Redis URL form one deployment. Their
    channel-layer prefix is the test's own (``CHANNEL_LAYER_PREFIX``); their static
    files are the session's ``collectstatic`` (hashed, gzipped), as after ``make run``.
    """
    servers: list[DaphneServer] = []
    layer_prefix = f"paniers-e2e-{uuid.uuid4().hex[:12]}"
    failed_before = request.session.testsfailed
    var_dir = collected_var_dir(tmp_path_factory)

    def start(*, redis_url=SUITE, channel_layer=None, env=None) -> DaphneServer:
        if redis_url is SUITE:
            redis_url = settings.REDIS_URL
        name = f"daphne-{len(servers) + 1}"
        server = DaphneServer(
            name,
            daphne_env(
                connection.settings_dict,
                redis_url,
                channel_layer or settings.CHANNEL_LAYER_BACKEND,
                layer_prefix,
                env,
                var_dir,
            ),
            tmp_path / f"{name}.log",
        )
        server.redis_url = redis_url
        servers.append(server)
        return server.start()

    yield start

    for server in servers:
        server.stop()
    for redis_url in {server.redis_url for server in servers if server.redis_url}:
        forget_layer_keys(redis_url, layer_prefix)
    if request.session.testsfailed > failed_before:
        for server in servers:
            print(f"\n===== {server.name} log ({server.log_path}) =====\n{server.log()}")


def forget_layer_keys(redis_url: str, prefix: str) -> None:
    """Deletes what the core layer left under this test's prefix (groups live a day), and
    the rate limits counted in the cache, whose prefix derives from it."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        keys = [
            *client.scan_iter(match=f"{prefix}*", count=1000),
            *client.scan_iter(match=f"cache-{prefix}:*", count=1000),
        ]
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def daphne(daphne_factory) -> DaphneServer:
    return daphne_factory()
