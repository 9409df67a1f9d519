"""The room's clock end to end: the console drives it, phones and the projector follow.

A real Daphne, Debian's Chromium, a facilitator's laptop and two phones, one of them
with its clock minutes off (its ``Date`` is shifted by an init script), as happens
with phones whose time is set by hand. Every countdown must still match: screens
compute it from the server's deadline and the server's time sent with the state.

Elements are found by name, value, id and data attributes, never by interface text,
so the tests hold in French and in English. Fixture order as in test_live_board.py:
``chromium_path`` first, ``browser`` last, after every database read.
"""

import datetime
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.db import connections
from django.utils import translation

from territories.models import KeyFact, Territory
from tests.conftest import subgroup_of
from tests.e2e.screens import (
    ACTION_TIMEOUT_MS,
    COUNT_OPENS,
    IMG_DIR,
    PHONE,
    PUBLIC_URL,
    RECONNECT_TIMEOUT_MS,
    fill_join_form,
    sign_in,
)
from workshops import phases, services
from workshops.demo import KEY_FACTS, TABLE_1_POSTITS, TERRITORIES
from workshops.models import PostIt, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}
TOLERANCE_S = 1  # the "±1 s" between screens
SHIFT_MS = -7 * 60 * 1000  # the second phone's clock is 7 minutes behind

# Replaces Date so that Date.now() and `new Date()` read SHIFT_MS off; every other use
# of Date (with arguments, Date.UTC, instanceof) behaves as before.
SHIFT_DATE = """
(() => {
  const shift = SHIFT_MS;
  const RealDate = Date;
  function ShiftedDate(...args) {
    if (!new.target) return RealDate();
    return args.length ? new RealDate(...args) : new RealDate(RealDate.now() + shift);
  }
  ShiftedDate.prototype = RealDate.prototype;
  ShiftedDate.now = () => RealDate.now() + shift;
  ShiftedDate.parse = RealDate.parse;
  ShiftedDate.UTC = RealDate.UTC;
  window.Date = ShiftedDate;
})();
""".replace("SHIFT_MS", str(SHIFT_MS))
# What a screen's clock reads now, with this instant on the machine's real clock
# (performance.timeOrigin is not affected by the shifted Date).
READ_CLOCK = """() => {
  const state = window.paniersClock.read();
  return {
    shown: document.querySelector(".countdown").textContent,
    remaining: state ? state.remaining : null,
    real: performance.timeOrigin + performance.now(),
    dateNow: Date.now(),
    newDate: new Date().getTime(),
  };
}"""


@dataclass
class Seat:
    table_id: int
    territory_id: int


@dataclass
class Room:
    pk: int
    code: str
    phase_names: list[str]
    phase_minutes: list[int]
    seats: dict[str, Seat]


def dress_territories() -> None:
    """The demo's colours, sheets and key facts: the screenshots look like a real room."""
    for data in TERRITORIES:
        territory = Territory.objects.get(name=data["name"])
        territory.color, territory.sheet = data["color"], data["sheet"]
        territory.save(update_fields=["color", "sheet"])
        KeyFact.objects.bulk_create(
            KeyFact(territory=territory, position=position, label=label, value=value, source=src)
            for position, (label, value, src) in enumerate(KEY_FACTS[territory.name])
        )


def make_room(owner, territories) -> Workshop:
    """Open (phones can join), no phase started, no grace: time up closes at once."""
    dress_territories()
    with translation.override("fr"):  # phase names, instructions and themes
        workshop = services.workshop_create(
            created_by=owner,
            title="Atelier paniers de coopération",
            event="Rencontres TEPOS — coopérations urbain-rural",
            place="Le Mené",
            territories=territories,
            table_count=3,
            grace_seconds=0,
        )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    table_1 = {s.territory.short_name: s for s in workshop.tables.get(number=1).subgroups.all()}
    for short_name, kind, text, theme in TABLE_1_POSTITS:
        # Straight to the table: a broadcast from here would reach no test server.
        PostIt.objects.create(
            subgroup=table_1[short_name],
            author=None,
            kind=kind,
            text=text,
            theme=theme if theme in workshop.themes else "",
        )
    return workshop


