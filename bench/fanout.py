"""Workshop-shaped fan-out benchmark against a real Daphne on loopback.

It builds a throwaway database (SQLite in a temp dir, or a fresh PostgreSQL
database next to ``--database-url``), a workshop of T tables x 3 territories,
starts one or N Daphne processes, joins T x P phones for real over HTTP (each
phone has its own session and websocket), logs a facilitator in for the
projector socket, then writes post-its through the real HTTP view at a set
rate. Every post-it carries a unique token; the time its fragment first reaches
each socket gives the latency per audience. A second, "floor" phase sends a bare
``group_send`` of a constant string to the same groups at the same rate.

    python bench/fanout.py --tables 10 --phones 10 --rate 5
    python bench/fanout.py --workers 2 --redis-url redis://127.0.0.1:6379/0 \\
        --layer pubsub --database-url postgres://postgres@127.0.0.1:5432/paniers_bench

Everything is bounded: ``--count`` post-its at most, ``--max-seconds`` of sending
per phase, ``--drain-seconds`` of waiting for late fragments. See
docs/performance.md for figures and how to read them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# Post-it texts and floor strings carry bnch<phase><seq>z: p = post-it, f = floor.
TOKEN = re.compile(r"bnch([pf])(\d+)z")
TERRITORIES = [("Bench Amont", "AM"), ("Bench Littoral", "LI"), ("Bench Plateau", "PL")]
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=30)


# --- options ----------------------------------------------------------------------


def add_server_args(parser: argparse.ArgumentParser) -> None:
    """The servers a bench runs against: see ``servers()``."""
    parser.add_argument("--workers", type=int, default=1, help="Daphne processes (>1 needs Redis)")
    parser.add_argument("--redis-url", default="", help="use Redis for the channel layer")
    parser.add_argument("--layer", choices=["core", "pubsub"], default="core")
    parser.add_argument(
        "--database-url",
        default="",
        help="postgres://... : a fresh database named <name>_tmp_<random> is created "
        "on that server and dropped afterwards (default: SQLite in a temp dir)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the throwaway database")
    parser.add_argument("--json-out", help="append one JSON line of results to this file")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="the room `make run` serves: load_demo's workshop (its 3 tables, 3 territories "
        "and table 1's post-its) and make run's default rate limits",
    )


def check_server_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.workers > 1 and not args.redis_url:
        parser.error("--workers > 1 needs --redis-url: the in-memory layer is process-local")


def parse_with_server_args(
    parser: argparse.ArgumentParser, argv: list[str] | None
) -> argparse.Namespace:
    """A bench's own options, then the servers' (``add_server_args``), checked."""
    add_server_args(parser)
    args = parser.parse_args(argv)
    check_server_args(parser, args)
    return args


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10, help="tables (3 territories each)")
    parser.add_argument("--phones", type=int, default=10, help="phone sockets per table")
    parser.add_argument("--rate", type=float, default=5.0, help="post-its per second, whole room")
    parser.add_argument("--count", type=int, help="post-its in all (default: 20 s worth)")
    parser.add_argument("--max-seconds", type=float, default=25.0, help="cap on each send phase")
    parser.add_argument("--drain-seconds", type=float, default=5.0, help="wait for late fragments")
    add_server_args(parser)
    parser.add_argument(
        "--floor",
        choices=["auto", "http", "layer", "both", "none"],
        default="auto",
        help="http: POST /__bench__/group_send/ inside Daphne; layer: a helper process "
        "group_sends through Redis; auto: layer with Redis, http without",
    )
    parser.add_argument("--join-concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--floor-helper", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor_helper:
        return args
    if args.tables < 1 or args.phones < 1 or args.rate <= 0:
        parser.error("--tables, --phones and --rate must be positive")
    check_server_args(parser, args)
    if args.count is None:
        args.count = max(1, round(args.rate * 20))
    if args.floor == "auto":
        args.floor = "layer" if args.redis_url else "http"
    if args.floor in {"layer", "both"} and not args.redis_url:
        parser.error("--floor layer needs --redis-url (the in-memory layer lives in Daphne)")
    return args


# --- environment, database, processes ----------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(args: argparse.Namespace, database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PUBLIC_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        PANIERS_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),  # the same for every worker
        DEBUG="0",
        PANIERS_STATS="1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    if not getattr(args, "demo", False):
        # One address for every phone: lift the per-address and per-phone limits.
        env.update(
            WRITES_PER_MINUTE="1000000",
            JOIN_ATTEMPTS_PER_WINDOW="1000000",
            JOINS_PER_WINDOW="1000000",
        )
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url, CHANNEL_LAYER=args.layer)
    return env


def postgres_throwaway(url: str) -> tuple[str, str]:
    """Create a fresh database on the server of ``url``; return (its URL, its name)."""
    import psycopg

    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "paniers"
    name = f"{base}_tmp_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + quote(name))), name


def postgres_drop(url: str, name: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Fixture:
    code: str
    workshop_id: int
    table_ids: list[int]
    territory_ids: list[int]
    username: str
    password: str
    table_groups: list[str]
    screens_group: str


def build_fixture(env: dict[str, str], tables: int, demo: bool = False) -> Fixture:
    """Migrate and create the workshop, in this process, before any event loop runs.

    With ``demo``, the workshop is the one ``make run`` serves (``load_demo``), as it is
    before the facilitator starts phase 1."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from territories.models import Territory
    from workshops import phases, services
    from workshops.models import SubGroup, Table

    call_command("migrate", verbosity=0, interactive=False)
    if demo:
        return demo_fixture()
    if connection.vendor == "postgresql":
        # A fresh database numbers tables from 1 again, and RedisChannelLayer keeps
        # group members for a day: start ids far from any earlier run's groups.
        offset = random.SystemRandom().randrange(10**6, 10**9)
        with connection.cursor() as cursor:
            for db_table in ("workshops_workshop", "workshops_table"):
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [db_table, offset]
                )
    password = secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user("bench-facilitator", password=password)
    territories = [
        Territory.objects.create(name=name, short_name=short) for name, short in TERRITORIES
    ]
    workshop = services.workshop_create(
        created_by=user,
        title="Bench",
        territories=territories,
        table_count=min(tables, services.MAX_TABLES),
    )
    if tables > services.MAX_TABLES:
        # The product caps a workshop at MAX_TABLES; the bench goes past it on purpose.
        extra = Table.objects.bulk_create(
            Table(workshop=workshop, number=n) for n in range(services.MAX_TABLES + 1, tables + 1)
        )
        SubGroup.objects.bulk_create(
            SubGroup(table=t, territory=te) for t in extra for te in territories
        )
    # Open, with phase 1 (formulation) running: post-its are accepted.
    phases.clock_command(workshop, phases.ClockCommand.START)
    return fixture_of(workshop, [t.pk for t in territories], user.username, password)


