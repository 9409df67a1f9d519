"""Live baskets against a real Daphne on loopback: from a phone's POST to every socket.

It reuses bench/fanout.py's room (throwaway database, Daphne processes, phones joining
over HTTP with their own sessions and CSRF cookies, a logged-in facilitator's projector
socket): T tables x 3 territories x P phones per territory (10 x 3 x 3 = 90 phone
sockets), the workshop moved to its negotiation phase, a few offers and needs per
territory, one basket per pair of territories at each table (3 per table). Every write
is an htmx POST from a joined phone to the phone views (``baskets/urls.py``), as a
phone sends it: CSRF header, session cookie, ``HX-Request``. Then:

1. **growth**: one basket gets ``--growth`` new transactions, one every half second;
   the bytes of the message each socket receives are printed against the basket's size;
2. **rates**: writes spread over every other basket of the room, round robin across
   tables, at each ``--rates`` (5 and 15 per second by default). Each basket cycles
   through: new transaction (the giver's side, its effort), the receiver's value on it
   (score), new transaction, edit of the newest (note, from its version), new
   transaction, delete of the oldest (from its version); at ``--cap`` transactions a
   new one becomes a delete.

Matching a message to its write: a write's broadcast carries its basket's gauge
(``id="gauge-…"``, first) and the one transaction it wrote (``id="transaction-…"
data-version data-value data-effort``), or that transaction's removal
(``hx-swap-oob="delete"``); the POST's answer is the same HTML. (basket, transaction,
its version, value and effort, or "deleted") is the write's key: every write gives its
transaction a new version or value (the cycle above sees to it), or deletes it, so no
two writes share one. Writes to the same basket wait for the previous one's answer (a
phone does too). Latency = first arrival at a socket of the message with that key - the
start of the POST; the audiences are the basket's two territories' phones, the third
territory's phones at that table, the projector; a phone of another table must receive
nothing. A key arriving twice at a socket is a duplicate; a write whose key never
arrives is missing.

    python bench/baskets.py                      # (a) SQLite, in-memory layer, 1 Daphne
    python bench/baskets.py --workers 2 --redis-url redis://127.0.0.1:6379/0 \\
        --database-url postgres://postgres@127.0.0.1:5432/paniers_bench

Renders per broadcast: the Daphnes' ``workshops.stats`` counters (``/__stats__/``),
``basket_renders`` over ``basket_broadcasts`` (a POST's answer reuses its broadcast's HTML).
Everything is bounded: ``--seconds`` of writing per rate, ``--drain-seconds`` of waiting
for late messages, HTTP timeouts. Figures: docs/performance.md, "Baskets".
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
from fanout import (
    Phone,
    Servers,
    bounded,
    close_sockets,
    describe_machine,
    finish,
    http_client,
    join_phone,
    login_projector,
    paced,
    parse_with_server_args,
    seat_phones,
    servers,
    summary,
)

TERRITORIES_PER_TABLE = 3
GAUGE = re.compile(r'id="gauge-(\d+)"')
DELETED = re.compile(r'<li id="transaction-(\d+)" hx-swap-oob="delete">')
TRANSACTION = re.compile(
    r'id="transaction-(\d+)" data-giver="\d+" data-version="(\d+)" '
    r'data-value="(\d*)" data-effort="(\d*)"'
)
# A basket's cycle of writes (see the module docstring).
CYCLE = ("create", "score", "create", "edit", "create", "delete")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10)
    parser.add_argument("--phones", type=int, default=3, help="phone sockets per territory")
    parser.add_argument("--rates", default="5,15", help="writes per second, whole room")
    parser.add_argument("--seconds", type=float, default=20.0, help="writing per rate")
    parser.add_argument("--growth", type=int, default=20, help="transactions of the grown basket")
    parser.add_argument("--cap", type=int, default=20, help="transactions per basket, at most")
    parser.add_argument("--drain-seconds", type=float, default=5.0)
    args = parse_with_server_args(parser, argv)
    args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    return args


# --- setup, in this process once the servers' database exists ----------------------


@dataclass(eq=False)
class BasketInfo:
    pk: int
    table: int  # table index
    sides: tuple[int, int]  # territory indexes
    offers: dict[int, list[int]]  # side index -> the side's offer post-it ids
    needs: dict[int, list[int]]
    # What the bench knows of it, from the POST answers: id -> (version, value, effort).
    state: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    giver_side: dict[int, int] = field(default_factory=dict)  # transaction id -> side index
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    writes: int = 0


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
    from django.db import connections

    from baskets.models import Basket
    from workshops.models import PostIt

    tables = {pk: i for i, pk in enumerate(fixture.table_ids)}
    territories = {pk: i for i, pk in enumerate(fixture.territory_ids)}
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
                offers={i: postits[(s.pk, "offer")] for i, s in enumerate(sides)},
                needs={i: postits[(s.pk, "need")] for i, s in enumerate(sides)},
            )
        )
    connections.close_all()
    return out


def write_key(html: str) -> tuple | None:
    """(basket id, transaction id, its version, value and effort, or "deleted") of the
    write a message or a POST's answer carries (a score keeps the version and sets the
    value); None for any other message (a whole table's gauges)."""
    basket = GAUGE.search(html)
    if basket is None:
        return None
    written = TRANSACTION.search(html)
    if written is not None:
        tid, version, value, effort = written.groups()
        return int(basket.group(1)), int(tid), int(version), value, effort
    deleted = DELETED.search(html)
    if deleted is not None:
        return int(basket.group(1)), int(deleted.group(1)), "deleted"
    return None


# --- sockets ------------------------------------------------------------------------


@dataclass(eq=False)
class Socket:
    name: str
    table: int  # -1: the projector
    territory: int
    worker: int
    # state -> [first arrival, how many times, bytes]
    seen: dict[tuple, list] = field(default_factory=dict)
    other_baskets: int = 0  # messages about another table's basket (phones: must be 0)
    untokened: int = 0
    ws: aiohttp.ClientWebSocketResponse | None = None


class Bench:
    def __init__(self, args, fixture, ports):
        self.args, self.fixture, self.ports = args, fixture, ports
        self.sockets: list[Socket] = []
        self.projector: Socket | None = None
        self.phones: list[Phone] = []
        self.by_side: dict[tuple[int, int], list[Phone]] = {}  # (table, territory) -> phones
        self.table_of_basket: dict[int, int] = {}
        self.readers: list[asyncio.Task] = []
        self.post_k = 0

    def base(self, worker: int = 0) -> str:  # what fanout.join_phone reads
        return f"http://127.0.0.1:{self.ports[worker]}"

    async def read(self, sock: Socket) -> None:
        async for msg in sock.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            now = time.monotonic()
            state = write_key(msg.data)
            if state is None:
                sock.untokened += 1
                continue
            if sock.table >= 0 and self.table_of_basket.get(state[0]) != sock.table:
                sock.other_baskets += 1
                continue
            seen = sock.seen.get(state)
            if seen is None:
                sock.seen[state] = [now, 1, len(msg.data.encode())]
            else:
                seen[1] += 1

    async def open(self, http, sock: Socket, path: str, cookie: str) -> None:
        sock.ws = await http.ws_connect(
            f"ws://127.0.0.1:{self.ports[sock.worker]}{path}",
            headers={"Cookie": cookie, "Origin": self.base(sock.worker)},
            heartbeat=None,
            compress=0,
        )
        self.readers.append(asyncio.create_task(self.read(sock)))

    async def stats(self, http) -> dict[str, int]:
        total: dict[str, int] = {}
        for worker in range(len(self.ports)):
            async with http.get(f"{self.base(worker)}/__stats__/") as response:
                response.raise_for_status()
                for name, value in (await response.json()).items():
                    if isinstance(value, int):
                        total[name] = total.get(name, 0) + value
        return total

    # --- one write: a phone's POST ---

    def phone_of(self, basket: BasketInfo, side: int) -> Phone:
        phones = self.by_side[(basket.table, basket.sides[side])]
        return phones[basket.writes % len(phones)]

    async def write(self, http, basket: BasketInfo, note: str, op: str | None = None) -> dict:
        """One write to ``basket``, after the previous one's answer; returns its record."""
        async with basket.lock:
            j = basket.writes
            op = op or CYCLE[j % len(CYCLE)]
            ids = sorted(basket.state)
            if op == "create" and len(ids) >= self.args.cap:
                op = "delete"
            if op != "create" and not ids:
                op = "create"
            giver = j % 2
            code = self.fixture.code
            if op == "create":
                offers, needs = basket.offers[giver], basket.needs[1 - giver]
                phone = self.phone_of(basket, giver)
                path = f"/j/{code}/baskets/{basket.pk}/add/"
                data = [
                    ("offer", str(offers[j % len(offers)])),
                    *(("needs", str(n)) for n in needs[j % len(needs) :][:2]),
                    ("note", note),
                    ("score", str(1 + j % 5)),
                    ("client_id", str(uuid.uuid4())),
                ]
            else:
                tid = ids[-1] if op in {"score", "edit"} else ids[0]
                version = basket.state[tid][0]
                if op == "score":  # the receiver's value on the newest (it has none yet)
                    phone = self.phone_of(basket, 1 - basket.giver_side.get(tid, 0))
                    path = f"/j/{code}/baskets/t/{tid}/score/"
                    data = [("score", str(1 + j % 5))]
                else:
                    phone = self.phone_of(basket, basket.giver_side.get(tid, 0))
                    side = basket.giver_side.get(tid, 0)
                    if op == "edit":
                        path = f"/j/{code}/baskets/t/{tid}/edit/"
                        offers, needs = basket.offers[side], basket.needs[1 - side]
                        data = [
                            ("offer", str(offers[(j + 1) % len(offers)])),
                            ("needs", str(needs[j % len(needs)])),
                            ("note", note),
                            ("version", str(version)),
                        ]
                    else:
                        path = f"/j/{code}/baskets/t/{tid}/delete/"
                        data = [("version", str(version))]
            worker = self.post_k % len(self.ports)  # cross-worker delivery too
            self.post_k += 1
            base = self.base(worker)
            headers = phone.htmx_headers(origin=base)
            t0 = time.monotonic()
            status, state = -1, None
            try:
                async with http.post(f"{base}{path}", data=data, headers=headers) as r:
                    status = r.status
                    html = await r.text()
                if status == 200:
                    state = write_key(html)
            except (TimeoutError, aiohttp.ClientError):
                pass
            ms = (time.monotonic() - t0) * 1000
            basket.writes += 1
            if state is not None and state[0] == basket.pk:
                tid = state[1]
                if state[2] == "deleted":
                    basket.state.pop(tid, None)
                else:
                    basket.giver_side.setdefault(tid, giver)
                    basket.state[tid] = state[2:]  # (version, value, effort)
            return {
                "op": op,
                "basket": basket,
                "t0": t0,
                "ms": ms,
                "status": status,
                "state": state,
                "transactions": len(basket.state),  # the basket's, after this write
            }

    def latencies(self, records: list[dict]) -> dict:
        same, rest, projector = [], [], []
        missing = {"same_basket": 0, "rest_of_table": 0, "projector": 0}
        duplicates = 0
        expected = set()
        for rec in records:
            state, info = rec["state"], rec["basket"]
            if state is None:
                continue
            expected.add(state)
            for sock in [*self.sockets, self.projector]:
                if sock.table not in (info.table, -1):
                    continue
                if sock.table < 0:
                    audience, key = projector, "projector"
                elif sock.territory in info.sides:
                    audience, key = same, "same_basket"
                else:
                    audience, key = rest, "rest_of_table"
                seen = sock.seen.get(state)
                if seen is None:
                    missing[key] += 1
                else:
                    audience.append((seen[0] - rec["t0"]) * 1000)
                    duplicates += seen[1] - 1
        baskets = {rec["basket"].pk for rec in records}
        unexpected = sum(
            n
            for sock in [*self.sockets, self.projector]
            for state, (_t, n, _b) in sock.seen.items()
            if state[0] in baskets and state not in expected
        )
        return {
            "same_basket": {**summary(same), "missing": missing["same_basket"]},
            "rest_of_table": {**summary(rest), "missing": missing["rest_of_table"]},
            "projector": {**summary(projector), "missing": missing["projector"]},
            "duplicates": duplicates,
            "unmatched": unexpected,
            "other_tables": sum(s.other_baskets for s in self.sockets),
        }


def fmt(value: float) -> str:
    return f"{value:>8.1f}" if value == value else "       -"


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
            f"{fmt(row['p50'])}{fmt(row['p95'])}{fmt(row['p99'])}"
        )
    print(
        f"    duplicated deliveries {lat['duplicates']}, messages matching no write "
        f"{lat['unmatched']}, messages at phones of other tables {lat['other_tables']} "
        "(all must be 0)"
    )


