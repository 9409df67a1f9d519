"""Every page under the Content-Security-Policy, in a real Chromium against a real Daphne.

The policy (config/settings.py) allows no inline script, style or event handler and no
eval. A page that still had one would work in the tests that ignore the console and
break quietly for a user; here every violation the browser reports fails the test: the
``securitypolicyviolation`` events of each page, and any console message about the
policy. The live parts (websockets, the clock, htmx requests, the confirm buttons and
the per-territory colours now set by paniers.js) are exercised under it as well.

Elements are found by name, id and data attributes, never by interface text.
Fixture order as in test_live_board.py: ``chromium_path`` first, ``browser`` last.
"""

import re
from dataclasses import dataclass
from urllib.request import Request, urlopen

import pytest

from tests.conftest import subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, OWNER_PASSWORD, PHONE, fill_join_form
from workshops import phases, services
from workshops.models import Workshop

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = PlaywrightTimeout = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}
POLICY_MESSAGE = re.compile(r"Content.Security.Policy", re.IGNORECASE)
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push([event.violatedDirective, event.blockedURI,
    event.sourceFile + ":" + event.lineNumber, event.sample].join(" "));
});
"""
# Violations are reported in tasks of their own: let those queued so far run first.
READ_VIOLATIONS = """() => new Promise(function (resolve) {
  requestAnimationFrame(function () { setTimeout(function () { resolve(window.cspViolations); }); });
})"""
# Territory colours come as data (not as style attributes) and paniers.js applies them,
# once htmx has settled what it swapped in.
UNDRESSED = """() => Array.from(document.querySelectorAll("[data-territory-color]"))
  .filter(el => el.style.getPropertyValue("--territory") !== el.dataset.territoryColor)
  .map(el => el.outerHTML.slice(0, 120))"""
ALL_DRESSED = f"() => ({UNDRESSED})().length === 0"


@dataclass
class Room:
    pk: int
    code: str
    preparing_code: str
    closed_code: str
    territory_pk: int
    territory_color: str
    seats: dict[str, tuple[int, int, int]]  # name -> table id, territory id, sub-group id


@pytest.fixture
def room(workshop, owner, territories) -> Room:
    """The open workshop (phase 1 running), one not open yet, one closed; the owner may
    edit the territory library and use the admin."""
    owner.is_staff = owner.is_superuser = True
    owner.save(update_fields=["is_staff", "is_superuser"])
    territories[0].color, territories[1].color = "#b5179e", "#2a9d8f"
    for territory in territories[:2]:
        territory.save(update_fields=["color"])
    preparing, closed = (
        services.workshop_create(
            created_by=owner, title=title, territories=territories, table_count=2
        )
        for title in ("Pas encore ouvert", "Déjà fermé")
    )
    phases.set_status(closed, Workshop.Status.CLOSED)
    seats = {}
    for name, short_name in (("alice", "BM"), ("bruno", "PdB")):
        subgroup = subgroup_of(workshop, 1, short_name)
        seats[name] = (subgroup.table_id, subgroup.territory_id, subgroup.pk)
    return Room(
        workshop.pk,
        workshop.code,
        preparing.code,
        closed.code,
        territories[0].pk,
        territories[0].color,
        seats,
    )


class Watched:
    """A browser context whose pages report every policy violation."""

    def __init__(self, browser, base_url: str, **options):
        self.context = browser.new_context(base_url=base_url, **options)
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.messages: list[str] = []
        self.context.on("console", self._console)
        # An uncaught error too: an EvalError is how a blocked eval shows.
        self.context.on("weberror", lambda error: self.messages.append(str(error.error)))
        self.page = self.context.new_page()

    def _console(self, message) -> None:
        if POLICY_MESSAGE.search(message.text):
            self.messages.append(message.text)

    def assert_clean(self, page=None, where: str = "") -> None:
        page = page or self.page
        where = where or page.url
        try:
            page.wait_for_function(ALL_DRESSED)
        except PlaywrightTimeout:
            pytest.fail(f"{where}: colours left unset: {page.evaluate(UNDRESSED)}")
        violations = page.evaluate(READ_VIOLATIONS)
        assert violations == [], f"{where}: {violations}"
        assert self.messages == [], f"{where}: {self.messages}"

    def visit(self, path: str, live: bool = False):
        response = self.page.goto(path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if live:
            expect(self.page.locator("body")).to_have_attribute("data-live", "on")
        self.assert_clean(where=path)


def join_table(phone: Watched, code: str, first_name: str, seat) -> None:
    phone.page.goto(f"/j/{code}/")
    table_id, territory_id, _subgroup_id = seat
    fill_join_form(phone.page, first_name, table_id, territory_id)


def test_every_page_runs_under_the_policy_without_a_violation(
    chromium_path, room, daphne_factory, browser
):
    # The stranger comes through a trusted proxy from an address of their own, so that
    # throttling them does not lock the other phones (all on 127.0.0.1) out.
    server = daphne_factory(env={"JOIN_ATTEMPTS_PER_WINDOW": "1", "TRUSTED_PROXIES": "127.0.0.1"})
    with urlopen(Request(f"{server.url}/", method="HEAD"), timeout=10) as head:
        assert head.status == 200 and "script-src 'self'" in head.headers["Content-Security-Policy"]

    # The detector works: a style attribute set by a page's script is reported.
    canary = Watched(browser, server.url, **PHONE)
    canary.visit("/")
    canary.page.evaluate("document.body.setAttribute('style', 'color: red')")
    assert canary.page.evaluate(READ_VIOLATIONS), "the violation listener heard nothing"
    canary.context.close()

    # A stranger's phone: the join pages, the admin's login, the page for wrong codes.
    stranger = Watched(
        browser, server.url, **PHONE, extra_http_headers={"X-Forwarded-For": "203.0.113.9"}
    )
    stranger.visit("/")
    stranger.visit(f"/j/{room.preparing_code}/")
    stranger.visit(f"/j/{room.closed_code}/")
    stranger.visit(f"/j/{room.code}/")
    stranger.visit("/admin/login/")
    statuses = []
    for _attempt in range(3):  # wrong codes until the join page refuses to look further
        stranger.page.goto("/")
        stranger.page.fill("input[name=code]", "QQQQQQ")  # well formed, unknown
        with stranger.page.expect_response(lambda r: r.request.method == "POST") as answer:
            stranger.page.locator("form:has(input[name=code]) [type=submit]").click()
        statuses.append(answer.value.status)
        stranger.assert_clean(where=f"wrong code, HTTP {statuses[-1]}")
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429, statuses

    # The facilitator's laptop: every page of the workshop and of the library.
    laptop = Watched(browser, server.url, **LAPTOP)
    laptop.visit("/login/")
    laptop.page.fill("#id_username", "owner")
    laptop.page.fill("#id_password", OWNER_PASSWORD)
    laptop.page.locator("form:has(#id_password) [type=submit]").click()
    expect(laptop.page).to_have_url(re.compile(r"/w/$"))
    workshop, territory = f"/w/{room.pk}", f"/territories/{room.territory_pk}"
    for path in (
        "/w/",
        "/w/new/",
        f"{workshop}/",
        f"{workshop}/setup/",
        f"{workshop}/delete/",
        f"{workshop}/exports/",
        f"{workshop}/report/",
        f"{workshop}/report/pdf/",
        f"{workshop}/phases/new/",
        "/territories/",
        "/territories/new/",
        f"{territory}/",
        f"{territory}/edit/",
        "/admin/",
    ):
        laptop.visit(path)
    for path in (
        f"{workshop}/projector/?table=1",
        f"{workshop}/projector/sheets/{room.territory_pk}/",
        f"{workshop}/baskets/tables/1/",
        f"{workshop}/baskets/conditions/tables/",
    ):
        laptop.visit(path, live=True)
    console = laptop.page
    laptop.visit(f"{workshop}/console/", live=True)
    projector = laptop.context.new_page()
    projector.goto(f"{workshop}/projector/")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    laptop.assert_clean(projector)

    # Two phones at table 1.
    alice = Watched(browser, server.url, **PHONE)
    join_table(alice, room.code, "Alice", room.seats["alice"])
    alice.assert_clean(where="Alice's phone")
    bruno = Watched(browser, server.url, **PHONE)
    join_table(bruno, room.code, "Bruno", room.seats["bruno"])
    bruno.assert_clean(where="Bruno's phone")

    # The console's tables refresh when the server says they changed (a custom event
    # now, not an htmx filter that would need eval): both phones show as connected.
    expect(console.locator("td.subgroup-status .presence.on")).to_have_count(2)

    # A post-it travels live; the per-territory colours and "my own post-it" are set by script.
    text = "Cadastre solaire pour tout le Pays de Brest"
    form = alice.page.locator("#postit-form")
    form.locator("label", has=alice.page.locator("input[name=kind][value=offer]")).click()
    form.locator("textarea[name=text]").fill(text)
    form.locator("[type=submit]").click()
    subgroup_id = room.seats["alice"][2]
    for page in (alice.page, bruno.page, projector):
        expect(page.locator(f"#cell-{subgroup_id}-offer article.postit")).to_contain_text(text)
    mine = f"#cell-{subgroup_id}-offer article.postit .postit-own button"
    expect(alice.page.locator(mine).first).to_be_visible()
    expect(bruno.page.locator(mine).first).to_be_hidden()
    expect(projector.locator(mine).first).to_be_hidden()
    heads = projector.locator(".grid-head")
    expect(heads.first).to_have_css("border-bottom-color", "rgb(181, 23, 158)")

    # The clock ticks on the projector and on a phone.
    for page in (projector, alice.page):
        countdown = page.locator(".countdown")
        expect(countdown).to_have_text(re.compile(r"^\d+:\d\d$"))
        expect(countdown).not_to_have_text(countdown.inner_text())

    # A button that asks first still asks (a listener now, no onclick attribute).
    asked = []
    console.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    console.locator(".status-form button[value=closed]").click()
    assert len(asked) == 1 and asked[0]
    expect(console.locator(".status-form button[value=closed]")).to_be_visible()

    # htmx posts and the socket's answer: pause from the console, every screen pauses.
    with console.expect_response(lambda r: r.url.endswith("/clock/") and r.ok):
        console.locator(".clock-controls button[value=pause]").click()
    for page in (projector, alice.page, bruno.page, console):
        expect(page.locator(".phase-bar")).to_have_attribute("data-clock", "paused")

    # Nothing swapped in live broke the policy either.
    laptop.assert_clean(console, "console, after live updates")
    laptop.assert_clean(projector, "projector, after live updates")
    alice.assert_clean(where="Alice's phone, after live updates")
    bruno.assert_clean(where="Bruno's phone, after live updates")
