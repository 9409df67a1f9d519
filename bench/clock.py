"""The clock's live path against a real Daphne on loopback: state broadcasts, skew,
presence and the console's overview.

It reuses bench/fanout.py's room (throwaway database, Daphne processes, phones joining
over HTTP with their own sessions, a logged-in facilitator), then:

1. opens the console and projector sockets, then every phone socket, 50 at a time
   (``--connect-concurrency``; a reconnect storm), and times how long until the
   console shows every phone as connected, and how many "stale" nudges it heard;
2. sends K clock commands from the facilitator over HTTP (pause/resume, shift +-1 min,
   next/previous) at a set pace, and times the new ``#phase-state`` on every socket;
3. computes, per running state, what each phone's countdown would show at one common
   instant, the way static/js/clock.js does, and prints how far phones disagree;
4. times ``GET /w/<pk>/console/tables/`` with the full room connected.

    python bench/clock.py                                  # 10 tables x 10 phones
    python bench/clock.py --tables 20 --phones 15
    python bench/clock.py --workers 2 --redis-url redis://127.0.0.1:6379/0 \\
        --database-url postgres://postgres@127.0.0.1:5432/paniers_bench

Everything is bounded: ``--max-seconds`` for the whole run, ``--presence-timeout``,
``--drain-seconds``, and HTTP timeouts. See docs/performance.md for figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import aiohttp
from fanout import (
    Fixture,
    Listener,
    Phone,
    Room,
    Servers,
    bounded,
    close_sockets,
    cookie_value,
    describe_machine,
    finish,
    http_client,
    join_phone,
    login_projector,
    open_socket,
    paced,
    parse_with_server_args,
    seat_phones,
    servers,
    stats_of,
    summary,
)

STATE_TAG = re.compile(r'<div id="phase-state"[^>]*>')
ATTR = re.compile(r'data-([a-z-]+)="([^"]*)"')
NUDGE = 'id="console-stale"'
# "3/5 connectés": connected / joined, per sub-group, whatever the language.
PRESENCE = re.compile(r'class="presence[^"]*"[^>]*>\s*(\d+)/(\d+)')
CONSOLE_DEBOUNCE = 0.7  # the "delay:700ms" of #console-tables' hx-trigger in console.html
# Ten commands, repeated: the clock is running before and after each round.
PATTERN = [
    ("pause", 0),
    ("resume", 0),
    ("pause", 0),
    ("resume", 0),
    ("shift", 1),
    ("pause", 0),
    ("resume", 0),
    ("shift", -1),
    ("next", 0),
    ("previous", 0),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10, help="tables (3 territories each)")
    parser.add_argument("--phones", type=int, default=10, help="phone sockets per table")
    parser.add_argument("--commands", type=int, default=40, help="clock commands to send")
    parser.add_argument("--rate", type=float, default=2.0, help="clock commands per second")
    parser.add_argument("--overview-gets", type=int, default=50, help="console_tables GETs")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="cap on the whole run")
    parser.add_argument("--presence-timeout", type=float, default=60.0)
    parser.add_argument(
        "--presence-poll", type=float, default=0.25, help="console_tables poll interval (s)"
    )
    parser.add_argument("--drain-seconds", type=float, default=5.0, help="wait for late states")
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=50,
        help="phone sockets opening at once during the storm (0: all of them)",
    )
    parser.add_argument("--join-concurrency", type=int, default=16)
    args = parse_with_server_args(parser, argv)
    if min(args.tables, args.phones, args.commands, args.overview_gets) < 1 or args.rate <= 0:
        parser.error("--tables, --phones, --commands, --overview-gets, --rate must be positive")
    return args


# --- sockets ------------------------------------------------------------------------


class Receipt(NamedTuple):
    mono: float  # time.monotonic() at arrival: latencies
    wall_ms: float  # time.time() at arrival, what Date.now() gives clock.js
    server_now: int
    deadline: int | None
    paused: int | None
    size: int


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


@dataclass(eq=False)
class Screen(Listener):
    """A socket that records every #phase-state by version, and the console's nudges."""

    kind: str = "phone"  # phone | projector | console
    states: dict[int, list[Receipt]] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # versions in arrival order
    nudges: list[float] = field(default_factory=list)
    other: int = 0


