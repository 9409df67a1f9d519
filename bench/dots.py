"""Sticky dots, the burstiest minute of a workshop, against a real Daphne on loopback.

It reuses bench/fanout.py's room (throwaway database, Daphne processes, phones joining
over HTTP with their own sessions, a logged-in facilitator's projector socket): T
tables x 3 territories, a basket per pair of territories at each table with one
transaction each way, the workshop moved to its plenary, voting open and the results
shown (so that every chart the projector gets carries its bars). Then ``--phones``
phones (300) each spend ``--dots`` dots (3) through the real HTTP view, at moments
spread evenly over ``--seconds`` (30), on items drawn at random within the per-item
cap: 900 POSTs in 30 s.

Measured:

- **vote → projector chart**: every chart carries the total of dots at its render
  (``data-total``). A vote answered k-th (k votes answered so far, itself included)
  has reached the projector once a chart with a total of k or more arrived: its
  latency is that arrival minus the moment the vote was sent. (Each vote's own broadcast
  is sent at its commit, before its HTTP answer: that chart includes it.)
- **renders per broadcast**: the server's ``workshops.stats`` counters
  (``plenary_chart_renders`` / ``plenary_chart_broadcasts``).
- **votes lost or double-counted**: the dots in the database against the votes answered
  200, the last chart's total against both, and any voter with more dots than the budget
  (all must agree; 0 lost, 0 extra).

    python bench/dots.py
    python bench/dots.py --redis-url redis://127.0.0.1:6379/0 \\
        --database-url postgres://postgres@127.0.0.1:5432/paniers_bench

Everything is bounded: ``--seconds`` of voting, ``--drain-seconds`` of waiting for the
last charts, HTTP timeouts. Figures: docs/performance.md, "Sticky dots".
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from dataclasses import dataclass, field

import aiohttp
from fanout import (
    Phone,
    Room,
    Servers,
    append_json,
    bounded,
    describe_machine,
    http_client,
    join_phone,
    login_projector,
    parse_with_server_args,
    servers,
    summary,
)

VOTE_TIMEOUT = aiohttp.ClientTimeout(total=90)  # a slow answer is measured, not dropped
TOTAL = re.compile(r'id="plenary-chart"[^>]*data-total="(\d+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10)
    parser.add_argument("--phones", type=int, default=300, help="voters in all")
    parser.add_argument("--dots", type=int, default=3, help="dots each")
    parser.add_argument("--seconds", type=float, default=30.0, help="the votes spread over this")
    parser.add_argument("--drain-seconds", type=float, default=10.0)
    parser.add_argument("--join-concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    return parse_with_server_args(parser, argv)


def plenary_setup(fixture) -> list[str]:
    """Baskets with a transaction each way, the plenary phase, voting open, results shown;
    the items a dot can go on ("b<pk>", "t<pk>")."""
    from django.db import connections

    from baskets import services as baskets
    from baskets.models import Basket
    from plenary import services as plenary
    from workshops import phases
    from workshops import services as room
    from workshops.models import Phase, Workshop

    workshop = Workshop.objects.get(pk=fixture.workshop_id)
    phase = workshop.phases.get(kind=Phase.Kind.NEGOTIATION)
    workshop = phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase)
    baskets.ensure_baskets(workshop)
    items = []
    for basket in Basket.objects.filter(table__workshop=workshop).select_related(
        "table__workshop", "side_a", "side_b"
    ):
        items.append(f"b{basket.pk}")
        for giver in (basket.side_a, basket.side_b):
            offer = room.postit_create(
                subgroup=giver, author=None, kind="offer", text=f"Offre du banc {basket.pk}"
            )
            made = baskets.transaction_create(basket=basket, by=None, giver=giver, offer=offer)
            items.append(f"t{made.pk}")
    phase = workshop.phases.get(kind=Phase.Kind.PLENARY)
    workshop = phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase)
    plenary.voting_set(workshop=workshop, open_=True)
    plenary.results_set(workshop=workshop, shown=True)
    connections.close_all()
    return items


def database_check(fixture, dots_each: int) -> dict:
    from django.db import connections
    from django.db.models import Count

    from plenary.models import Dot

    dots = Dot.objects.filter(participant__workshop_id=fixture.workshop_id)
    per_voter = list(dots.values("participant").annotate(n=Count("id")).values_list("n", flat=True))
    result = {"dots": dots.count(), "over_budget": sum(n > dots_each for n in per_voter)}
    connections.close_all()
    return result


@dataclass
class Vote:
    phone: Phone
    item: str
    at: float  # seconds after the start
    sent: float = 0.0
    answered: float = 0.0
    status: int = 0
    rank: int = 0  # k-th answered 200


@dataclass
class Projector:
    charts: list[tuple[float, int]] = field(default_factory=list)  # (arrival, total)
    ws: aiohttp.ClientWebSocketResponse | None = None

    async def read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            if match := TOTAL.search(msg.data):
                self.charts.append((time.monotonic(), int(match.group(1))))


def plan(args, phones: list[Phone], items: list[str]) -> list[Vote]:
    rng = random.Random(args.seed)
    votes = []
    for phone in phones:
        chosen: list[str] = []
        while len(chosen) < args.dots:
            item = rng.choice(items)
            if chosen.count(item) < 2:
                chosen.append(item)
        votes += [Vote(phone, item, 0.0) for item in chosen]
    rng.shuffle(votes)
    step = args.seconds / len(votes)
    for n, vote in enumerate(votes):
        vote.at = n * step
    return votes


async def stats(http, room: Room) -> dict:
    total: dict[str, int] = {}
    for worker in range(len(room.ports)):
        async with http.get(f"{room.base(worker)}/__stats__/") as response:
            for key, value in (await response.json()).items():
                if isinstance(value, int):
                    total[key] = total.get(key, 0) + value
    return total


async def run_bench(args, srv: Servers, items: list[str]) -> dict:
    fixture = srv.fixture
    room = Room(args, fixture, srv.ports)
    async with http_client(srv, timeout=VOTE_TIMEOUT) as http:
        workers = len(srv.ports)
        room.phones = [
            Phone(
                index=i, table=i % args.tables, territory=(i // args.tables) % 3, worker=i % workers
            )
            for i in range(args.phones)
        ]
        t0 = time.monotonic()
        await bounded(args.join_concurrency, (join_phone(http, room, p) for p in room.phones))
        print(
            f"setup: {len(room.phones)} phones joined in {time.monotonic() - t0:.1f} s", flush=True
        )
        session = await login_projector(http, room)
        projector = Projector()
        projector.ws = await http.ws_connect(
            f"{room.ws_base(0)}/ws/w/{fixture.workshop_id}/screen/",
            headers={"Cookie": f"sessionid={session}", "Origin": room.base(0)},
        )
        reader = asyncio.create_task(projector.read())
        await asyncio.sleep(1.0)
        before = await stats(http, room)

        votes = plan(args, room.phones, items)
        answered = 0

        async def send(vote: Vote) -> None:
            nonlocal answered
            phone = vote.phone
            headers = phone.htmx_headers()
            url = f"{room.base(phone.worker)}/j/{fixture.code}/plenary/dot/"
            vote.sent = time.monotonic()
            try:
                async with http.post(url, data={"item": vote.item}, headers=headers) as response:
                    await response.read()
                    vote.status = response.status
            except (TimeoutError, aiohttp.ClientError):
                vote.status = -1
            vote.answered = time.monotonic()
            if vote.status == 200:
                answered += 1
                vote.rank = answered

        start = time.monotonic()
        tasks = []
        for vote in votes:
            delay = start + vote.at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(vote)))
        await asyncio.wait(tasks, timeout=120)
        voting_seconds = time.monotonic() - start
        deadline = time.monotonic() + args.drain_seconds
        while time.monotonic() < deadline and (
            not projector.charts or projector.charts[-1][1] < answered
        ):
            await asyncio.sleep(0.05)
        after = await stats(http, room)
        await projector.ws.close()
        await asyncio.wait([reader], timeout=5)

    latencies, missing = [], 0
    for vote in votes:
        if vote.status != 200:
            continue
        seen = next(
            (t for t, total in projector.charts if total >= vote.rank and t >= vote.sent), None
        )
        if seen is None:
            missing += 1
        else:
            latencies.append((seen - vote.sent) * 1000)
    http_ms = [(v.answered - v.sent) * 1000 for v in votes if v.status == 200]
    statuses: dict[str, int] = {}
    for vote in votes:
        statuses[str(vote.status)] = statuses.get(str(vote.status), 0) + 1
    renders = after.get("plenary_chart_renders", 0) - before.get("plenary_chart_renders", 0)
    broadcasts = after.get("plenary_chart_broadcasts", 0) - before.get(
        "plenary_chart_broadcasts", 0
    )
    return {
        "phones": args.phones,
        "votes": len(votes),
        "voting_seconds": round(voting_seconds, 1),
        "statuses": statuses,
        "answered_200": answered,
        "http_ms": summary(http_ms),
        "vote_to_chart_ms": summary(latencies),
        "votes_never_on_chart": missing,
        "charts_received": len(projector.charts),
        "last_chart_total": projector.charts[-1][1] if projector.charts else 0,
        "renders": renders,
        "broadcasts": broadcasts,
        "renders_per_broadcast": round(renders / broadcasts, 2) if broadcasts else None,
        "broadcast_failures": after.get("broadcast_failures", 0)
        - before.get("broadcast_failures", 0),
        "chart_failures": after.get("plenary_chart_failures", 0)
        - before.get("plenary_chart_failures", 0),
        "machine": describe_machine(),
        "failure_kinds": {
            k: v for k, v in after.items() if k.startswith("plenary_chart_failures:")
        },
    }


def main() -> int:
    args = parse_args()
    with servers(args, prefix="paniers-dots-") as s:
        items = plenary_setup(s.fixture)
        result = asyncio.run(run_bench(args, s, items))
        result.update(database_check(s.fixture, args.dots))
    # A vote whose answer never came (client timeout) may or may not be in: neither lost
    # nor double-counted, and counted apart.
    timeouts = result["statuses"].get("-1", 0)
    result["timeouts"] = timeouts
    result["lost"] = max(result["answered_200"] - result["dots"], 0)
    result["double_counted"] = max(result["dots"] - result["answered_200"] - timeouts, 0)
    result["chart_vs_database"] = result["last_chart_total"] - result["dots"]
    sent = result["broadcasts"]
    result["votes_per_broadcast"] = round(result["answered_200"] / sent, 1) if sent else None
    for key in (
        "phones",
        "votes",
        "voting_seconds",
        "statuses",
        "answered_200",
        "dots",
        "last_chart_total",
        "lost",
        "double_counted",
        "over_budget",
        "timeouts",
        "chart_vs_database",
        "votes_never_on_chart",
        "charts_received",
        "renders",
        "broadcasts",
        "renders_per_broadcast",
        "votes_per_broadcast",
        "broadcast_failures",
        "chart_failures",
    ):
        print(f"{key}: {result[key]}")
    for key in ("http_ms", "vote_to_chart_ms"):
        print(f"{key}: {result[key]}")
    print(result["machine"])
    append_json(args.json_out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