def fixture_of(workshop, territory_ids: list[int], username: str, password: str) -> Fixture:
    """What the bench's clients need of the workshop; the database is closed after."""
    from django.db import connections

    from workshops import broadcast

    table_ids = list(workshop.tables.order_by("number").values_list("pk", flat=True))
    fixture = Fixture(
        code=workshop.code,
        workshop_id=workshop.pk,
        table_ids=table_ids,
        territory_ids=territory_ids,
        username=username,
        password=password,
        table_groups=[broadcast.table_group(pk) for pk in table_ids],
        screens_group=broadcast.screens_group(workshop.pk),
    )
    connections.close_all()
    return fixture


def demo_fixture() -> Fixture:
    from django.conf import settings
    from django.core.management import call_command

    from workshops import phases
    from workshops.demo import DEMO_TITLE, DEMO_USERNAME
    from workshops.models import Workshop

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    workshop = Workshop.objects.get(title=DEMO_TITLE, created_by__username=DEMO_USERNAME)
    # The Wi-Fi blips mid-phase: phase 1 runs, so the re-synced board is the live one.
    phases.clock_command(workshop, phases.ClockCommand.START)
    return fixture_of(
        workshop,
        list(workshop.territories.order_by("pk").values_list("pk", flat=True)),
        DEMO_USERNAME,
        (settings.VAR_DIR / "demo-password").read_text().strip(),
    )


