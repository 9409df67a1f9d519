"""The projector under a busy room: a real Daphne, a real Chromium as the projector.

One Daphne (the embedded default: SQLite in a temp dir, in-memory channel layer) serves a
4-territory x 4-table workshop. Chromium, driven by Playwright at 1920x1080, is the
projector on the all-tables board; phones are plain HTTP + websocket clients (bench/fanout.py's
``join_phone``), each with its own session. Everything runs on this machine, as in a room
where the facilitator's laptop is both the server and the projector.

1. **post-its**: the phones write ``--postits`` post-its (150) at ``--rate`` a second (4),
   round robin over the sub-groups, through the real compose view. Each text carries a token
   (``bnchp<seq>z``); a MutationObserver on the projector notes when each token first enters
   its DOM. Latency = that instant - the instant the POST was sent (one clock: loopback).
2. **baskets**: the workshop moves to its negotiation phase, the projector shows every
   table's baskets (``/w/<pk>/baskets/tables/``) and the phones write ``--basket-writes``
   transactions through the baskets' POST views.

For each message the projector receives it notes its bytes, the post-its then on its board,
the script time of handling it (the message's own task, plus the animation frames it asked
for), and the browser's long tasks (PerformanceObserver 'longtask': every task over 50 ms,
whatever ran in it). Bounded: ``--max-seconds`` in all, loopback only, stops by itself.

    python bench/projector.py
    python bench/projector.py --postits 60 --rate 2

Figures: docs/performance.md, "Projector under a busy room".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import aiohttp
from fanout import (
    HTTP_TIMEOUT,
    Phone,
    describe_machine,
    free_port,
    join_phone,
    log_tail,
    login_projector,
    server_env,
    start_daphne,
    stop_process,
    summary,
    wait_ready,
)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# With the demo's three territories (workshops/demo.py): the region's longest name.
LONGEST_TERRITORY = ("Communauté de communes du Kreiz-Breizh", "CCKB")
TEXTS = [
    "Méthanisation agricole",
    "Bois-énergie local et chaufferies collectives",
    "Circuits courts pour les cantines",
    "Accès aux soins",
    "Logements pour les saisonniers",
]
# Runs in the projector's page before its own scripts: what arrived, when, at what cost.
INSTRUMENT = r"""
(() => {
  const bench = window.__bench = { messages: [], longTasks: [], seen: {}, current: null };
  const now = () => performance.timeOrigin + performance.now();
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (error) { bench.noLongTasks = String(error); }
  const TOKEN = /bnch([pt])(\d+)z/g;
  new MutationObserver((records) => {
    const at = now();
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        for (const match of node.textContent.matchAll(TOKEN)) {
          const key = match[1] + match[2];
          if (!(key in bench.seen)) bench.seen[key] = at;
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener("htmx:wsBeforeMessage", (event) => {
    const message = {
      start: performance.now(), bytes: new Blob([event.detail.message]).size,
      postits: document.querySelectorAll("#board .postit").length, sync: 0, frames: 0,
      kind: /id="(basket|gauge)-|class="basket/.test(event.detail.message) ? "basket" : "other",
    };
    if (message.kind !== "basket" && /bnchp\d+z/.test(event.detail.message)) message.kind = "postit";
    bench.messages.push(message);
    bench.current = message;
  }, true);
  document.addEventListener("htmx:wsAfterMessage", () => {
    const message = bench.current;
    if (message) message.sync = performance.now() - message.start;
  });
  // The work a message schedules for the next frame (the board's fit) counts as its own.
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => request((stamp) => {
    const start = performance.now();
    try { callback(stamp); } finally {
      if (bench.current) bench.current.frames += performance.now() - start;
    }
  });
})();
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=4)
    parser.add_argument("--phones", type=int, default=24, help="phone sockets in all")
    parser.add_argument("--postits", type=int, default=150)
    parser.add_argument("--rate", type=float, default=4.0, help="post-its per second")
    parser.add_argument("--basket-writes", type=int, default=40)
    parser.add_argument("--basket-rate", type=float, default=2.0)
    parser.add_argument("--drain-seconds", type=float, default=8.0)
    parser.add_argument("--max-seconds", type=float, default=420.0, help="the whole run, at most")
    args = parser.parse_args(argv)
    # fanout's server_env reads these
    args.redis_url, args.layer, args.workers = "", "core", 1
    return args


# --- the workshop, in this process, before any event loop runs ----------------------


def build_workshop(env: dict[str, str], tables: int) -> dict:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import secrets

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    from territories.models import Territory
    from workshops import demo, phases, services

    call_command("migrate", verbosity=0, interactive=False)
    password = secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user("bench-facilitator", password=password)
    names = [(t["name"], t["short_name"]) for t in demo.TERRITORIES] + [LONGEST_TERRITORY]
    territories = [
        Territory.objects.create(name=name, short_name=short, kind="pays") for name, short in names
    ]
    workshop = services.workshop_create(
        created_by=user, title="Banc d'essai du projecteur", territories=territories,
        table_count=tables,
    )  # fmt: skip
    phases.clock_command(workshop, phases.ClockCommand.START)
    fixture = {
        "workshop_id": workshop.pk,
        "code": workshop.code,
        "username": user.username,
        "password": password,
        "table_ids": list(workshop.tables.order_by("number").values_list("pk", flat=True)),
        "territory_ids": [t.pk for t in territories],
    }
    connections.close_all()
    return fixture


def to_negotiation(workshop_id: int) -> dict:
    """In a thread (no event loop there): the negotiation phase, its baskets and post-its."""
    from django.db import connections

    from baskets.models import Basket
    from baskets.services import ensure_baskets
    from workshops import phases
    from workshops.models import Phase, PostIt, Workshop

    workshop = Workshop.objects.get(pk=workshop_id)
    phase = workshop.phases.get(kind=Phase.Kind.NEGOTIATION)
    phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase)
    ensure_baskets(workshop)
    postits: dict[tuple[int, str], list[int]] = {}
    for p in PostIt.objects.filter(subgroup__table__workshop_id=workshop_id).order_by("pk"):
        postits.setdefault((p.subgroup_id, p.kind), []).append(p.pk)
    baskets = []
    for basket in Basket.objects.filter(table__workshop_id=workshop_id).select_related(
        "side_a", "side_b", "table"
    ):
        sides = (basket.side_a, basket.side_b)
        if all(postits.get((s.pk, "offer")) and postits.get((s.pk, "need")) for s in sides):
            baskets.append(
                {
                    "pk": basket.pk,
                    "table_id": basket.table_id,
                    "territories": [s.territory_id for s in sides],
                    "offers": [postits[(s.pk, "offer")] for s in sides],
                    "needs": [postits[(s.pk, "need")] for s in sides],
                }
            )
    connections.close_all()
    return {"baskets": baskets}


# --- the run ------------------------------------------------------------------------


class Room:
    """What fanout's join_phone and login_projector read: the workshop, the server."""

    def __init__(self, fixture: dict, port: int):
        self.fixture, self.port = SimpleNamespace(**fixture), port
        self.sent: dict[str, float] = {}  # token key -> epoch ms the POST was sent
        self.statuses: dict[int, int] = {}

    def base(self, worker: int = 0) -> str:
        return f"http://127.0.0.1:{self.port}"


async def post(http, room: Room, phone: Phone, path: str, data) -> int:
    base = room.base()
    headers = phone.htmx_headers(origin=base)
    try:
        async with http.post(f"{base}{path}", data=data, headers=headers) as response:
            await response.read()
            return response.status
    except (TimeoutError, aiohttp.ClientError):
        return -1


async def paced(count: int, rate: float, send) -> None:
    start = time.monotonic()
    tasks = []
    for k in range(count):
        delay = start + k / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(k)))
    if tasks:
        await asyncio.wait(tasks, timeout=60)