class ClockRoom(Room):
    def __init__(self, args, fixture: Fixture, ports: list[int]):
        super().__init__(args, fixture, ports)
        self.console: Screen | None = None
        self.projector: Screen | None = None
        self.procs: list[subprocess.Popen] = []

    def listeners(self) -> list[Screen]:
        return [self.projector, self.console, *(phone.listener for phone in self.phones)]

    def on_message(self, listener: Screen, data: str, now: float) -> None:
        wall_ms = time.time() * 1000
        tag = STATE_TAG.search(data)
        if tag:
            attrs = dict(ATTR.findall(tag.group(0)))
            version = int(attrs["version"])
            listener.states.setdefault(version, []).append(
                Receipt(
                    now,
                    wall_ms,
                    int(attrs["server-now"]),
                    _int_or_none(attrs.get("deadline", "")),
                    _int_or_none(attrs.get("paused-remaining", "")),
                    len(data.encode()),
                )
            )
            listener.order.append(version)
        elif NUDGE in data:
            listener.nudges.append(now)
        else:
            listener.other += 1

    def forget(self) -> None:
        for listener in self.listeners():
            listener.states, listener.order, listener.other = {}, [], 0


# --- facilitator over HTTP ----------------------------------------------------------


@dataclass
class Facilitator:
    session: str
    csrf: str

    def headers(self, base: str) -> dict[str, str]:
        return {
            "Cookie": f"csrftoken={self.csrf}; sessionid={self.session}",
            "X-CSRFToken": self.csrf,
            "HX-Request": "true",
            "Origin": base,
        }


async def facilitator_login(http: aiohttp.ClientSession, room: ClockRoom) -> Facilitator:
    """Log in, then open the console page as a browser would: it hands out the CSRF cookie."""
    session = await login_projector(http, room)
    url = f"{room.base(0)}/w/{room.fixture.workshop_id}/console/"
    async with http.get(url, headers={"Cookie": f"sessionid={session}"}) as response:
        response.raise_for_status()
        await response.read()
        csrf = cookie_value(response, "csrftoken")
    if not csrf:
        raise RuntimeError("the console page set no csrftoken cookie")
    return Facilitator(session, csrf)


async def clock_post(
    http: aiohttp.ClientSession, room: ClockRoom, who: Facilitator, worker: int, command, minutes
) -> tuple[int, int | None]:
    base = room.base(worker)
    data = {"command": command, "minutes": str(minutes)}
    async with http.post(
        f"{base}/w/{room.fixture.workshop_id}/clock/", data=data, headers=who.headers(base)
    ) as response:
        body = await response.text()
    tag = STATE_TAG.search(body)
    version = int(dict(ATTR.findall(tag.group(0)))["version"]) if tag else None
    return response.status, version


async def overview(http: aiohttp.ClientSession, room: ClockRoom, who: Facilitator) -> str:
    url = f"{room.base(0)}/w/{room.fixture.workshop_id}/console/tables/"
    async with http.get(url, headers={"Cookie": f"sessionid={who.session}"}) as response:
        response.raise_for_status()
        return await response.text()


def connected_count(html: str) -> int:
    return sum(int(connected) for connected, _joined in PRESENCE.findall(html))


# --- CPU: the machine is shared, say by whom ------------------------------------------


def cpu_snapshot(pids: list[int]) -> dict[str, float]:
    """Seconds of CPU so far: the whole machine (busy), this client, the Daphne processes."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    daphne = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            daphne += int(stat[11]) + int(stat[12])  # utime, stime
    times = os.times()
    return {
        "wall": time.monotonic(),
        "busy": (sum(fields[:8]) - idle) / tick,
        "client": times.user + times.system,
        "daphne": daphne / tick,
    }


def cpu_share(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Percent of one core, over the interval: 200 means both cores of a 2-core machine."""
    wall = after["wall"] - before["wall"]
    share = {k: 100 * (after[k] - before[k]) / wall for k in ("busy", "client", "daphne")}
    share["others"] = max(0.0, share["busy"] - share["client"] - share["daphne"])
    return share


# --- phases -------------------------------------------------------------------------


