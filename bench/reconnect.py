"""A reconnect storm against a real Daphne on loopback: every phone drops at once.

It reuses bench/fanout.py's room (throwaway database, Daphne processes, T x P phones
joining over HTTP with their own sessions), opens every phone's socket and waits until
the presence rows are all there. Then, ``--rounds`` times:

1. **Drop.** Every phone's TCP connection is cut at once, without a close frame, as
   when a venue's Wi-Fi blips (``--drop abort``); or every Daphne is killed and
   started again on the same port, as when the laptop's server restarts
   (``--drop restart``).
2. **Come back.** Each phone does what the page does: it waits the jittered back-off
   of ``static/js/paniers.js`` (``wsReconnectDelay``) and opens its socket again, as
   many times as needed; once open, it re-fetches its board and its phase state, as
   ``hx-trigger="htmx:wsOpen"`` does. A phone is *back* when its socket is open and
   both GETs answered 200.
3. **Gone.** Every socket is then cut again and nobody comes back; after
   ``--settle-seconds`` the bench counts the presence rows left in the database and
   the members left in the workshop's channel-layer groups (Redis, or the in-memory
   layer through ``/__stats__/``), then reconnects every phone for the next round.

Printed per round: time until all phones are back (and the p50/p95 of each phone's
time), failed handshakes ("resets", counted after the drop itself), HTTP 5xx of the
re-sync GETs, and the leftovers. Then a few post-its measure a broadcast's delivery
to one table's phones after the storms (ghost group members slow it down).

    python bench/reconnect.py                                   # 10 tables x 30 phones
    python bench/reconnect.py --drop restart
    python bench/reconnect.py --demo        # make run's room: 300 phones, one address each
    python bench/reconnect.py --workers 2 --redis-url redis://127.0.0.1:6379/0 \\
        --database-url postgres://postgres@127.0.0.1:5432/paniers_bench

Everything is bounded by ``--max-seconds`` per storm. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from fanout import (
    HTTP_TIMEOUT,
    Phone,
    Room,
    Servers,
    all_ready,
    bounded,
    describe_machine,
    finish,
    http_client,
    join_phone,
    parse_with_server_args,
    servers,
    start_daphne,
    summary,
)

# What the Daphne logs are searched for, and counted.
LOG_NEEDLES = [
    "took too long to shut down",  # Daphne killed an application that did not end
    "Traceback",
    "PoolTimeout",
    "MaxConnectionsError",
    "could not leave the groups",
    "websocket refused",
]
CONNECT_TIMEOUT = 30.0  # a browser has none of its own; Daphne drops slow handshakes first


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10, help="tables (3 territories each)")
    parser.add_argument("--phones", type=int, help="phones per table (default 30; 100 with --demo)")
    parser.add_argument(
        "--own-addresses",
        action="store_true",
        help="each phone connects from a loopback address of its own (127.0.x.y), as "
        "phones on a venue's Wi-Fi do; implied by --demo",
    )
    parser.add_argument("--drop", choices=["abort", "restart"], default="abort")
    parser.add_argument("--rounds", type=int, default=2, help="storms in a row")
    parser.add_argument("--max-seconds", type=float, default=180.0, help="cap on each storm")
    parser.add_argument(
        "--settle-seconds", type=float, default=5.0, help="before counting leftovers"
    )
    parser.add_argument("--no-retry", action="store_true", help="one reconnect attempt each")
    parser.add_argument("--posts", type=int, default=20, help="post-its timed after the storms")
    parser.add_argument("--join-concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    args = parse_with_server_args(parser, argv)
    if args.demo:
        args.tables, args.own_addresses = 3, True  # load_demo's workshop has 3 tables
    if args.phones is None:
        args.phones = 100 if args.demo else 30
    return args


def phone_address(index: int) -> str:
    """A loopback address of its own for phone ``index`` (all of 127/8 is loopback)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def reconnect_delay(retry: int, rng: random.Random) -> float:
    """paniers.js's wsReconnectDelay, in seconds."""
    ceiling = min(8000, 500 * 2**retry)
    return (ceiling / 2 + rng.random() * ceiling / 2) / 1000