def plan_rate(baskets: list[BasketInfo], rate: float, seconds: float, skip: set[int]):
    """Round robin over tables, then over each table's baskets."""
    by_table: dict[int, list[BasketInfo]] = {}
    for b in baskets:
        if b.pk not in skip:
            by_table.setdefault(b.table, []).append(b)
    tables = sorted(by_table)
    return [
        by_table[tables[k % len(tables)]][
            (k // len(tables)) % len(by_table[tables[k % len(tables)]])
        ]
        for k in range(round(rate * seconds))
    ]


def cpu_seconds(pids) -> float:
    """User + system CPU the processes used so far (Linux): a cost per write that other
    programs on the machine slow down much less than they do latencies."""
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def count(values) -> dict:
    out: dict = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return dict(sorted(out.items(), key=str))


async def drain(bench: Bench, records: list[dict], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(
            rec["state"] in sock.seen
            for rec in records
            if rec["state"] is not None
            for sock in [*bench.sockets, bench.projector]
            if sock.table in (rec["basket"].table, -1)
        ):
            return
        await asyncio.sleep(0.1)


async def run_bench(args, srv: Servers) -> dict:
    fixture, procs, workers = srv.fixture, srv.procs, len(srv.ports)
    bench = Bench(args, fixture, srv.ports)
    async with http_client(srv) as http:
        per_table = TERRITORIES_PER_TABLE * args.phones
        bench.phones = seat_phones(args.tables * per_table, per_table, workers)
        for phone in bench.phones:
            bench.by_side.setdefault((phone.table, phone.territory), []).append(phone)
        await bounded(16, (join_phone(http, bench, p) for p in bench.phones))
        session = await login_projector(http, bench)
        bench.projector = Socket("projector", -1, -1, 0)
        await bench.open(
            http, bench.projector, f"/ws/w/{fixture.workshop_id}/screen/", f"sessionid={session}"
        )
        for phone in bench.phones:
            sock = Socket(f"phone{phone.index}", phone.table, phone.territory, phone.worker)
            bench.sockets.append(sock)
        await bounded(
            50,
            (
                bench.open(http, sock, f"/ws/j/{fixture.code}/", phone.cookie())
                for sock, phone in zip(bench.sockets, bench.phones, strict=True)
            ),
        )
        baskets = await asyncio.to_thread(basket_map, fixture)
        for b in baskets:
            bench.table_of_basket[b.pk] = b.table
        print(
            f"setup: {len(bench.phones)} phones joined over HTTP, {len(bench.sockets) + 1} "
            f"sockets on {workers} Daphne, {len(baskets)} baskets",
            flush=True,
        )
        await asyncio.sleep(1.0)  # every group_add settled

        # Warm-up, untimed: each worker's first requests, renders and sends pay for cold
        # code and connections.
        warm = baskets[-1]
        for k in range(3 * workers):
            await bench.write(http, warm, f"Échauffement {k}", op="create")
        await asyncio.sleep(0.5)

        database = "PostgreSQL" if args.database_url else "SQLite"
        layer = f"Redis {args.layer}" if args.redis_url else "in-memory"
        results: dict = {
            "machine": describe_machine(),
            "database": database,
            "layer": layer,
            "workers": workers,
            "sockets": len(bench.sockets) + 1,
        }
        print()
        print(
            f"== baskets over HTTP: {args.tables} tables x 3 territories x {args.phones} phones "
            f"= {len(bench.sockets)} phone sockets + 1 projector; {database} + {layer} layer; "
            f"{workers} Daphne =="
        )
        print(f"  machine: {describe_machine()}; the client and the servers share these CPUs")

        def load() -> str:
            return ", ".join(f"{x:.1f}" for x in os.getloadavg())

        print(f"  load average before: {load()}")
        results["load_before"] = os.getloadavg()

        # 1. growth: one basket, 1 -> N transactions, bytes per message.
        grown = baskets[0]
        records = []

        async def grow(k: int) -> None:
            records.append(await bench.write(http, grown, f"Croissance n°{k}", op="create"))

        await paced(args.growth, 2.0, args.growth, grow)
        await drain(bench, records, 3)
        sizes = []
        for rec in sorted(records, key=lambda r: r["transactions"]):
            if rec["state"] is None:
                continue
            phone_sizes = [
                s.seen[rec["state"]][2]
                for s in bench.sockets
                if s.table == grown.table and rec["state"] in s.seen
            ]
            projector = bench.projector.seen.get(rec["state"])
            sizes.append(
                {
                    "transactions": rec["transactions"],
                    "projector_bytes": projector[2] if projector else None,
                    "phone_bytes": max(phone_sizes, default=None),
                }
            )
        results["growth"] = sizes
        growth_statuses = count(rec["status"] for rec in records)
        print(
            f"  bytes per message as one basket grows (the write + the table's warnings; "
            f"HTTP statuses {growth_statuses}):"
        )
        for row in sizes:
            if row["transactions"] in (1, 2, 5, 10, 15, 20) or row is sizes[-1]:
                print(
                    f"    {row['transactions']:>3} transactions: projector "
                    f"{row['projector_bytes']} B, phone {row['phone_bytes']} B"
                )

        # 2. the rates.
        results["rates"] = []
        for rate in args.rates:
            plan = plan_rate(baskets, rate, args.seconds, skip={grown.pk, warm.pk})
            records = []
            waits = 0
            for sock in [*bench.sockets, bench.projector]:  # this rate's messages only
                sock.seen, sock.other_baskets = {}, 0

            async def send(k: int, plan=plan, records=records) -> None:
                nonlocal waits
                basket = plan[k]
                waits += basket.lock.locked()
                records.append(await bench.write(http, basket, f"Contrepartie n°{k}"))

            before = await bench.stats(http)
            cpu0 = cpu_seconds(p.pid for p in procs), time.process_time()
            sent, seconds = await paced(len(plan), rate, args.seconds + 5, send)
            await drain(bench, records, args.drain_seconds)
            cpu = cpu_seconds(p.pid for p in procs) - cpu0[0], time.process_time() - cpu0[1]
            after = await bench.stats(http)
            lat = bench.latencies(records)
            counters = {
                name: after.get(name, 0) - before.get(name, 0)
                for name in ("basket_renders", "basket_broadcasts", "broadcast_failures")
            }
            statuses = count(rec["status"] for rec in records)
            ops = count(rec["op"] for rec in records)
            # Every answer reuses its broadcast's HTML: renders count broadcasts only.
            per_broadcast = (
                counters["basket_renders"] / counters["basket_broadcasts"]
                if counters["basket_broadcasts"]
                else float("nan")
            )
            post_ms = summary([rec["ms"] for rec in records])
            projector_bytes = summary(
                [
                    bench.projector.seen[r["state"]][2]
                    for r in records
                    if r["state"] in bench.projector.seen
                ]
            )
            print(
                f"  rate {rate:g}/s: {sent} POSTs in {seconds:.1f} s {ops}, HTTP statuses "
                f"{statuses}; POST round trip p50 {post_ms['p50']:.1f} ms, p95 "
                f"{post_ms['p95']:.1f} ms, p99 {post_ms['p99']:.1f} ms; {waits} waited for "
                f"the previous write to their basket; load average {load()}"
            )
            print(
                f"    CPU per write: Daphne {cpu[0] / sent * 1000:.1f} ms (the request, its "
                f"broadcast and the sends to the sockets), this bench's client "
                f"{cpu[1] / sent * 1000:.1f} ms"
            )
            print_latencies("POST start -> first message with the write", lat)
            print(
                f"    renders per broadcast: {counters['basket_renders']} basket renders "
                f"/ {counters['basket_broadcasts']} broadcasts "
                f"= {per_broadcast:.2f} (must be 1.00); broadcast failures "
                f"{counters['broadcast_failures']}; message bytes at the projector p50 "
                f"{projector_bytes['p50']:.0f}, max {projector_bytes['max']:.0f}"
            )
            results["rates"].append(
                {
                    "rate": rate,
                    "writes": sent,
                    "ops": ops,
                    "statuses": statuses,
                    "post_ms": post_ms,
                    "latency": lat,
                    "counters": counters,
                    "renders_per_broadcast": per_broadcast,
                    "message_bytes": projector_bytes,
                    "load": os.getloadavg(),
                    "daphne_cpu_ms_per_write": cpu[0] / sent * 1000,
                    "client_cpu_ms_per_write": cpu[1] / sent * 1000,
                }
            )
            await asyncio.sleep(0.5)
        untokened = sum(s.untokened for s in [*bench.sockets, bench.projector])
        print(f"  messages without a basket (consoles' nudges do not reach these): {untokened}")
        await close_sockets((s.ws for s in [bench.projector, *bench.sockets]), bench.readers)
    return results


def main() -> int:
    args = parse_args()
    with servers(args, prefix="paniers-bench-baskets-") as s:
        negotiation_setup(s.fixture)
        finish(args, s, asyncio.run(run_bench(args, s)))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
