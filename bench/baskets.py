"""Live baskets against a real Daphne on loopback: from a basket write to every socket.

It reuses bench/fanout.py's room (throwaway database, Daphne processes, phones joining
over HTTP with their own sessions, a logged-in facilitator's projector socket): T
tables x 3 territories x P phones per territory (10 x 3 x 3 = 90 phone sockets), the
workshop moved to its negotiation phase, a few offers and needs per territory, and one
basket per pair of territories at each table (3 per table). Then:

1. **growth**: one basket gets 20 transactions, one every half second; the bytes of
   the message each socket receives are printed against the basket's size;
2. **rates**: writes spread over every basket of the room, round robin across tables,
   at each ``--rates`` (5 and 15 per second by default): a new transaction with a note,
   or every third write an edit of a basket's last transaction (its note, from its
   current version), baskets capped at ``--cap`` transactions.

Every note carries a token ``bnchb<seq>z``; the time it first reaches each socket, minus
the time the write started, is the latency per audience: the basket's two territories'
phones, the third territory's phones at that table, the projector; a phone of another
table must receive nothing.

**What is measured, honestly.** The phones' basket views are not in the product yet,
so the writes do not come through HTTP: a helper process calls ``baskets.services``
(``transaction_create`` / ``transaction_update``, ``by`` = a participant of the giving
territory, the gate included) against the same database, each call in a thread of a
pool of ``--writer-threads`` (Daphne gives each request a thread of its own, Django's
``ThreadSensitiveContext``), and ``on_commit`` broadcasts through the
same Redis channel layer to the sockets Daphne holds. The figures are thus the real
write + render + fan-out path minus the HTTP request around it (parsing, session,
CSRF, the view's own response: see the post-it figures of ``fanout.py`` for that
cost). That needs Redis: with the in-memory layer the helper could not reach Daphne's
sockets, so ``--redis-url`` is required. Renders per broadcast are the helper's
``workshops.stats`` counters (``basket_renders`` / ``basket_broadcasts``).

    python bench/baskets.py --redis-url redis://127.0.0.1:6379/0
    python bench/baskets.py --redis-url redis://127.0.0.1:6379/0 \\
        --database-url postgres://postgres@127.0.0.1:5432/paniers_bench --rates 5,15

Everything is bounded: ``--seconds`` of writing per rate, ``--drain-seconds`` of
waiting for late messages, HTTP timeouts. Figures: docs/performance.md, "Baskets".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from fanout import (
    HTTP_TIMEOUT,
    Phone,
    add_server_args,
    append_json,
    bounded,
    check_server_args,
    describe_machine,
    join_phone,
    login_projector,
    paced,
    servers,
    summary,
    wait_ready,
)

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"bnchb(\d+)z")
GROWTH_SEQ0 = 1_000_000  # growth tokens, apart from the rates' ones
TERRITORIES_PER_TABLE = 3


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10)
    parser.add_argument("--phones", type=int, default=3, help="phone sockets per territory")
    parser.add_argument("--rates", default="5,15", help="writes per second, whole room")
    parser.add_argument("--seconds", type=float, default=20.0, help="writing per rate")
    parser.add_argument("--growth", type=int, default=20, help="transactions of the grown basket")
    parser.add_argument("--cap", type=int, default=20, help="transactions per basket, at most")
    parser.add_argument("--drain-seconds", type=float, default=5.0)
    parser.add_argument(
        "--writer-threads", type=int, default=4, help="concurrent writes, as Daphne's requests"
    )
    parser.add_argument("--writer-helper", action="store_true", help=argparse.SUPPRESS)
    add_server_args(parser)
    args = parser.parse_args(argv)
    if args.writer_helper:
        return args
    check_server_args(parser, args)
    if not args.redis_url:
        parser.error("--redis-url is needed: the writer reaches Daphne's sockets through Redis")
    args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    return args


# --- setup, in this process once the servers' database exists ----------------------


@dataclass
class BasketInfo:
    pk: int
    table: int  # table index
    sides: tuple[int, int]  # territory indexes
    givers: tuple[int, int]  # participant ids, one per side
    offers: dict[int, list[int]] = field(default_factory=dict)  # side index -> offer ids
    needs: dict[int, list[int]] = field(default_factory=dict)


def negotiation_setup(fixture) -> None:
    """Move to the negotiation phase; offers and needs for every sub-group."""
    from django.db import connections

    from baskets import services as baskets
    from workshops import phases, services
    from workshops.models import Phase, SubGroup, Workshop

    workshop = Workshop.objects.get(pk=fixture.workshop_id)
    phase = workshop.phases.get(kind=Phase.Kind.NEGOTIATION)
    phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase)
    baskets.ensure_baskets(workshop)  # tables past MAX_TABLES were added by hand
    for subgroup in SubGroup.objects.filter(table__workshop=workshop).select_related("table"):
        for kind in ("offer", "need"):
            for n in range(4):
                services.postit_create(
                    subgroup=subgroup,
                    author=None,
                    kind=kind,
                    text=f"{kind.capitalize()} {n + 1} du territoire, pour le banc d'essai",
                )
    connections.close_all()


def basket_map(fixture) -> list[BasketInfo]:
    """Every basket, once the phones joined (a write's author is a participant)."""
    from django.db import connections

    from baskets.models import Basket
    from workshops.models import Participant, PostIt

    tables = {pk: i for i, pk in enumerate(fixture.table_ids)}
    territories = {pk: i for i, pk in enumerate(fixture.territory_ids)}
    first_participant = {}
    for p in Participant.objects.filter(workshop_id=fixture.workshop_id).order_by("pk"):
        first_participant.setdefault(p.subgroup_id, p.pk)
    postits: dict[tuple[int, str], list[int]] = {}
    for p in PostIt.objects.filter(subgroup__table__workshop_id=fixture.workshop_id).order_by("pk"):
        postits.setdefault((p.subgroup_id, p.kind), []).append(p.pk)
    out = []
    baskets = Basket.objects.filter(table__workshop_id=fixture.workshop_id).select_related(
        "side_a", "side_b"
    )
    for b in baskets.order_by("table__number", "pk"):
        sides = (b.side_a, b.side_b)
        out.append(
            BasketInfo(
                pk=b.pk,
                table=tables[b.table_id],
                sides=tuple(territories[s.territory_id] for s in sides),
                givers=tuple(first_participant[s.pk] for s in sides),
                offers={i: postits[(s.pk, "offer")] for i, s in enumerate(sides)},
                needs={i: postits[(s.pk, "need")] for i, s in enumerate(sides)},
            )
        )
    connections.close_all()
    return out


# --- the writer helper: a process of its own, like another Django worker ------------


def writer_helper_main() -> None:
    """Paced service calls, in a pool of threads; send times and counters out."""
    plan = json.load(sys.stdin)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from asgiref.sync import sync_to_async

    from baskets import services
    from baskets.broadcast import broadcast_basket
    from baskets.models import Basket, Transaction
    from workshops import stats
    from workshops.models import Participant, PostIt

    baskets = {b["pk"]: b for b in plan["baskets"]}

    def write(seq: int, basket_id: int, edit: bool) -> str:
        info = baskets[basket_id]
        basket = Basket.objects.select_related("table__workshop").get(pk=basket_id)
        note = f"En contrepartie de la coopération bnchb{seq}z"
        last = (
            Transaction.objects.filter(basket=basket).select_related("giver").last()
            if edit or basket.transactions.count() >= plan["cap"]
            else None
        )
        if last is not None:
            side = 0 if last.giver_id == basket.side_a_id else 1
            by = Participant.objects.select_related("subgroup").get(pk=info["givers"][side])
            needs = PostIt.objects.filter(pk__in=info["needs"][str(1 - side)][:1])
            services.transaction_update(
                transaction_=last,
                by=by,
                version=last.version,
                offer=last.offer,
                needs=list(needs),
                note=note,
            )
            return "edit"
        side = seq % 2
        by = Participant.objects.select_related("subgroup").get(pk=info["givers"][side])
        offers = info["offers"][str(side)]
        needs = info["needs"][str(1 - side)]
        services.transaction_create(
            basket=basket,
            by=by,
            giver=by.subgroup,
            offer=PostIt.objects.get(pk=offers[seq % len(offers)]),
            needs=list(PostIt.objects.filter(pk__in=needs[seq % len(needs) :][:2])),
            note=note,
            effort=1 + seq % 5,
        )
        return "create"

    async def run() -> dict:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=plan["threads"]))
        call = sync_to_async(write, thread_sensitive=False)
        send_t: dict[int, float] = {}
        done_ms: dict[int, float] = {}
        kinds: dict[int, str] = {}
        errors: list[str] = []
        writes = plan["writes"]
        # Untimed: this process's first render, query and group_send pay for cold code
        # and connections (the warm-up basket's broadcast, which no timed write is in).
        for _ in range(3):
            await sync_to_async(broadcast_basket, thread_sensitive=True)(plan["warm"])
        before = stats.snapshot()

        async def send(k: int) -> None:
            seq, basket_id, edit = writes[k]
            t0 = send_t[seq] = time.monotonic()
            try:
                kinds[seq] = await call(seq, basket_id, edit)
            except Exception as error:  # noqa: BLE001 — reported, the run goes on
                errors.append(f"{seq}: {error!r}")
            done_ms[seq] = (time.monotonic() - t0) * 1000

        _sent, seconds = await paced(len(writes), plan["rate"], plan["max_seconds"], send)
        after = stats.snapshot()
        return {
            "send_t": send_t,
            "done_ms": done_ms,
            "kinds": kinds,
            "errors": errors,
            "seconds": seconds,
            "counters": {
                name: after.get(name, 0) - before.get(name, 0)
                for name in ("basket_renders", "basket_broadcasts", "broadcast_failures")
            },
        }

    json.dump(asyncio.run(run()), sys.stdout)