async def presence_storm(http, room: ClockRoom, who: Facilitator) -> dict:
    """Open every phone socket; time until every presence row shows on the console."""
    args, fixture = room.args, room.fixture
    expected = len(room.phones)
    failures = 0
    samples: list[tuple[float, int]] = []  # (seconds since t0, connected on console_tables)

    async def connect(phone: Phone) -> None:
        nonlocal failures
        try:
            await open_socket(http, room, phone.listener, f"/ws/j/{fixture.code}/", phone.cookie())
        except (TimeoutError, aiohttp.ClientError):
            failures += 1

    async def poll() -> None:
        # What the console would show, polled meanwhile (this adds one overview query
        # per interval to the storm, as a console that kept refreshing would).
        while time.monotonic() < limit:
            shown = connected_count(await overview(http, room, who))
            samples.append((time.monotonic() - t0, shown))
            if shown >= expected:
                return
            await asyncio.sleep(args.presence_poll)

    nudges = room.console.nudges
    nudges.clear()
    t0 = time.monotonic()
    limit = t0 + args.presence_timeout
    poller = asyncio.create_task(poll())
    await bounded(args.connect_concurrency or expected, (connect(p) for p in room.phones))
    t_open = time.monotonic() - t0
    await asyncio.wait_for(poller, timeout=max(1.0, limit - time.monotonic()) + 30)
    # Each presence row is written before its nudge is sent (presence.arrive): wait for
    # the last nudges, until 2 s pass without one.
    while len(nudges) < expected and time.monotonic() < limit:
        if time.monotonic() - max(nudges[-1] if nudges else t0, t0 + t_open) > 2.0:
            break
        await asyncio.sleep(0.02)
    t_rows = samples[-1][0] if samples and samples[-1][1] >= expected else math.nan
    rel = [t - t0 for t in nudges]
    # htmx's "delay:700ms" restarts on each event: one fetch per quiet gap of 700 ms.
    fetches = 1 + sum(b - a > CONSOLE_DEBOUNCE for a, b in pairwise(rel)) if rel else 0
    # The debounced console's last fetch, 700 ms after the last nudge: what it shows
    # until its 20 s timer (nearest poll sample before that instant).
    last_fetch = rel[-1] + CONSOLE_DEBOUNCE if rel else 0.0
    shown_then = max((n for t, n in samples if t <= last_fetch), default=0)
    return {
        "phones": expected,
        "connect_failures": failures,
        "open_s": t_open,
        "all_rows_on_console_s": t_rows,
        "connected_shown": samples[-1][1] if samples else 0,
        "polls": len(samples),
        "nudges": len(nudges),
        "first_nudge_s": rel[0] if rel else math.nan,
        "last_nudge_s": rel[-1] if rel else math.nan,
        "debounced_fetches": fetches,
        "debounced_console_shows": (
            shown_then if math.isnan(t_rows) or last_fetch < t_rows else expected
        ),
    }


async def warm_up(http, room: ClockRoom, who: Facilitator) -> None:
    """Untimed pause/resume on each worker, and overview GETs: cold code is paid here."""
    for worker in range(len(room.ports)):
        for command in ("pause", "resume"):
            await clock_post(http, room, who, worker, command, 0)
    for _ in range(3):
        await overview(http, room, who)
    await asyncio.sleep(1.0)
    room.forget()


async def command_phase(http, room: ClockRoom, who: Facilitator) -> dict:
    args = room.args
    plan = [PATTERN[k % len(PATTERN)] for k in range(args.commands)]
    sent: dict[int, dict] = {}

    async def send(k: int) -> None:
        command, minutes = plan[k]
        t0 = time.monotonic()
        try:
            status, version = await clock_post(
                http, room, who, k % len(room.ports), command, minutes
            )
        except (TimeoutError, aiohttp.ClientError):
            status, version = -1, None
        sent[k] = {
            "command": command if not minutes else f"shift {minutes:+d}",
            "t0": t0,
            "http_ms": (time.monotonic() - t0) * 1000,
            "status": status,
            "version": version,
        }

    before = await stats_of(http, room)
    cpu0 = cpu_snapshot([proc.pid for proc in room.procs])
    # Half the run's cap at most: the report still comes if the sending is cut short.
    count, seconds = await paced(args.commands, args.rate, args.max_seconds / 2, send)
    versions = {s["version"] for s in sent.values() if s["status"] == 200 and s["version"]}
    limit = time.monotonic() + args.drain_seconds
    while time.monotonic() < limit and not all(
        versions <= listener.states.keys() for listener in room.listeners()
    ):
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)  # a duplicate would come now
    cpu = cpu_share(cpu0, cpu_snapshot([proc.pid for proc in room.procs]))
    after = await stats_of(http, room)
    delta = {
        name: sum(a.get(name, 0) - b.get(name, 0) for a, b in zip(after, before, strict=True))
        for name in ("state_renders", "state_broadcasts")
    }
    return {"count": count, "seconds": seconds, "sent": sent, "stats": delta, "cpu": cpu}