@dataclass(eq=False)
class Storm:
    started: float = 0.0
    back_at: dict[int, float] = field(default_factory=dict)
    attempts: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # failed handshakes, by cause
    get_status: dict[int, int] = field(default_factory=dict)

    def fail(self, cause: str) -> None:
        self.failed[cause] = self.failed.get(cause, 0) + 1


class StormRoom(Room):
    def __init__(self, args, fixture, ports):
        super().__init__(args, fixture, ports)
        self.sockets: dict[int, aiohttp.ClientWebSocketResponse] = {}
        self.drainers: list[asyncio.Task] = []
        self.rng = random.Random(args.seed)
        self.sessions: dict[int, aiohttp.ClientSession] = {}

    def http_for(self, phone: Phone, shared: aiohttp.ClientSession) -> aiohttp.ClientSession:
        """The phone's own session (its own source address) or the bench's shared one."""
        if not self.args.own_addresses:
            return shared
        if phone.index not in self.sessions:
            connector = aiohttp.TCPConnector(limit=0, local_addr=(phone_address(phone.index), 0))
            self.sessions[phone.index] = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=HTTP_TIMEOUT
            )
        return self.sessions[phone.index]

    async def close_sessions(self) -> None:
        for session in self.sessions.values():
            await session.close()

    def phone_headers(self, phone: Phone) -> dict[str, str]:
        return {"Cookie": phone.cookie(), "Origin": self.base(phone.worker)}

    async def open(self, http, phone: Phone) -> aiohttp.ClientWebSocketResponse:
        ws = await self.http_for(phone, http).ws_connect(
            f"{self.ws_base(phone.worker)}/ws/j/{self.fixture.code}/",
            headers=self.phone_headers(phone),
            autoping=True,
            heartbeat=None,
            compress=0,
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0),
        )
        self.sockets[phone.index] = ws
        self.drainers.append(asyncio.create_task(self.drain(ws)))
        return ws

    @staticmethod
    async def drain(ws) -> None:
        with contextlib.suppress(Exception):
            async for _msg in ws:
                pass

    def abort_all(self) -> None:
        """Cut every TCP connection without a close frame: the server sees a reset.

        With ``--own-addresses`` the phones' idle keep-alive connections go too, as on a
        phone whose Wi-Fi blipped: its re-sync GETs open new connections."""
        for ws in self.sockets.values():
            conn = ws._conn  # aiohttp keeps the connection here; no public way to abort
            if conn is not None and conn.transport is not None:
                conn.transport.abort()
        self.sockets.clear()
        for session in self.sessions.values():
            pool = session.connector._conns  # idle keep-alive connections, by host
            for idle in pool.values():
                for protocol, _since in idle:
                    if protocol.transport is not None:
                        protocol.transport.abort()
            pool.clear()

    async def resync(self, http, phone: Phone, storm: Storm) -> bool:
        http = self.http_for(phone, http)
        base, code = self.base(phone.worker), self.fixture.code
        headers = {**self.phone_headers(phone), "HX-Request": "true"}

        async def get(path: str) -> int:
            try:
                async with http.get(f"{base}/j/{code}/{path}/", headers=headers) as r:
                    await r.read()
                    return r.status
            except (TimeoutError, aiohttp.ClientError):
                return -1

        statuses = await asyncio.gather(get("board"), get("state"))
        for status in statuses:
            storm.get_status[status] = storm.get_status.get(status, 0) + 1
        return all(status == 200 for status in statuses)

    async def come_back(
        self, http, phone: Phone, storm: Storm, deadline: float, resync: bool = True
    ) -> None:
        rng = random.Random(self.rng.random())
        retry = 0
        while time.monotonic() < deadline:
            await asyncio.sleep(reconnect_delay(retry, rng))
            storm.attempts += 1
            try:
                async with asyncio.timeout(CONNECT_TIMEOUT):
                    await self.open(http, phone)
            except aiohttp.WSServerHandshakeError as error:
                storm.fail(f"HTTP {error.status}")
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                storm.fail(type(error).__name__)
            else:
                if not resync or await self.resync(http, phone, storm):
                    storm.back_at[phone.index] = time.monotonic() - storm.started
                    return
                # A failed re-sync leaves the socket open: the page keeps it, and its
                # board stays stale until the next reconnect. Count it as not back.
                return
            if self.args.no_retry:
                return
            retry += 1