def start_daphne(port: int, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    daphne = shutil.which("daphne", path=str(Path(sys.executable).parent)) or shutil.which("daphne")
    cmd = [daphne] if daphne else [sys.executable, "-m", "daphne"]
    # As `make run` starts it (its DAPHNE_ARGS).
    cmd += ["-b", HOST, "-p", str(port), "-v", "0", "--websocket_connect_timeout", "30"]
    cmd += ["config.asgi:application"]
    log = open(log_path, "wb")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def log_tail(path: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


# --- sockets and their records ------------------------------------------------------


@dataclass(eq=False)
class Listener:
    """One websocket: what arrived, when, and what should not have."""

    name: str
    table: int  # table index, or -1 for the projector (hears every table)
    worker: int
    first: dict[str, dict[int, float]] = field(default_factory=lambda: {"p": {}, "f": {}})
    messages: dict[str, int] = field(default_factory=lambda: {"p": 0, "f": 0, "?": 0})
    leaks: dict[str, int] = field(default_factory=lambda: {"p": 0, "f": 0})
    ws: aiohttp.ClientWebSocketResponse | None = None
    closed_early: bool = False


@dataclass(eq=False)
class Phone:
    index: int
    table: int
    territory: int
    worker: int
    csrf: str = ""
    session: str = ""
    listener: Listener | None = None

    def cookie(self) -> str:
        return f"csrftoken={self.csrf}; sessionid={self.session}"

    def htmx_headers(self, origin: str = "") -> dict[str, str]:
        """The headers of the phone's htmx POSTs: its cookies, its CSRF token, its page's
        origin (``origin``, when given)."""
        headers = {"Cookie": self.cookie(), "X-CSRFToken": self.csrf, "HX-Request": "true"}
        if origin:
            headers["Origin"] = origin
        return headers


def seat_phones(count: int, per_table: int, workers: int) -> list[Phone]:
    """``count`` phones, ``per_table`` at each table in turn, the table's territories taken
    in rotation, the phones dealt to the Daphne workers in rotation."""
    return [
        Phone(index=i, table=i // per_table, territory=(i % per_table) % 3, worker=i % workers)
        for i in range(count)
    ]


class Room:
    """The bench's shared state: sockets, what each phase sent, what arrived."""

    def __init__(self, args: argparse.Namespace, fixture: Fixture, ports: list[int]):
        self.args = args
        self.fixture = fixture
        self.ports = ports
        self.phones: list[Phone] = []
        self.projector: Listener | None = None
        self.target_table: dict[str, dict[int, int]] = {"p": {}, "f": {}}
        self.send_t: dict[str, dict[int, float]] = {"p": {}, "f": {}}
        self.arrived = {"p": 0, "f": 0}  # first arrivals at an expected socket
        self.readers: list[asyncio.Task] = []
        self.closing = False

    def listeners(self) -> list[Listener]:
        return [self.projector, *(phone.listener for phone in self.phones)]

    def base(self, worker: int) -> str:
        return f"http://{HOST}:{self.ports[worker]}"

    def ws_base(self, worker: int) -> str:
        return f"ws://{HOST}:{self.ports[worker]}"

    def on_message(self, listener: Listener, data: str, now: float) -> None:
        seen = {(m.group(1), int(m.group(2))) for m in TOKEN.finditer(data)}
        if not seen:
            listener.messages["?"] += 1
            return
        for phase in {phase for phase, _ in seen}:
            listener.messages[phase] += 1
        for phase, seq in seen:
            table = self.target_table[phase].get(seq)
            if listener.table >= 0 and table is not None and table != listener.table:
                listener.leaks[phase] += 1
                continue
            first = listener.first[phase]
            if seq not in first:
                first[seq] = now
                self.arrived[phase] += 1

    async def read(self, listener: Listener) -> None:
        ws = listener.ws
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.on_message(listener, msg.data, time.monotonic())
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                break
        listener.closed_early = not self.closing


def cookie_value(response: aiohttp.ClientResponse, name: str) -> str:
    morsel = response.cookies.get(name)
    return morsel.value if morsel else ""


async def join_phone(http: aiohttp.ClientSession, room: Room, phone: Phone) -> None:
    base, fixture = room.base(phone.worker), room.fixture
    url = f"{base}/j/{fixture.code}/"
    async with http.get(url) as response:
        response.raise_for_status()
        await response.read()
        phone.csrf = cookie_value(response, "csrftoken")
    form = {
        "first_name": f"Phone{phone.index}",
        "table": str(fixture.table_ids[phone.table]),
        "territory": str(fixture.territory_ids[phone.territory]),
        "csrfmiddlewaretoken": phone.csrf,
    }
    headers = {"Cookie": f"csrftoken={phone.csrf}", "Origin": base}
    async with http.post(url, data=form, headers=headers, allow_redirects=False) as response:
        await response.read()
        phone.session = cookie_value(response, "sessionid")
        if response.status != 302 or not phone.session:
            raise RuntimeError(f"join of phone {phone.index} failed: HTTP {response.status}")


async def login_projector(http: aiohttp.ClientSession, room: Room) -> str:
    base, fixture = room.base(0), room.fixture
    async with http.get(f"{base}/login/") as response:
        response.raise_for_status()
        await response.read()
        csrf = cookie_value(response, "csrftoken")
    form = {"username": fixture.username, "password": fixture.password, "csrfmiddlewaretoken": csrf}
    headers = {"Cookie": f"csrftoken={csrf}", "Origin": base}
    async with http.post(f"{base}/login/", data=form, headers=headers, allow_redirects=False) as r:
        await r.read()
        session = cookie_value(r, "sessionid")
        if r.status != 302 or not session:
            raise RuntimeError(f"facilitator login failed: HTTP {r.status}")
    return session


async def open_socket(http, room: Room, listener: Listener, path: str, cookie: str) -> None:
    base = room.base(listener.worker)
    listener.ws = await http.ws_connect(
        f"{room.ws_base(listener.worker)}{path}",
        headers={"Cookie": cookie, "Origin": base},
        autoping=True,
        heartbeat=None,
        compress=0,
    )
    room.readers.append(asyncio.create_task(room.read(listener)))


async def bounded(concurrency: int, coros) -> None:
    semaphore = asyncio.Semaphore(concurrency)

    async def run(coro):
        async with semaphore:
            await coro

    await asyncio.gather(*(run(c) for c in coros))


async def close_sockets(sockets, readers: list[asyncio.Task]) -> None:
    """Close every open socket of ``sockets``, then give their readers 5 s to end."""
    await asyncio.gather(*(ws.close() for ws in sockets if ws), return_exceptions=True)
    if readers:
        await asyncio.wait(readers, timeout=5)


# --- phases -------------------------------------------------------------------------


async def paced(count: int, rate: float, max_seconds: float, send) -> tuple[int, float]:
    """Start ``send(k)`` at k / rate seconds; stop at ``count`` or ``max_seconds``."""
    start = time.monotonic()
    tasks = []
    for k in range(count):
        due = start + k / rate
        if due - start > max_seconds:
            break
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(k)))
    if tasks:
        await asyncio.wait(tasks, timeout=60)
    return len(tasks), time.monotonic() - start


async def drain(room: Room, phase: str, sent: int, seconds: float) -> None:
    """Wait until every expected socket saw every message, or ``seconds`` passed."""
    expected = sent * (room.args.phones + 1)
    deadline = time.monotonic() + seconds
    while room.arrived[phase] < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def stats_of(http: aiohttp.ClientSession, room: Room) -> list[dict[str, int]]:
    out = []
    for worker in range(len(room.ports)):
        async with http.get(f"{room.base(worker)}/__stats__/") as response:
            response.raise_for_status()
            out.append(await response.json())
    return out


async def warm_up(http: aiohttp.ClientSession, room: Room, rounds: int = 3) -> None:
    """A few untimed post-its and floor sends per worker: the first ones pay for cold code."""
    phone = room.phones[0]
    for worker in range(len(room.ports)):
        base = room.base(worker)
        headers = phone.htmx_headers()
        for _ in range(rounds):
            data = {"kind": "offer", "text": "warm-up", "theme": ""}
            async with http.post(
                f"{base}/j/{room.fixture.code}/postits/", data=data, headers=headers
            ) as r:
                await r.read()
            form = {"seq": "0", "group": "paniers.bench.warmup"}
            async with http.post(f"{base}/__bench__/group_send/", data=form) as r:
                await r.read()


def choose_posters(room: Room) -> list[Phone]:
    """Post k comes from table k % T, then the next phone of that table, and so on."""
    by_table: list[list[Phone]] = [[] for _ in range(room.args.tables)]
    for phone in room.phones:
        by_table[phone.table].append(phone)
    return [
        by_table[k % room.args.tables][(k // room.args.tables) % room.args.phones]
        for k in range(room.args.count)
    ]


async def post_phase(http: aiohttp.ClientSession, room: Room) -> dict:
    args, fixture = room.args, room.fixture
    posters = choose_posters(room)
    rng = random.Random(args.seed)
    kinds = [rng.choice(["offer", "need"]) for _ in range(args.count)]
    statuses: dict[int, int] = {}
    http_ms: list[float] = []

    async def send(k: int) -> None:
        phone = posters[k]
        worker = k % len(room.ports)  # POSTs go round-robin too: cross-worker delivery
        base = room.base(worker)
        headers = phone.htmx_headers(origin=base)
        data = {"kind": kinds[k], "text": f"Bench bnchp{k}z : coopération n°{k}", "theme": ""}
        room.target_table["p"][k] = phone.table
        t0 = time.monotonic()
        room.send_t["p"][k] = t0
        try:
            async with http.post(
                f"{base}/j/{fixture.code}/postits/", data=data, headers=headers
            ) as r:
                await r.read()
                statuses[k] = r.status
        except (TimeoutError, aiohttp.ClientError):
            statuses[k] = -1
        http_ms.append((time.monotonic() - t0) * 1000)

    before = await stats_of(http, room)
    sent, elapsed = await paced(args.count, args.rate, args.max_seconds, send)
    await drain(room, "p", sent, args.drain_seconds)
    after = await stats_of(http, room)
    ok = sum(1 for s in statuses.values() if s == 200)
    return {
        "sent": sent,
        "seconds": elapsed,
        "ok": ok,
        "statuses": dict(sorted(_count(statuses.values()).items())),
        "http_ms": http_ms,
        "stats_before": before,
        "stats_after": after,
    }


def _count(values) -> dict:
    out: dict = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return out


async def floor_http(http: aiohttp.ClientSession, room: Room) -> dict:
    args, fixture = room.args, room.fixture
    errors = 0

    async def send(k: int) -> None:
        nonlocal errors
        table = k % args.tables
        room.target_table["f"][k] = table
        base = room.base(k % len(room.ports))
        form = [
            ("seq", str(k)),
            ("group", fixture.table_groups[table]),
            ("group", fixture.screens_group),
        ]
        room.send_t["f"][k] = time.monotonic()
        try:
            async with http.post(f"{base}/__bench__/group_send/", data=form) as response:
                await response.read()
                errors += response.status != 204
        except (TimeoutError, aiohttp.ClientError):
            errors += 1

    sent, elapsed = await paced(args.count, args.rate, args.max_seconds, send)
    await drain(room, "f", sent, args.drain_seconds)
    return {"sent": sent, "seconds": elapsed, "errors": errors}


async def floor_layer(room: Room, env: dict[str, str]) -> dict:
    """A helper process group_sends through the same Redis layer; it reports send times."""
    args, fixture = room.args, room.fixture
    plan = {
        "rate": args.rate,
        "max_seconds": args.max_seconds,
        "sends": [
            [k, [fixture.table_groups[k % args.tables], fixture.screens_group]]
            for k in range(args.count)
        ],
    }
    for k in range(args.count):
        room.target_table["f"][k] = k % args.tables
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve()),
        "--floor-helper",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        out, _ = await asyncio.wait_for(
            proc.communicate(json.dumps(plan).encode()), timeout=args.max_seconds + 60
        )
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"floor helper exited with {proc.returncode}")
    result = json.loads(out)
    room.send_t["f"] = {int(k): t for k, t in result["send_t"].items()}
    sent = len(room.send_t["f"])
    await drain(room, "f", sent, args.drain_seconds)
    return {"sent": sent, "seconds": result["seconds"], "errors": 0}


def floor_helper_main() -> None:
    """Run inside the helper process: paced bare group_sends, send times on stdout."""
    plan = json.load(sys.stdin)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from channels.layers import get_channel_layer

    async def run() -> dict:
        layer = get_channel_layer()
        await layer.group_send("paniers.bench.warmup", {"type": "fragment.send", "html": ""})
        send_t: dict[int, float] = {}
        groups_of = {k: groups for k, groups in plan["sends"]}

        async def send(k: int) -> None:
            html = f'<div id="bench-floor">bench floor bnchf{k}z</div>'
            send_t[k] = time.monotonic()
            for group in groups_of[k]:  # one after the other, as broadcast.live_update does
                await layer.group_send(group, {"type": "fragment.send", "html": html})

        _sent, seconds = await paced(len(groups_of), plan["rate"], plan["max_seconds"], send)
        return {"send_t": send_t, "seconds": seconds}

    json.dump(asyncio.run(run()), sys.stdout)


# --- figures ------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not values:
        return math.nan
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


def summary(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": values[-1] if values else math.nan,
    }


def latencies(room: Room, phase: str) -> dict:
    """Per audience: first-arrival minus send time, in ms, plus what never came."""
    send_t, targets = room.send_t[phase], room.target_table[phase]
    same, projector = [], []
    per_message: list[tuple[float, int]] = []  # (projector ms, seq): where the tail sits
    missing_same = missing_projector = 0
    by_table: dict[int, list[Listener]] = {}
    for phone in room.phones:
        by_table.setdefault(phone.table, []).append(phone.listener)
    for seq, t0 in send_t.items():
        for listener in by_table[targets[seq]]:
            t = listener.first[phase].get(seq)
            if t is None:
                missing_same += 1
            else:
                same.append((t - t0) * 1000)
        t = room.projector.first[phase].get(seq)
        if t is None:
            missing_projector += 1
        else:
            projector.append((t - t0) * 1000)
            per_message.append((round((t - t0) * 1000, 1), seq))
    leaks = sum(phone.listener.leaks[phase] for phone in room.phones)
    return {
        "same_table": {**summary(same), "missing": missing_same},
        "projector": {**summary(projector), "missing": missing_projector},
        "other_table_messages": leaks,
        "deliveries": len(same) + len(projector),
        "slowest": sorted(per_message, reverse=True)[:5],
    }


def render_counts(post: dict) -> dict:
    # A broadcast renders the post-it (postit_renders); the author's answer, its cell.
    renders = sum(
        a.get(name, 0) - b.get(name, 0)
        for a, b in zip(post["stats_after"], post["stats_before"], strict=True)
        for name in ("cell_renders", "postit_renders")
    )
    broadcasts = sum(
        a.get("broadcasts", 0) - b.get("broadcasts", 0)
        for a, b in zip(post["stats_after"], post["stats_before"], strict=True)
    )
    # Each successful POST also renders its cell once more for its own HTTP response
    # (the out-of-band copy for the author): that render is not part of the broadcast.
    broadcast_renders = renders - post["ok"]
    return {
        "cell_renders": renders,
        "broadcasts": broadcasts,
        "response_renders": post["ok"],
        "renders_per_broadcast": broadcast_renders / broadcasts if broadcasts else math.nan,
    }


def fmt(value: float) -> str:
    return "     -" if value is None or math.isnan(value) else f"{value:8.1f}"


def print_table(title: str, lat: dict) -> None:
    print(f"  {title}")
    print(
        f"    {'audience':<18}{'samples':>8}{'missing':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  ms"
    )
    for label, key in (("same-table phones", "same_table"), ("projector", "projector")):
        row = lat[key]
        print(
            f"    {label:<18}{row['n']:>8}{row['missing']:>8}"
            f"{fmt(row['p50'])}{fmt(row['p95'])}{fmt(row['p99'])}{fmt(row['max'])}"
        )
    print(
        f"    other-table phones: {lat['other_table_messages']} message(s) carried it (must be 0)"
    )
    slowest = ", ".join(f"#{seq} {ms:.0f} ms" for ms, seq in lat["slowest"])
    print(f"    slowest at the projector (message #, latency): {slowest}")


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPU ({cpu}), Python {platform.python_version()}, {platform.system()}"


def report(args, room: Room, post: dict, floors: dict[str, dict]) -> dict:
    sockets = args.tables * args.phones
    backend = "PostgreSQL" if args.database_url else "SQLite"
    layer = f"Redis {args.layer}" if args.redis_url else "in-memory"
    print()
    print(
        f"== fan-out: {args.tables} tables x {args.phones} phones = {sockets} phone sockets + 1 "
        f"projector; {args.workers} Daphne; {backend} + {layer} layer; rate {args.rate:g}/s =="
    )
    print(f"  machine: {describe_machine()}; client and servers share these CPUs")
    ours = latencies(room, "p")
    renders = render_counts(post)
    http_ms = summary(post["http_ms"])
    print(
        f"  post-its: {post['sent']} sent in {post['seconds']:.1f} s "
        f"({post['sent'] / post['seconds']:.1f}/s), HTTP statuses {post['statuses']}, "
        f"POST round trip p50 {http_ms['p50']:.1f} ms, p95 {http_ms['p95']:.1f} ms"
    )
    print_table("post-it via HTTP view -> first fragment with its text, per socket", ours)
    print(
        f"  renders per broadcast: (cell and post-it renders {renders['cell_renders']} - "
        f"{renders['response_renders']} author-response renders) / broadcasts "
        f"{renders['broadcasts']} = {renders['renders_per_broadcast']:.2f} (must be 1.00)"
    )
    print(
        f"  throughput: {post['ok'] / post['seconds']:.1f} post-its/s, "
        f"{ours['deliveries'] / post['seconds']:.0f} socket deliveries/s"
    )
    floor_results = {}
    for kind, floor in floors.items():
        lat = floor["lat"]
        label = (
            "HTTP POST /__bench__/group_send/" if kind == "http" else "helper process group_send"
        )
        print_table(
            f"floor ({label}, constant string, {floor['sent']} sends, {floor['errors']} errors)",
            lat,
        )
        ratio = {
            audience: {
                p: ours[audience][p] / lat[audience][p] if lat[audience][p] else math.nan
                for p in ("p50", "p95", "p99")
            }
            for audience in ("same_table", "projector")
        }
        print(
            "    ours/floor: same-table p50 {:.1f}x p95 {:.1f}x p99 {:.1f}x; "
            "projector p50 {:.1f}x p95 {:.1f}x".format(
                ratio["same_table"]["p50"],
                ratio["same_table"]["p95"],
                ratio["same_table"]["p99"],
                ratio["projector"]["p50"],
                ratio["projector"]["p95"],
            )
        )
        floor_results[kind] = {
            "latency": lat,
            "ratio": ratio,
            "sent": floor["sent"],
            "errors": floor["errors"],
        }
    closed = (
        sum(1 for phone in room.phones if phone.listener.closed_early) + room.projector.closed_early
    )
    strays = (
        sum(phone.listener.messages["?"] for phone in room.phones) + room.projector.messages["?"]
    )
    print(
        f"  sockets closed by the server during the run: {closed}; messages without a token: {strays}"
    )
    return {
        "tables": args.tables,
        "phones": args.phones,
        "rate": args.rate,
        "workers": args.workers,
        "database": backend,
        "layer": layer,
        "post": {k: post[k] for k in ("sent", "seconds", "ok", "statuses")},
        "post_http_ms": http_ms,
        "latency": ours,
        "renders": renders,
        "floors": floor_results,
        "closed_early": closed,
        "machine": describe_machine(),
    }


# --- main ---------------------------------------------------------------------------


async def wait_ready(http: aiohttp.ClientSession, port: int, proc, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Daphne on port {port} exited:\n{log_tail(log)}")
        with contextlib.suppress(aiohttp.ClientError, OSError):
            async with http.get(f"http://{HOST}:{port}/__stats__/") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"Daphne on port {port} not ready in 30 s:\n{log_tail(log)}")


@contextlib.asynccontextmanager
async def http_client(s: Servers, timeout: aiohttp.ClientTimeout = HTTP_TIMEOUT):
    """The bench's HTTP client, once every Daphne of ``s`` answers: no cap on connections
    and no cookie jar (each phone sends its own cookies)."""
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=timeout,
    ) as http:
        await all_ready(http, s)
        yield http