def room_of(workshop: Workshop) -> Room:
    """Everything the browsers need from the database, read before Playwright starts."""
    seats = {}
    for name, (table, short_name) in {"alice": (1, "BM"), "bruno": (1, "PdB")}.items():
        subgroup = subgroup_of(workshop, table, short_name)
        seats[name] = Seat(subgroup.table_id, subgroup.territory_id)
    all_phases = list(workshop.phases.all())
    return Room(
        workshop.pk,
        workshop.code,
        [phase.name for phase in all_phases],
        [phase.duration_minutes for phase in all_phases],
        seats,
    )


@pytest.fixture
def room(owner, territories) -> Room:
    return room_of(make_room(owner, territories))


@pytest.fixture
def running_room(owner, territories) -> Room:
    """Phase 1 running since just now."""
    workshop = make_room(owner, territories)
    return room_of(phases.clock_command(workshop, phases.ClockCommand.START))


@pytest.fixture
def room_one_minute_from_the_end(owner, territories) -> Room:
    """Phase 1 paused with 1:05 left: the console's "−1 min" then "resume" leave 5 s."""
    workshop = make_room(owner, territories)
    workshop = phases.clock_command(workshop, phases.ClockCommand.START)
    workshop = phases.clock_command(workshop, phases.ClockCommand.PAUSE)
    Workshop.objects.filter(pk=workshop.pk).update(
        deadline=workshop.paused_at + datetime.timedelta(seconds=65)
    )
    return room_of(workshop)


def in_a_thread(query):
    """Runs an ORM query while Playwright's event loop runs (Django refuses it in this thread)."""

    def run():
        try:
            return query()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


# Pages ------------------------------------------------------------------------


def facilitator_page(browser, base_url: str, path: str):
    """The facilitator signs in through the login form, which sends them to ``path``."""
    context = browser.new_context(base_url=base_url, **LAPTOP)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(COUNT_OPENS)
    page = context.new_page()
    sign_in(page, path)
    return page


def open_console(browser, base_url: str, room: Room):
    page = facilitator_page(browser, base_url, f"/w/{room.pk}/console/")
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    return page


def join(browser, base_url: str, room: Room, first_name: str, seat: Seat, date_shift=False):
    """A phone scans the QR code, joins its table, and waits for the live view."""
    context = browser.new_context(base_url=base_url, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(COUNT_OPENS)
    if date_shift:
        context.add_init_script(SHIFT_DATE)
    page = context.new_page()
    page.goto(f"/j/{room.code}/")
    fill_join_form(page, first_name, seat.table_id, seat.territory_id)
    return page


def command(console, selector: str) -> None:
    """Clicks a clock button and waits for the server's answer (commands stay in order)."""
    with console.expect_response(lambda r: r.url.endswith("/clock/") and r.ok):
        console.locator(f".clock-controls {selector}").click()


def clock_mode(page, mode: str, timeout: int = ACTION_TIMEOUT_MS) -> None:
    expect(page.locator(".phase-bar")).to_have_attribute("data-clock", mode, timeout=timeout)


def seconds(shown: str) -> int:
    """'12:05' → 725; the console's signed '−0:07' → -7."""
    match = re.fullmatch(r"([−-]?)(\d+):(\d\d)", shown.strip())
    assert match, f"not a countdown: {shown!r}"
    value = int(match[2]) * 60 + int(match[3])
    return -value if match[1] else value


def read_clocks(*pages) -> list[dict]:
    readings = [page.evaluate(READ_CLOCK) for page in pages]
    for reading in readings:
        reading["seconds"] = seconds(reading["shown"])
        # The deadline this screen believes in, on the machine's real clock.
        reading["deadline"] = reading["real"] + reading["remaining"]
    return readings


def assert_same_time(readings: list[dict], report: list[str], label: str) -> None:
    """Shown countdowns within ±1 s (plus the time between two reads, a few ms), and the
    deadlines the screens compute within 1 s of each other."""
    first = readings[0]
    for other in readings[1:]:
        read_later_s = (other["real"] - first["real"]) / 1000
        gap = abs(other["seconds"] - first["seconds"]) - abs(read_later_s)
        assert gap <= TOLERANCE_S, f"{label}: {first['shown']} vs {other['shown']}"
        assert abs(other["deadline"] - first["deadline"]) < TOLERANCE_S * 1000, label
    deadlines = [round(r["deadline"] - first["deadline"]) for r in readings]
    report.append(f"{label}: shown {[r['shown'] for r in readings]}, deadline gaps {deadlines} ms")


def assert_near(shown_s: int, full_s: int, since: float) -> None:
    """A countdown that started from ``full_s`` at ``since`` (time.monotonic()) or a bit later."""
    elapsed_s = time.monotonic() - since
    assert full_s - elapsed_s - TOLERANCE_S <= shown_s <= full_s + TOLERANCE_S, (shown_s, full_s)


def screenshot(page, name: str, scroll_to: float = 0) -> None:
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)
    page.evaluate("y => window.scrollTo(0, y)", scroll_to)
    page.screenshot(path=IMG_DIR / name)