async def restart_servers(s: Servers, http) -> None:
    for proc in s.procs:
        proc.kill()
        proc.wait(timeout=10)
    for i, (port, log) in enumerate(zip(s.ports, s.logs, strict=True)):
        s.procs[i] = start_daphne(port, s.env, log.with_name(f"{log.stem}-r{time.time_ns()}.log"))
    await all_ready(http, s)


def presence_rows() -> int:
    from workshops.models import Connection

    return Connection.objects.count()


def redis_members(url: str, groups: list[str]) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return sum(client.zcard(f"paniers:group:{group}") for group in groups)
    finally:
        client.close()


async def group_members(http, room: StormRoom, groups: list[str]) -> int:
    if room.args.redis_url:
        return await asyncio.to_thread(redis_members, room.args.redis_url, groups)
    total = 0
    for worker in range(len(room.ports)):
        async with http.get(f"{room.base(worker)}/__stats__/") as r:
            sizes = (await r.json()).get("group_sizes", {})
        total += sum(sizes.get(group, 0) for group in groups)
    return total


async def leftovers(http, room: StormRoom, groups: list[str]) -> dict:
    room.abort_all()
    await asyncio.sleep(room.args.settle_seconds)
    rows = await asyncio.to_thread(presence_rows)
    members = await group_members(http, room, groups)
    return {"presence_rows": rows, "group_members": members}


def daphne_cpu_seconds(procs) -> float:
    """CPU the Daphne processes used so far (user + system): what a storm costs the
    server, whatever else the machine is doing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in procs:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(stat[11]) + int(stat[12])  # utime, stime
    return total / tick


async def storm_round(http, room: StormRoom, s, groups: list[str]) -> dict:
    args = room.args
    cpu_before = daphne_cpu_seconds(s.procs)
    if args.drop == "abort":
        room.abort_all()
    else:
        room.sockets.clear()
        await restart_servers(s, http)
    storm = Storm(started=time.monotonic())
    deadline = storm.started + args.max_seconds
    await asyncio.gather(*(room.come_back(http, phone, storm, deadline) for phone in room.phones))
    all_back = max(storm.back_at.values()) if len(storm.back_at) == len(room.phones) else None
    daphne_cpu = daphne_cpu_seconds(s.procs) - cpu_before
    left = await leftovers(http, room, groups)
    return {
        "phones": len(room.phones),
        "back": len(storm.back_at),
        "all_back_s": all_back,
        "back_s": summary(list(storm.back_at.values())),
        "attempts": storm.attempts,
        "daphne_cpu_s": round(daphne_cpu, 2),
        "failed_handshakes": dict(sorted(storm.failed.items())),
        "get_status": dict(sorted(storm.get_status.items())),
        "http_5xx": sum(n for status, n in storm.get_status.items() if status >= 500),
        **left,
    }


async def connect_all(http, room: StormRoom) -> None:
    """Every phone's socket, 50 handshakes at a time, each retried as the page would."""
    storm = Storm(started=time.monotonic())
    deadline = storm.started + room.args.max_seconds
    await bounded(50, (room.come_back(http, p, storm, deadline, resync=False) for p in room.phones))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if await asyncio.to_thread(presence_rows) >= len(room.phones):
            return
        await asyncio.sleep(0.2)