async def all_ready(http: aiohttp.ClientSession, s: Servers) -> None:
    for port, proc, log in zip(s.ports, s.procs, s.logs, strict=True):
        await wait_ready(http, port, proc, log)


async def run_bench(args, srv: Servers) -> dict:
    fixture = srv.fixture
    room = Room(args, fixture, srv.ports)
    async with http_client(srv) as http:
        t0 = time.monotonic()
        room.phones = seat_phones(args.tables * args.phones, args.phones, len(srv.ports))
        await bounded(args.join_concurrency, (join_phone(http, room, p) for p in room.phones))
        t_join = time.monotonic() - t0
        session = await login_projector(http, room)
        room.projector = Listener("projector", -1, 0)
        await open_socket(
            http,
            room,
            room.projector,
            f"/ws/w/{fixture.workshop_id}/screen/",
            f"sessionid={session}",
        )
        for phone in room.phones:
            phone.listener = Listener(f"phone{phone.index}", phone.table, phone.worker)
        await bounded(
            50,
            (
                open_socket(http, room, p.listener, f"/ws/j/{fixture.code}/", p.cookie())
                for p in room.phones
            ),
        )
        print(
            f"setup: {len(room.phones)} phones joined over HTTP in {t_join:.1f} s, "
            f"{len(room.phones) + 1} sockets open after {time.monotonic() - t0:.1f} s",
            flush=True,
        )
        await warm_up(http, room)
        await asyncio.sleep(1.0)  # let every group_add settle before the first message
        for listener in room.listeners():
            listener.messages["?"] = 0  # the warm-up fragments carry no token
        post = await post_phase(http, room)
        floors: dict[str, dict] = {}
        for kind in ("http", "layer") if args.floor == "both" else (args.floor,):
            if kind == "none":
                break
            room.send_t["f"], room.target_table["f"], room.arrived["f"] = {}, {}, 0
            for listener in room.listeners():
                listener.first["f"] = {}
            await asyncio.sleep(0.5)
            if kind == "http":
                floors[kind] = await floor_http(http, room)
            else:
                floors[kind] = await floor_layer(room, srv.env)
            floors[kind]["lat"] = latencies(room, "f")
        result = report(args, room, post, floors)
        room.closing = True
        await close_sockets((listener.ws for listener in room.listeners()), room.readers)
        await asyncio.sleep(0.5)  # let the consumers leave their groups
    return result