def form_is_open(page) -> None:
    form = page.locator("#postit-form")
    expect(form.locator("textarea[name=text]")).to_be_editable()
    expect(form.locator("[type=submit]")).to_be_enabled()
    expect(form.locator(".gate-message")).to_be_hidden()


def form_is_read_only(page) -> None:
    form = page.locator("#postit-form")
    expect(form.locator("textarea[name=text]")).not_to_be_editable()
    expect(form.locator("[type=submit]")).to_be_disabled()
    expect(form.locator(".gate-message")).to_be_visible()
    expect(form.locator(".gate-message")).not_to_be_empty()


# Forces a post-it through a read-only form, as a stale or tampered page could.
FORCE_POST = """async (text) => {
  const form = document.getElementById("postit-form");
  const data = new FormData(form);
  data.set("text", text);
  const response = await fetch(form.action, {
    method: "POST", body: data, headers: {"HX-Request": "true"}, credentials: "same-origin",
  });
  return response.status;
}"""


# Tests ------------------------------------------------------------------------


def test_it_keeps_every_screen_on_the_same_clock_and_closes_the_forms_on_time(
    chromium_path, room, daphne_factory, browser
):
    daphne = daphne_factory(env={"PUBLIC_URL": PUBLIC_URL})
    report: list[str] = []
    console = open_console(browser, daphne.url, room)
    clock_mode(console, "waiting")

    setup = console.context.new_page()
    setup.goto(f"/w/{room.pk}/setup/")
    expect(setup.locator(".phase-list.setup li")).to_have_count(len(room.phase_names))
    # From the territories down: tables, themes, grace period and the phases fit in view.
    top = setup.locator("input[name=territories]").first.bounding_box()["y"]
    screenshot(setup, "setup.png", scroll_to=top - 80)
    setup.close()

    alice = join(browser, daphne.url, room, "Alice", room.seats["alice"])
    bruno = join(browser, daphne.url, room, "Bruno", room.seats["bruno"], date_shift=True)
    for phone in (alice, bruno):
        clock_mode(phone, "waiting")
        form_is_read_only(phone)  # nothing to write before the first phase starts

    # Bruno's phone really lives 7 minutes in the past.
    a, b = (phone.evaluate(READ_CLOCK) for phone in (alice, bruno))
    assert abs(a["dateNow"] - a["real"]) < 1000
    assert abs(b["dateNow"] - b["real"] - SHIFT_MS) < 1000
    assert abs(b["newDate"] - b["real"] - SHIFT_MS) < 1000
    assert abs(b["dateNow"] - a["dateNow"] - SHIFT_MS) < 5000, (a, b)

    # Start: everyone shows the same countdown, from 30:00 down.
    started = time.monotonic()
    command(console, "button[value=start]")
    for page in (console, alice, bruno):
        clock_mode(page, "running")
        expect(page.locator(".phase-name")).to_have_text(room.phase_names[0])
    form_is_open(alice)
    form_is_open(bruno)
    readings = read_clocks(console, alice, bruno)
    assert_same_time(readings, report, "started")
    assert_near(readings[1]["seconds"], room.phase_minutes[0] * 60, since=started)

    projector = console.context.new_page()
    projector.goto(f"/w/{room.pk}/projector/")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    clock_mode(projector, "running")
    assert_same_time(read_clocks(projector, alice, bruno), report, "projector")
    expect(console.locator("td.subgroup-status .presence.on")).to_have_count(2)
    screenshot(console, "console-running.png")
    screenshot(projector, "projector-phase.png")
    screenshot(alice, "phone-phase.png")
    projector.close()

    # Pause: the countdown freezes on every phone, at the same value.
    command(console, "button[value=pause]")
    for phone in (alice, bruno):
        clock_mode(phone, "paused")
        expect(phone.locator(".clock-note[data-when=paused]")).to_be_visible()
    frozen = [phone.locator(".countdown").inner_text() for phone in (alice, bruno)]
    alice.wait_for_timeout(1500)  # a frozen clock is one that did not move meanwhile
    assert [phone.locator(".countdown").inner_text() for phone in (alice, bruno)] == frozen
    assert frozen[0] == frozen[1]
    report.append(f"paused: {frozen}")

    # +5 min while paused: exactly five more minutes everywhere.
    command(console, "button[name=minutes][value='5']")
    for phone, before in zip((alice, bruno), frozen, strict=True):
        expect(phone.locator(".countdown")).not_to_have_text(before)
        after = seconds(phone.locator(".countdown").inner_text())
        assert abs(after - (seconds(before) + 300)) <= TOLERANCE_S, (before, after)
    clock_mode(alice, "paused")

    # Resume: it goes on from there, the same on every screen.
    resumed = time.monotonic()
    command(console, "button[value=resume]")
    for page in (console, alice, bruno):
        clock_mode(page, "running")
    readings = read_clocks(console, alice, bruno)
    assert_same_time(readings, report, "resumed +5 min")
    assert_near(readings[1]["seconds"], seconds(frozen[0]) + 300, since=resumed)

    # Next phase: the phones switch without reloading, and post-its stay open.
    for phone in (alice, bruno):
        phone.evaluate("window.__marker = 1")
    moved_on = time.monotonic()
    command(console, "button[value=next]")
    for page in (console, alice, bruno):
        expect(page.locator(".phase-name")).to_have_text(room.phase_names[1])
        expect(page.locator(".phase-number")).to_have_text("2")
        clock_mode(page, "running")
    for phone in (alice, bruno):
        assert phone.evaluate("window.__marker") == 1, "the phone reloaded"
        assert phone.evaluate("window.paniersSocketOpens") == 1
        # Post-its stay open, the form folded under the baskets' phase: one tap unfolds it.
        expect(phone.locator("#compose-box")).not_to_have_attribute("open", "")
        phone.locator("#compose-box > summary").click()
        form_is_open(phone)
    readings = read_clocks(console, alice, bruno)
    assert_same_time(readings, report, "phase 2")
    assert_near(readings[1]["seconds"], room.phase_minutes[1] * 60, since=moved_on)
    form = alice.locator("#postit-form")
    form.locator("textarea[name=text]").fill("Un réseau de chaleur partagé")
    form.locator("[type=submit]").click()
    expect(alice.locator("#postit-form textarea[name=text]")).to_have_value("")
    expect(alice.locator("#board")).to_contain_text("Un réseau de chaleur partagé")

    # Alice is typing when time runs out: her form goes read-only, her text stays.
    typed = "Une navette entre la gare et les bourgs"
    alice.locator("#postit-form textarea[name=text]").fill(typed)
    bruno.locator("#postit-form textarea[name=text]").fill("Du bois pour les chaufferies")
    remaining_s = read_clocks(console)[0]["remaining"] / 1000
    for _click in range(int(remaining_s // 300) + 1):
        command(console, "button[name=minutes][value='-5']")
    for page in (console, alice, bruno):
        clock_mode(page, "over")
    for phone in (alice, bruno):
        form_is_read_only(phone)
    expect(alice.locator("#postit-form textarea[name=text]")).to_have_value(typed)
    expect(bruno.locator("#postit-form textarea[name=text]")).to_have_value(
        "Du bois pour les chaufferies"
    )
    expect(alice.locator(".countdown")).to_have_text("0:00")
    expect(console.locator(".countdown")).to_have_text(re.compile(r"^−\d+:\d\d$"))
    screenshot(alice, "phone-time-up.png")

    # A post forced through anyway is refused by the server, and nothing is saved.
    forced = "Envoyé malgré la fin du temps"
    assert alice.evaluate(FORCE_POST, forced) == 409
    assert not in_a_thread(lambda: PostIt.objects.filter(text__in=[forced, typed]).exists())
    expect(alice.locator("#board")).not_to_contain_text(forced)
    expect(alice.locator("#postit-form textarea[name=text]")).to_have_value(typed)

    print("\n".join(f"clock: {line}" for line in report))  # shown with -s, or on failure


def test_it_keeps_the_countdown_through_a_server_restart(
    chromium_path, running_room, daphne, browser
):
    room = running_room
    alice = join(browser, daphne.url, room, "Alice", room.seats["alice"])
    bruno = join(browser, daphne.url, room, "Bruno", room.seats["bruno"], date_shift=True)
    for phone in (alice, bruno):
        clock_mode(phone, "running")
    before = read_clocks(alice, bruno)
    report: list[str] = []
    assert_same_time(before, report, "before the restart")
    states = [
        phone.locator("#phase-state").get_attribute("data-server-now") for phone in (alice, bruno)
    ]

    daphne.restart()
    for phone, state in zip((alice, bruno), states, strict=True):
        expect(phone.locator("body")).to_have_attribute(
            "data-live", "on", timeout=RECONNECT_TIMEOUT_MS
        )
        phone.wait_for_function("window.paniersSocketOpens >= 2", timeout=RECONNECT_TIMEOUT_MS)
        # The state was fetched again from the new process.
        expect(phone.locator("#phase-state")).not_to_have_attribute("data-server-now", state)
        clock_mode(phone, "running")

    after = read_clocks(alice, bruno)
    assert_same_time(after, report, "after the restart")
    for old, new in zip(before, after, strict=True):
        elapsed_s = (new["real"] - old["real"]) / 1000
        assert abs(new["seconds"] - (old["seconds"] - elapsed_s)) <= TOLERANCE_S, (old, new)
        assert abs(new["deadline"] - old["deadline"]) < TOLERANCE_S * 1000
    report.append(
        "deadline moved by the restart: "
        f"{[round(n['deadline'] - o['deadline']) for o, n in zip(before, after, strict=True)]} ms"
    )
    print("\n".join(f"clock: {line}" for line in report))  # shown with -s, or on failure


def test_it_flashes_the_projector_when_the_countdown_crosses_zero(
    chromium_path, room_one_minute_from_the_end, daphne, browser
):
    room = room_one_minute_from_the_end
    projector = facilitator_page(browser, daphne.url, f"/w/{room.pk}/projector/")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    clock_mode(projector, "paused")
    expect(projector.locator(".countdown")).to_have_text("1:05")

    console = projector.context.new_page()
    console.goto(f"/w/{room.pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    command(console, "button[name=minutes][value='-1']")
    expect(projector.locator(".countdown")).to_have_text("0:05")
    command(console, "button[value=resume]")

    clock_mode(projector, "running")
    expect(projector.locator("body")).not_to_have_class(re.compile(r"\btime-up-cue\b"))
    expect(projector.locator("body")).to_have_class(re.compile(r"\btime-up-cue\b"), timeout=15_000)
    clock_mode(projector, "over")
    expect(projector.locator(".countdown")).to_have_text("0:00")