async def read_socket(ws) -> None:
    async for msg in ws:  # phones only need to be there, as a room's are
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
            break


async def run(args, fixture: dict, port: int, proc, log: Path) -> dict:
    from playwright.async_api import async_playwright

    room = Room(fixture, port)
    code = fixture["code"]
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(), timeout=HTTP_TIMEOUT
    ) as http:
        await wait_ready(http, port, proc, log)
        seats = [(t, s) for t in range(args.tables) for s in range(len(fixture["territory_ids"]))]
        phones = [
            Phone(index=i, table=seats[i % len(seats)][0], territory=seats[i % len(seats)][1],
                  worker=0)
            for i in range(max(args.phones, len(seats)))
        ]  # fmt: skip
        for phone in phones:
            await join_phone(http, room, phone)
        sockets = []
        for phone in phones:
            ws = await http.ws_connect(
                f"ws://127.0.0.1:{port}/ws/j/{code}/",
                headers={"Cookie": phone.cookie(), "Origin": room.base()},
            )
            sockets.append(asyncio.create_task(read_socket(ws)))
        session = await login_projector(http, room)

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            context = await browser.new_context(
                viewport={"width": 1920, "height": 1080}, locale="fr-FR"
            )
            await context.add_cookies([{"name": "sessionid", "value": session, "url": room.base()}])
            await context.add_init_script(INSTRUMENT)
            page = await context.new_page()
            await page.goto(f"{room.base()}/w/{fixture['workshop_id']}/projector/")
            await page.wait_for_function("document.body.dataset.live === 'on'", timeout=30_000)
            await page.wait_for_function("document.getElementById('board').dataset.pages")
            await asyncio.sleep(1.0)
            await page.evaluate(
                "() => { window.__bench.messages = []; window.__bench.longTasks = []; }"
            )
            print(f"setup: {len(phones)} phones, projector live at 1920x1080", flush=True)

            # 1. post-its
            async def write_postit(k: int) -> None:
                phone = phones[k % len(phones)]
                key = f"p{k}"
                data = {
                    # every sub-group gets offers and needs (phones write in turn)
                    "kind": ("offer", "need")[(k + k // len(phones)) % 2],
                    "text": f"{TEXTS[k % len(TEXTS)]} bnchp{k}z",
                    "theme": "",
                }
                room.sent[key] = time.time() * 1000
                room.statuses[k] = await post(http, room, phone, f"/j/{code}/postits/", data)

            started = time.monotonic()
            await paced(args.postits, args.rate, write_postit)
            deadline = time.monotonic() + args.drain_seconds
            while time.monotonic() < deadline:
                seen = await page.evaluate("Object.keys(window.__bench.seen).length")
                if seen >= len(room.sent):
                    break
                await asyncio.sleep(0.25)
            postit_seconds = time.monotonic() - started
            postit_data = await page.evaluate(
                "() => ({messages: window.__bench.messages, longTasks: window.__bench.longTasks,"
                " seen: window.__bench.seen, pages: document.getElementById('board').dataset.pages,"
                " layouts: document.getElementById('board').dataset.layouts || ''})"
            )

            # 2. baskets
            negotiation = await asyncio.to_thread(to_negotiation, fixture["workshop_id"])
            await page.goto(f"{room.base()}/w/{fixture['workshop_id']}/baskets/tables/")
            await page.wait_for_function("document.body.dataset.live === 'on'", timeout=30_000)
            await asyncio.sleep(1.5)
            await page.evaluate(
                "() => { window.__bench.messages = []; window.__bench.longTasks = []; }"
            )
            by_side = {}
            for phone in phones:
                by_side.setdefault(
                    (fixture["table_ids"][phone.table], fixture["territory_ids"][phone.territory]),
                    [],
                ).append(phone)
            baskets = negotiation["baskets"]
            basket_statuses = []
            transactions_sent: dict[str, float] = {}  # token key -> epoch ms the POST was sent

            async def write_transaction(k: int) -> None:
                if not baskets:
                    return
                basket = baskets[k % len(baskets)]
                giver = (k // len(baskets)) % 2
                phone = by_side[(basket["table_id"], basket["territories"][giver])][0]
                offers, needs = basket["offers"][giver], basket["needs"][1 - giver]
                data = [
                    ("offer", str(offers[k % len(offers)])),
                    ("needs", str(needs[k % len(needs)])),
                    ("note", f"Échange du banc bncht{k}z"),
                    ("score", str(1 + k % 5)),
                    ("client_id", str(uuid.uuid4())),
                ]
                path = f"/j/{code}/baskets/{basket['pk']}/add/"
                transactions_sent[f"t{k}"] = time.time() * 1000
                basket_statuses.append(await post(http, room, phone, path, data))

            await paced(args.basket_writes, args.basket_rate, write_transaction)
            # Late messages: until none came for 2 s, or the drain's time is out.
            deadline, count, quiet = time.monotonic() + args.drain_seconds, -1, 0.0
            while time.monotonic() < deadline and quiet < 2.0:
                now = await page.evaluate("window.__bench.messages.length")
                quiet = quiet + 0.25 if now == count else 0.0
                count = now
                await asyncio.sleep(0.25)
            basket_data = await page.evaluate(
                "() => ({messages: window.__bench.messages, longTasks: window.__bench.longTasks,"
                " seen: window.__bench.seen,"
                " layouts: document.getElementById('baskets-screen').dataset.layouts})"
            )
            await browser.close()
        for task in sockets:
            task.cancel()
    return {
        "postits": postit_data,
        "baskets": basket_data,
        "sent": room.sent,
        "statuses": room.statuses,
        "basket_statuses": basket_statuses,
        "transactions_sent": transactions_sent,
        "baskets_ready": len(baskets),
        "postit_seconds": postit_seconds,
    }


def ms(value: float) -> str:
    return "-" if value != value else f"{value:.0f}"


def print_costs(title: str, data: dict) -> None:
    messages = data["messages"]
    per_message = [m["sync"] + m["frames"] for m in messages]
    cost = summary(per_message)
    print(f"\n{title}: {len(messages)} messages at the projector")
    print(
        f"  script per message (its task + the frames it asked for), ms:"
        f" p50 {ms(cost['p50'])}  p95 {ms(cost['p95'])}  max {ms(cost['max'])}"
    )
    tasks = [duration for _start, duration in data["longTasks"]]
    total = sum(tasks)
    per_update = total / len(messages) if messages else float("nan")
    longs = summary(tasks)
    print(
        f"  long tasks (>50 ms): {len(tasks)}, {total:.0f} ms in all, {per_update:.0f} ms per"
        f" message; p50 {ms(longs['p50'])}  p95 {ms(longs['p95'])}  max {ms(longs['max'])}"
    )


def print_bytes(title: str, messages: list[dict], key: str) -> None:
    buckets: dict[int, list[int]] = {}
    for m in messages:
        buckets.setdefault(m[key] // 25 * 25, []).append(m["bytes"])
    print(f"  bytes per {title} message against the board's post-its:")
    for start in sorted(buckets):
        sizes = sorted(buckets[start])
        print(
            f"    {start:>3}-{start + 24:<3} post-its: {len(sizes):>3} messages,"
            f" median {sizes[len(sizes) // 2]} B, max {sizes[-1]} B"
        )


def report(args, result: dict, load_before, load_after) -> None:
    print(f"\nmachine: {describe_machine()}")
    print(f"load average before: {load_before}, after: {load_after}")
    statuses = result["statuses"]
    ok = sum(1 for s in statuses.values() if s == 200)
    print(
        f"\npost-its: {len(statuses)} sent at {args.rate}/s ({ok} answered 200) in"
        f" {result['postit_seconds']:.0f} s, by {args.phones} phones"
    )
    data = result["postits"]
    seen, sent = data["seen"], result["sent"]
    lat = [seen[k] - sent[k] for k in sent if k in seen]
    order = sorted(sent, key=lambda k: sent[k])
    late_board = [seen[k] - sent[k] for k in order[100:] if k in seen]
    missing = len(sent) - len(lat)
    for name, values in (("all", lat), ("the 101st on (100+ on the board)", late_board)):
        s = summary(values)
        print(
            f"  post-it -> projector DOM, {name}: p50 {ms(s['p50'])} ms  p95 {ms(s['p95'])} ms"
            f"  max {ms(s['max'])} ms  (n={s['n']}; over 1 s: {sum(v > 1000 for v in values)})"
        )
    print(f"  never seen on the projector: {missing}; board pages at the end: {data['pages']}")
    if data.get("layouts"):
        print(f"  whole-board layout passes: {data['layouts']}")
    print_costs("post-its", data)
    print_bytes("post-it", [m for m in data["messages"] if m["kind"] == "postit"], "postits")
    print(
        f"\nbaskets: {len(result['basket_statuses'])} transactions at {args.basket_rate}/s"
        f" ({sum(s == 200 for s in result['basket_statuses'])} answered 200), over the"
        f" {result['baskets_ready']} baskets whose two sides have offers and needs"
    )
    data = result["baskets"]
    seen, sent = data.get("seen", {}), result["transactions_sent"]
    lat = [seen[k] - sent[k] for k in sent if k in seen]
    s = summary(lat)
    print(
        f"  transaction -> projector DOM: p50 {ms(s['p50'])} ms  p95 {ms(s['p95'])} ms"
        f"  max {ms(s['max'])} ms  (n={s['n']}; over 1 s: {sum(v > 1000 for v in lat)};"
        f" never seen: {len(sent) - len(lat)})"
    )
    if data.get("layouts"):
        print(f"  table layouts (#baskets-screen[data-layouts]): {data['layouts']}")
    print_costs("baskets", data)
    messages = [m for m in data["messages"] if m["kind"] == "basket"]
    sizes = sorted(m["bytes"] for m in messages)
    if sizes:
        print(
            f"  bytes per basket message: median {sizes[len(sizes) // 2]} B, max {sizes[-1]} B"
            f" ({len(sizes)} messages)"
        )
        # Against the transactions already written: the message should not grow with them.
        first = sorted(m["bytes"] for m in messages[: len(messages) // 2])
        last = sorted(m["bytes"] for m in messages[len(messages) // 2 :])
        for name, part in (("first half", first), ("second half", last)):
            if part:
                print(f"    {name}: median {part[len(part) // 2]} B, max {part[-1]} B")


def main() -> int:
    args = parse_args()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    tmp = Path(tempfile.mkdtemp(prefix="paniers-bench-projector-"))
    proc = None
    try:
        env = server_env(args, f"sqlite:///{tmp / 'bench.sqlite3'}", tmp)
        fixture = build_workshop(env, args.tables)
        port = free_port()
        log = tmp / "daphne.log"
        proc = start_daphne(port, env, log)
        try:
            result = asyncio.run(
                asyncio.wait_for(run(args, fixture, port, proc, log), args.max_seconds)
            )
        except Exception:
            print(log_tail(log), file=sys.stderr)
            raise
        load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
        report(args, result, load_before, load_after)
    finally:
        if proc is not None:
            stop_process(proc)
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