async def broadcast_after(http, room: StormRoom) -> dict:
    """Post-its at table 0 after the storms: time until every phone of table 0 has it."""
    table0 = [phone for phone in room.phones if phone.table == 0]
    sockets = {phone.index: await room.open(http, phone) for phone in table0}
    for task in room.drainers:
        task.cancel()
    await asyncio.sleep(1.0)
    poster = table0[0]
    base = room.base(poster.worker)
    samples: list[float] = []
    for k in range(room.args.posts):
        token = f"bnchr{k}z"
        headers = poster.htmx_headers(origin=base)
        t0 = time.monotonic()
        async with room.http_for(poster, http).post(
            f"{base}/j/{room.fixture.code}/postits/",
            data={"kind": "offer", "text": f"Après la tempête {token}", "theme": ""},
            headers=headers,
        ) as r:
            await r.read()

        async def wait_for(ws, token=token) -> float:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT and token in msg.data:
                    return time.monotonic()
            return float("nan")

        arrivals = await asyncio.wait_for(
            asyncio.gather(*(wait_for(ws) for ws in sockets.values())), timeout=10
        )
        samples.extend((t - t0) * 1000 for t in arrivals)
        await asyncio.sleep(0.1)
    return summary(samples)


def show(label: str, value) -> str:
    return "-" if value is None else f"{value:.1f} {label}"


def report(args, rounds: list[dict], after: dict) -> dict:
    setup = (
        f"{args.workers} Daphne, {'PostgreSQL' if args.database_url else 'SQLite'}, "
        f"{'Redis ' + args.layer if args.redis_url else 'in-memory'}"
        f"{', the demo workshop' if args.demo else ''}"
        f"{', one address per phone' if args.own_addresses else ''}"
    )
    print(f"\n{setup}; {args.tables} tables x {args.phones} phones; drop: {args.drop}")
    print(f"machine: {describe_machine()}")
    for i, r in enumerate(rounds, 1):
        b = r["back_s"]
        print(
            f"round {i}: {r['back']}/{r['phones']} back, all back after "
            f"{show('s', r['all_back_s'])} (p50 {b['p50']:.1f} s, p95 {b['p95']:.1f} s); "
            f"{r['attempts']} handshakes, failed: {r['failed_handshakes'] or 0}; "
            f"Daphne CPU {r['daphne_cpu_s']:.1f} s; "
            f"re-sync GETs {r['get_status']}, 5xx: {r['http_5xx']}; "
            f"left once gone: {r['presence_rows']} presence rows, "
            f"{r['group_members']} group members"
        )
    print(
        f"after the storms, a post-it to its table's {args.phones} phones: p50 "
        f"{after['p50']:.1f} ms, p95 {after['p95']:.1f} ms, max {after['max']:.1f} ms"
    )
    return {
        "bench": "reconnect",
        "setup": setup,
        "tables": args.tables,
        "phones": args.phones,
        "drop": args.drop,
        "rounds": rounds,
        "post_after_ms": after,
        "machine": describe_machine(),
    }


async def run_bench(args, s: Servers) -> dict:
    room = StormRoom(args, s.fixture, s.ports)
    async with http_client(s) as http:
        workers = len(s.ports)
        room.phones = [
            Phone(index=i, table=i // args.phones, territory=i % 3, worker=i % workers)
            for i in range(args.tables * args.phones)
        ]
        await bounded(
            args.join_concurrency,
            (join_phone(room.http_for(p, http), room, p) for p in room.phones),
        )
        groups = [*s.fixture.table_groups, f"paniers.workshop.{s.fixture.workshop_id}"]
        rounds = []
        for i in range(args.rounds):
            t0 = time.monotonic()
            await connect_all(http, room)
            print(
                f"round {i + 1}: {len(room.sockets)} sockets open in "
                f"{time.monotonic() - t0:.1f} s; dropping them",
                flush=True,
            )
            rounds.append(await storm_round(http, room, s, groups))
        after = await broadcast_after(http, room)
        result = report(args, rounds, after)
        room.abort_all()
        for task in room.drainers:
            task.cancel()
        await room.close_sessions()
    return result


def main() -> int:
    args = parse_args()
    with servers(args, prefix="paniers-reconnect-") as s:
        finish(args, s, asyncio.run(run_bench(args, s)))
        logs = "".join(
            log.read_text(errors="replace") for log in s.logs[0].parent.glob("daphne-*.log")
        )
        counts = {needle: logs.count(needle) for needle in LOG_NEEDLES}
        print("Daphne logs: " + ", ".join(f"{n} x {needle!r}" for needle, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