async def overview_phase(http, room: ClockRoom, who: Facilitator) -> dict:
    times, sizes, shown = [], [], 0
    for _ in range(room.args.overview_gets):
        t0 = time.monotonic()
        html = await overview(http, room, who)
        times.append((time.monotonic() - t0) * 1000)
        sizes.append(len(html.encode()))
        shown = connected_count(html)
    return {"ms": summary(times), "bytes": max(sizes), "connected_shown": shown}


# --- figures ------------------------------------------------------------------------


def deliveries(room: ClockRoom, sent: dict[int, dict]) -> dict:
    """Latency per audience, missing sockets, duplicates, order, sizes."""
    ok = {s["version"]: s for s in sent.values() if s["status"] == 200 and s["version"]}
    audiences = {
        "phones": [p.listener for p in room.phones],
        "projector": [room.projector],
        "console": [room.console],
    }
    out: dict = {}
    for name, listeners in audiences.items():
        ms, missing = [], 0
        for version, s in ok.items():
            for listener in listeners:
                got = listener.states.get(version)
                if got:
                    ms.append((got[0].mono - s["t0"]) * 1000)
                else:
                    missing += 1
        out[name] = {**summary(ms), "missing": missing}
    phones = audiences["phones"]
    per_phone = [len(listener.states.get(v, [])) for listener in phones for v in ok]
    out["per_phone_counts"] = {n: per_phone.count(n) for n in sorted(set(per_phone))}
    out["unexpected_versions"] = sum(
        len(rs) for lst in room.listeners() for v, rs in lst.states.items() if v not in ok
    )
    out["out_of_order"] = sum(
        sum(b < a for a, b in pairwise(lst.order)) for lst in room.listeners()
    )
    sizes = sorted(r.size for lst in phones for rs in lst.states.values() for r in rs)
    out["bytes"] = (
        {"min": sizes[0], "p50": sizes[len(sizes) // 2], "max": sizes[-1]} if sizes else {}
    )
    out["other_messages"] = sum(lst.other for lst in room.listeners())
    out["versions"] = len(ok)
    return out


def skew(room: ClockRoom, versions: list[int]) -> dict:
    """What each screen's countdown shows at one instant, computed as clock.js does.

    clock.js: offset = data-server-now - receipt time; remaining = deadline - (now +
    offset). At the instant the last screen has the state, every screen's value is
    compared: on one machine, the spread is the spread of the receipt times. A paused state shows data-paused-remaining as is: the same everywhere.
    """
    spread_phones, spread_all, lag = [], [], []
    paused = 0
    for version in versions:
        per_screen = {
            lst.kind + lst.name: lst.states[version][0]
            for lst in room.listeners()
            if lst.states.get(version)
        }
        first = next(iter(per_screen.values()), None)
        if first is None:
            continue
        if first.deadline is None or first.paused is not None:
            paused += 1
            continue
        instant = max(r.wall_ms for r in per_screen.values())
        shown = {
            key: r.deadline - (instant + (r.server_now - r.wall_ms))
            for key, r in per_screen.items()
        }
        phones = [v for key, v in shown.items() if key.startswith("phone")]
        spread_phones.append(max(phones) - min(phones))
        spread_all.append(max(shown.values()) - min(shown.values()))
        # Truth on loopback: client and server read the same clock. Each screen shows
        # more time left than there is by the time from render to receipt.
        lag += [r.wall_ms - r.server_now for r in per_screen.values()]
    return {
        "running_versions": len(spread_phones),
        "paused_versions": paused,
        "spread_phones_ms": summary(spread_phones),
        "spread_all_screens_ms": summary(spread_all),
        "render_to_receipt_ms": summary(lag),
    }


def log_problems(logs: list[Path]) -> dict:
    text = "\n".join(
        path.read_text(errors="replace") for path in logs if path.exists()
    ).splitlines()
    text = [line for line in text if line.strip()]
    return {
        "database_is_locked": sum("database is locked" in line for line in text),
        "tracebacks": sum(line.startswith("Traceback") for line in text),
        "log_lines": len(text),
        "last_lines": text[-5:],
    }


def f1(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def f2(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.2f}"


def report(args, room: ClockRoom, storm: dict, cmds: dict, over: dict, logs: dict) -> dict:
    phones = args.tables * args.phones
    backend = "PostgreSQL" if args.database_url else "SQLite"
    layer = f"Redis {args.layer}" if args.redis_url else "in-memory"
    sent = cmds["sent"]
    lat = deliveries(room, sent)
    versions = sorted(s["version"] for s in sent.values() if s["status"] == 200 and s["version"])
    sk = skew(room, versions)
    statuses: dict[int, int] = {}
    for s in sent.values():
        statuses[s["status"]] = statuses.get(s["status"], 0) + 1
    http_ms = summary([s["http_ms"] for s in sent.values()])
    closed = sum(lst.closed_early for lst in room.listeners())
    print()
    print(
        f"== clock: {args.tables} tables x {args.phones} phones = {phones} phone sockets "
        f"+ projector + console; {args.workers} Daphne; {backend} + {layer} layer =="
    )
    print(f"  machine: {describe_machine()}; client and server(s) share these CPUs")
    print(
        f"  presence storm: {phones} phone sockets, "
        f"{min(args.connect_concurrency or phones, phones)} opening at once: all open after "
        f"{storm['open_s']:.2f} s ({storm['connect_failures']} failed); console_tables showed "
        f"{storm['connected_shown']}/{phones} connected after "
        f"{f2(storm['all_rows_on_console_s'])} s (polled every {args.presence_poll:g} s, "
        f"{storm['polls']} polls)"
    )
    print(
        f"    console nudges: {storm['nudges']} of {phones} received, from "
        f"{f2(storm['first_nudge_s'])} s to {f2(storm['last_nudge_s'])} s; a console "
        f"debounced at {CONSOLE_DEBOUNCE * 1000:.0f} ms fetches the overview "
        f"{storm['debounced_fetches']} time(s), the last one showing "
        f"{storm['debounced_console_shows']}/{phones}; nudges heard after the storm, "
        f"until the end of the commands: {len(room.console.nudges) - storm['nudges']}"
    )
    print(
        f"  clock commands: {cmds['count']} sent in {cmds['seconds']:.1f} s "
        f"({cmds['count'] / cmds['seconds']:.1f}/s), HTTP {dict(sorted(statuses.items()))}, "
        f"POST round trip p50 {http_ms['p50']:.1f} ms, p95 {http_ms['p95']:.1f} ms"
    )
    cpu = cmds["cpu"]
    print(
        f"  CPU meanwhile, % of one core ({os.cpu_count()} cores): machine {cpu['busy']:.0f}, "
        f"this client {cpu['client']:.0f}, Daphne {cpu['daphne']:.0f}, "
        f"everything else {cpu['others']:.0f}"
    )
    print("  POST start -> first #phase-state with the new data-version, per socket")
    print(
        f"    {'audience':<11}{'samples':>8}{'missing':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  ms"
    )
    for name in ("phones", "projector", "console"):
        row = lat[name]
        print(
            f"    {name:<11}{row['n']:>8}{row['missing']:>8}{f1(row['p50']):>8}"
            f"{f1(row['p95']):>8}{f1(row['p99']):>8}{f1(row['max']):>8}"
        )
    counts = ", ".join(f"{n}: {c}" for n, c in lat["per_phone_counts"].items())
    print(
        f"  state messages per phone per command (count: pairs): {{{counts}}} (must all be 1); "
        f"out of order {lat['out_of_order']}; unexpected versions {lat['unexpected_versions']}; "
        f"other messages {lat['other_messages']}"
    )
    b = lat["bytes"]
    print(f"  bytes per state message: min {b.get('min')}, p50 {b.get('p50')}, max {b.get('max')}")
    renders, broadcasts = cmds["stats"]["state_renders"], cmds["stats"]["state_broadcasts"]
    ratio = renders / broadcasts if broadcasts else math.nan
    print(f"  renders per state broadcast: {renders} / {broadcasts} = {ratio:.2f} (must be 1.00)")
    sp, sa, lag = sk["spread_phones_ms"], sk["spread_all_screens_ms"], sk["render_to_receipt_ms"]
    print(
        f"  skew, {sk['running_versions']} running states ({sk['paused_versions']} paused ones "
        "show data-paused-remaining, identical everywhere):"
    )
    print(
        f"    countdown spread across phones at one instant: p50 {f1(sp['p50'])}, "
        f"p95 {f1(sp['p95'])}, max {f1(sp['max'])} ms"
    )
    print(
        f"    same, phones + projector + console: p50 {f1(sa['p50'])}, p95 {f1(sa['p95'])}, "
        f"max {f1(sa['max'])} ms"
    )
    print(
        f"    countdown ahead of the server's (render -> receipt): p50 {f1(lag['p50'])}, "
        f"p95 {f1(lag['p95'])}, max {f1(lag['max'])} ms"
    )
    oms = over["ms"]
    print(
        f"  console overview GET /w/<pk>/console/tables/ x{oms['n']}: p50 {f1(oms['p50'])}, "
        f"p95 {f1(oms['p95'])}, max {f1(oms['max'])} ms; {over['bytes']} bytes; "
        f"shows {over['connected_shown']}/{phones} connected"
    )
    print(
        f"  sockets closed by the server: {closed}; Daphne log: {logs['database_is_locked']} "
        f"'database is locked', {logs['tracebacks']} tracebacks ({logs['log_lines']} lines)"
    )
    for line in logs["last_lines"]:
        print(f"    | {line[:200]}")
    return {
        "tables": args.tables,
        "phones": args.phones,
        "workers": args.workers,
        "database": backend,
        "layer": layer,
        "commands": {"count": cmds["count"], "seconds": cmds["seconds"], "statuses": statuses},
        "post_http_ms": http_ms,
        "delivery": lat,
        "renders": cmds["stats"],
        "cpu_during_commands": cmds["cpu"],
        "skew": sk,
        "presence": storm,
        "overview": over,
        "closed_early": closed,
        "log": logs,
        "machine": describe_machine(),
    }


# --- main ---------------------------------------------------------------------------


async def run_bench(args, srv: Servers) -> dict:
    fixture = srv.fixture
    room = ClockRoom(args, fixture, srv.ports)
    room.procs = srv.procs
    workers = len(srv.ports)
    async with http_client(srv) as http:
        t0 = time.monotonic()
        room.phones = seat_phones(args.tables * args.phones, args.phones, workers)
        await bounded(args.join_concurrency, (join_phone(http, room, p) for p in room.phones))
        for phone in room.phones:
            phone.listener = Screen(f"{phone.index}", phone.table, phone.worker)
        who = await facilitator_login(http, room)
        print(
            f"setup: {len(room.phones)} phones joined in {time.monotonic() - t0:.1f} s", flush=True
        )
        cookie = f"sessionid={who.session}"
        room.console = Screen("console", -1, 0, kind="console")
        room.projector = Screen("projector", -1, 1 % workers, kind="projector")
        path = f"/ws/w/{fixture.workshop_id}"
        await open_socket(http, room, room.console, f"{path}/console/", cookie)
        await open_socket(http, room, room.projector, f"{path}/screen/", cookie)
        await asyncio.sleep(0.5)  # the console's group_add settles before the storm
        storm = await presence_storm(http, room, who)
        await warm_up(http, room, who)
        cmds = await command_phase(http, room, who)
        over = await overview_phase(http, room, who)
        result = report(args, room, storm, cmds, over, log_problems(srv.logs))
        room.closing = True
        await close_sockets((lst.ws for lst in room.listeners()), room.readers)
    return result


def main() -> int:
    args = parse_args()
    with servers(args, prefix="paniers-bench-clock-") as s:
        run = run_bench(args, s)
        try:
            result = asyncio.run(asyncio.wait_for(run, timeout=args.max_seconds))
        except TimeoutError:
            print(f"stopped: the run took more than --max-seconds {args.max_seconds:g}")
            return 1
        finish(args, s, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