async def run_writer(
    env, baskets: list[BasketInfo], writes, rate, max_seconds, cap, threads=1
) -> dict:
    plan = {
        "warm": baskets[-1].pk,
        "threads": threads,
        "rate": rate,
        "max_seconds": max_seconds,
        "cap": cap,
        "writes": writes,
        "baskets": [b.__dict__ for b in baskets],
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve()),
        "--writer-helper",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        out, _ = await asyncio.wait_for(
            proc.communicate(json.dumps(plan).encode()), timeout=max_seconds + 120
        )
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"writer helper exited with {proc.returncode}")
    result = json.loads(out)
    for key in ("send_t", "done_ms", "kinds"):
        result[key] = {int(k): v for k, v in result[key].items()}
    return result


# --- sockets ------------------------------------------------------------------------


@dataclass(eq=False)
class Socket:
    name: str
    table: int  # -1: the projector
    territory: int
    first: dict[int, float] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)  # newest token -> bytes
    leaks: int = 0
    untokened: int = 0
    ws: aiohttp.ClientWebSocketResponse | None = None


class Bench:
    def __init__(self, args, fixture, ports):
        self.args, self.fixture, self.ports = args, fixture, ports
        self.sockets: list[Socket] = []
        self.projector: Socket | None = None
        self.table_of: dict[int, int] = {}  # seq -> table index
        self.readers: list[asyncio.Task] = []

    def base(self) -> str:
        return f"http://127.0.0.1:{self.ports[0]}"

    async def read(self, sock: Socket) -> None:
        async for msg in sock.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            now = time.monotonic()
            seqs = [int(m) for m in TOKEN.findall(msg.data)]
            if not seqs:
                sock.untokened += 1
                continue
            newest = max(seqs)
            sock.sizes.setdefault(newest, len(msg.data.encode()))
            for seq in seqs:
                table = self.table_of.get(seq)
                if sock.table >= 0 and table is not None and table != sock.table:
                    sock.leaks += 1
                    break
                sock.first.setdefault(seq, now)

    async def open(self, http, sock: Socket, path: str, cookie: str) -> None:
        sock.ws = await http.ws_connect(
            f"ws://127.0.0.1:{self.ports[0]}{path}",
            headers={"Cookie": cookie, "Origin": self.base()},
            heartbeat=None,
            compress=0,
        )
        self.readers.append(asyncio.create_task(self.read(sock)))

    async def drain(self, seqs, baskets_of, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(seq in self.projector.first for seq in seqs) and all(
                seq in s.first for seq in seqs for s in self.sockets if s.table == baskets_of[seq]
            ):
                return
            await asyncio.sleep(0.05)

    def latencies(self, sent: dict[int, float], basket_of: dict[int, BasketInfo]) -> dict:
        same, rest, projector = [], [], []
        missing = {"same_basket": 0, "rest_of_table": 0, "projector": 0}
        for seq, t0 in sent.items():
            info = basket_of[seq]
            for sock in self.sockets:
                if sock.table != info.table:
                    continue
                audience, key = (
                    (same, "same_basket")
                    if sock.territory in info.sides
                    else (rest, "rest_of_table")
                )
                if seq in sock.first:
                    audience.append((sock.first[seq] - t0) * 1000)
                else:
                    missing[key] += 1
            if seq in self.projector.first:
                projector.append((self.projector.first[seq] - t0) * 1000)
            else:
                missing["projector"] += 1
        return {
            "same_basket": {**summary(same), "missing": missing["same_basket"]},
            "rest_of_table": {**summary(rest), "missing": missing["rest_of_table"]},
            "projector": {**summary(projector), "missing": missing["projector"]},
            "other_tables": sum(s.leaks for s in self.sockets),
        }


def print_latencies(title: str, lat: dict) -> None:
    print(f"  {title}")
    print(f"    {'audience':<22}{'samples':>8}{'missing':>8}{'p50':>8}{'p95':>8}{'p99':>8}  ms")
    for label, key in (
        ("same basket's phones", "same_basket"),
        ("rest of the table", "rest_of_table"),
        ("projector", "projector"),
    ):
        row = lat[key]
        print(
            f"    {label:<22}{row['n']:>8}{row['missing']:>8}"
            f"{row['p50']:>8.1f}{row['p95']:>8.1f}{row['p99']:>8.1f}"
        )
    print(f"    phones of other tables: {lat['other_tables']} message(s) (must be 0)")


def plan_rate(baskets: list[BasketInfo], rate: float, seconds: float, seq0: int, skip: int):
    """Round robin over tables, then over each table's baskets; every third write of a
    basket edits its last transaction."""
    by_table: dict[int, list[BasketInfo]] = {}
    for b in baskets:
        if b.pk != skip:
            by_table.setdefault(b.table, []).append(b)
    tables = sorted(by_table)
    writes, seen = [], {}
    for k in range(round(rate * seconds)):
        table = by_table[tables[k % len(tables)]]
        basket = table[(k // len(tables)) % len(table)]
        j = seen[basket.pk] = seen.get(basket.pk, -1) + 1
        writes.append((seq0 + k, basket.pk, j % 3 == 2))
    return writes


async def run_bench(args, env, fixture, procs, logs, ports) -> dict:
    bench = Bench(args, fixture, ports)
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=HTTP_TIMEOUT,
    ) as http:
        for port, proc, log in zip(ports, procs, logs, strict=True):
            await wait_ready(http, port, proc, log)
        per_table = TERRITORIES_PER_TABLE * args.phones
        phones = [
            Phone(index=i, table=i // per_table, territory=(i % per_table) % 3, worker=0)
            for i in range(args.tables * per_table)
        ]

        class _Room:  # what fanout.join_phone reads
            def __init__(self):
                self.fixture = fixture

            def base(self, worker):
                return bench.base()

        room = _Room()
        await bounded(16, (join_phone(http, room, p) for p in phones))
        session = await login_projector(http, room)
        bench.projector = Socket("projector", -1, -1)
        await bench.open(
            http, bench.projector, f"/ws/w/{fixture.workshop_id}/screen/", f"sessionid={session}"
        )
        for phone in phones:
            sock = Socket(f"phone{phone.index}", phone.table, phone.territory)
            bench.sockets.append(sock)
        await bounded(
            50,
            (
                bench.open(http, sock, f"/ws/j/{fixture.code}/", phone.cookie())
                for sock, phone in zip(bench.sockets, phones, strict=True)
            ),
        )
        baskets = await asyncio.to_thread(basket_map, fixture)
        by_pk = {b.pk: b for b in baskets}
        print(
            f"setup: {len(phones)} phones joined, {len(bench.sockets) + 1} sockets, "
            f"{len(baskets)} baskets",
            flush=True,
        )
        await asyncio.sleep(1.0)  # every group_add settled

        # Warm-up: a few untimed writes on another basket pay for cold code and connections.
        warm = baskets[-1]
        await run_writer(env, baskets, [(900_000 + k, warm.pk, False) for k in range(3)], 5, 5, 40)
        await asyncio.sleep(0.5)

        results: dict = {"machine": describe_machine(), "sockets": len(bench.sockets) + 1}

        # 1. growth: one basket, 1 -> N transactions, bytes per message.
        grown = baskets[0]
        writes = [(GROWTH_SEQ0 + k, grown.pk, False) for k in range(args.growth)]
        for seq, _pk, _edit in writes:
            bench.table_of[seq] = grown.table
        growth = await run_writer(env, baskets, writes, 2.0, args.growth, args.growth)
        await bench.drain([w[0] for w in writes], {w[0]: grown.table for w in writes}, 3)
        sizes = []
        for n, (seq, _pk, _edit) in enumerate(writes, start=1):
            phone_sizes = [s.sizes.get(seq) for s in bench.sockets if s.table == grown.table]
            sizes.append(
                {
                    "transactions": n,
                    "projector_bytes": bench.projector.sizes.get(seq),
                    "phone_bytes": max(filter(None, phone_sizes), default=None),
                }
            )
        results["growth"] = {"sizes": sizes, "counters": growth["counters"]}
        print()
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"== baskets: {args.tables} tables x 3 territories x {args.phones} phones = "
            f"{len(bench.sockets)} phone sockets + 1 projector; {database} + Redis "
            f"{args.layer} layer; {args.workers} Daphne =="
        )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"  machine: {describe_machine()}; client, writer and servers share these CPUs; "
            f"load average {load}"
        )
        results["load_average"] = os.getloadavg()
        print("  bytes per message as one basket grows (basket + the table's warnings):")
        for row in sizes:
            if row["transactions"] in (1, 2, 5, 10, 15, 20) or row is sizes[-1]:
                print(
                    f"    {row['transactions']:>3} transactions: projector "
                    f"{row['projector_bytes']} B, phone {row['phone_bytes']} B"
                )

        # 2. the rates.
        seq0 = 0
        results["rates"] = []
        for rate in args.rates:
            writes = plan_rate(baskets, rate, args.seconds, seq0, skip=warm.pk)
            seq0 += len(writes) + 1000
            basket_of = {seq: by_pk[pk] for seq, pk, _edit in writes}
            for seq, info in basket_of.items():
                bench.table_of[seq] = info.table
            out = await run_writer(
                env, baskets, writes, rate, args.seconds + 5, args.cap, args.writer_threads
            )
            sent = out["send_t"]
            await bench.drain(
                list(sent), {seq: basket_of[seq].table for seq in sent}, args.drain_seconds
            )
            lat = bench.latencies(sent, basket_of)
            counters = out["counters"]
            per_broadcast = (
                counters["basket_renders"] / counters["basket_broadcasts"]
                if counters["basket_broadcasts"]
                else float("nan")
            )
            kinds = {k: list(out["kinds"].values()).count(k) for k in ("create", "edit")}
            message_bytes = summary(
                [bench.projector.sizes[seq] for seq in sent if seq in bench.projector.sizes]
            )
            service_ms = summary(list(out["done_ms"].values()))
            print(
                f"  rate {rate:g}/s: {len(sent)} writes in {out['seconds']:.1f} s "
                f"({kinds['create']} new transactions, {kinds['edit']} edits), "
                f"{len(out['errors'])} errors; service call incl. render and group_send "
                f"p50 {service_ms['p50']:.1f} ms, p95 {service_ms['p95']:.1f} ms"
            )
            for error in out["errors"][:3]:
                print(f"    error: {error}")
            print_latencies("write -> first message with its note, per socket", lat)
            print(
                f"    renders per broadcast: {counters['basket_renders']} / "
                f"{counters['basket_broadcasts']} = {per_broadcast:.2f} (must be 1.00); "
                f"broadcast failures {counters['broadcast_failures']}; message bytes at the "
                f"projector p50 {message_bytes['p50']:.0f}, max {message_bytes['max']:.0f}"
            )
            results["rates"].append(
                {
                    "rate": rate,
                    "writes": len(sent),
                    "kinds": kinds,
                    "errors": len(out["errors"]),
                    "latency": lat,
                    "service_ms": service_ms,
                    "renders_per_broadcast": per_broadcast,
                    "message_bytes": message_bytes,
                }
            )
            await asyncio.sleep(0.5)
        untokened = sum(s.untokened for s in bench.sockets)
        print(f"  messages without a token (cells, state): {untokened}")
        await asyncio.gather(
            *(s.ws.close() for s in [bench.projector, *bench.sockets]), return_exceptions=True
        )
        await asyncio.wait(bench.readers, timeout=5)
    return results


def main() -> int:
    args = parse_args()
    if args.writer_helper:
        writer_helper_main()
        return 0
    with servers(args, prefix="paniers-bench-baskets-") as s:
        negotiation_setup(s.fixture)
        result = asyncio.run(run_bench(args, s.env, s.fixture, s.procs, s.logs, s.ports))
        append_json(args.json_out, result)
        for proc, log in zip(s.procs, s.logs, strict=True):
            if proc.poll() is not None:
                print(f"Daphne exited early:\n{log}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