@dataclass
class Servers:
    env: dict[str, str]
    fixture: Fixture
    procs: list[subprocess.Popen]
    logs: list[Path]
    ports: list[int]


@contextlib.contextmanager
def servers(args: argparse.Namespace, prefix: str = "paniers-bench-"):
    """A throwaway database holding the workshop, and ``args.workers`` Daphne processes
    serving it; all of it stopped and removed on the way out."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    pg_name = ""
    procs: list[subprocess.Popen] = []
    try:
        if args.database_url:
            database_url, pg_name = postgres_throwaway(args.database_url)
        else:
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        env = server_env(args, database_url, tmp)
        fixture = build_fixture(env, args.tables, demo=getattr(args, "demo", False))
        ports = [free_port() for _ in range(args.workers)]
        logs = [tmp / f"daphne-{i}.log" for i in range(args.workers)]
        procs = [start_daphne(port, env, log) for port, log in zip(ports, logs, strict=True)]
        yield Servers(env, fixture, procs, logs, ports)
    finally:
        for proc in procs:
            stop_process(proc)
        if pg_name and not args.keep_db:
            postgres_drop(args.database_url, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def append_json(path: str | None, result: dict) -> None:
    if path:
        with open(path, "a") as out:
            out.write(json.dumps(result) + "\n")


def finish(args: argparse.Namespace, s: Servers, result: dict) -> None:
    """Append the run's JSON line (``--json-out``); say which Daphne died during the run."""
    append_json(args.json_out, result)
    for proc, log in zip(s.procs, s.logs, strict=True):
        if proc.poll() is not None:
            print(f"Daphne exited early:\n{log_tail(log)}")


def main() -> int:
    args = parse_args()
    if args.floor_helper:
        floor_helper_main()
        return 0
    with servers(args) as s:
        run = run_bench(args, s)
        try:
            import uvloop
        except ImportError:
            result = asyncio.run(run)
        else:
            result = uvloop.run(run)
        finish(args, s, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
