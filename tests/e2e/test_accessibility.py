"""Every page a participant or a facilitator sees, checked by axe-core in French and in
English, and the phone and the console driven with the keyboard alone.

axe-core (bundled by axe-playwright-python) finds what a machine can: contrast, names of
controls, labels, landmarks, the page's language, duplicate ids. A serious or critical
violation fails the test, with the rule, the elements and axe's help in the message.

The room is test_csp.py's: the open workshop with phase 1 running. Elements are found by
name, id and data attributes, never by interface text.
"""

import pytest

from tests.e2e.screens import ACTION_TIMEOUT_MS, PHONE, fill_join_form, sign_in
from tests.e2e.test_csp import room  # noqa: F401 -- the fixture, shared with the CSP test
from workshops.models import Workshop

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # pip install -e ".[test]"
    Axe = None
try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOCALES = ["fr-FR", "en-US"]
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
BLOCKING = {"serious", "critical"}
NO_VALIDATION = "form => form.setAttribute('novalidate', '')"
POSTIT_TEXT = "Cadastre solaire pour tout le Pays de Brest"


def blocking_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it is now, one line each."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"{[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def new_page(browser, base_url: str, **options):
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context.new_page()


def join(page, code: str, first_name: str, seat) -> None:
    """Joins the table through the join form, with clicks (the keyboard test comes later)."""
    page.goto(f"/j/{code}/")
    table_id, territory_id, _subgroup_id = seat
    fill_join_form(page, first_name, table_id, territory_id)


@pytest.fixture
def phase_pk(room) -> int:  # noqa: F811
    """The running phase, whose edit page is checked too (read before the browser starts)."""
    return Workshop.objects.get(pk=room.pk).phases.first().pk


@pytest.mark.parametrize("locale", LOCALES)
def test_it_has_no_serious_violation_on_any_page(
    chromium_path,
    room,  # noqa: F811
    phase_pk,
    daphne,
    browser,
    locale,  # noqa: F811
):
    assert Axe is not None, 'pip install -e ".[test]" (axe-playwright-python)'
    found: dict[str, list[str]] = {}

    def check(page, where: str, live: bool = False) -> None:
        if live:
            expect(page.locator("body")).to_have_attribute("data-live", "on")
        expect(page.locator("html")).to_have_attribute("lang", locale[:2])
        if violations := blocking_violations(page):
            found[where] = violations

    def visit(page, path: str, live: bool = False) -> None:
        response = page.goto(path)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        check(page, path, live)

    # A participant's phone: the code form, the join form, then the phone with a post-it.
    phone = new_page(browser, daphne.url, **{**PHONE, "locale": locale})
    visit(phone, "/")
    visit(phone, f"/j/{room.code}/")
    join(phone, room.code, "Alice", room.seats["alice"])
    form = phone.locator("#postit-form")
    form.locator("label", has=phone.locator("input[name=kind][value=offer]")).click()
    form.locator("textarea[name=text]").fill(POSTIT_TEXT)
    form.locator("[type=submit]").click()
    expect(phone.locator("article.postit").first).to_contain_text(POSTIT_TEXT)
    check(phone, "phone page", live=True)
    phone.locator("#my-sheet summary").click()
    check(phone, "phone page, territory sheet open", live=True)
    form.locator("textarea[name=text]").fill("")
    form.evaluate(NO_VALIDATION)  # the server's answer, not the browser's bubble
    form.locator("[type=submit]").click()
    expect(form.locator("[role=alert]")).to_be_visible()
    check(phone, "phone page, the form refused")

    # The facilitator's laptop: every page of the workshop and of the territory library.
    laptop = new_page(browser, daphne.url, **LAPTOP, locale=locale)
    visit(laptop, "/login/")
    laptop.fill("#id_username", "owner")
    laptop.fill("#id_password", "not the password")
    laptop.locator("form:has(#id_password) [type=submit]").click()
    check(laptop, "login, refused")
    sign_in(laptop, "/w/")
    workshop, territory = f"/w/{room.pk}", f"/territories/{room.territory_pk}"
    for path in (
        "/w/",
        "/w/new/",
        f"{workshop}/",
        f"{workshop}/setup/",
        f"{workshop}/delete/",
        f"{workshop}/exports/",
        # The report is in the language asked for, the workshop's by default.
        f"{workshop}/report/?lang={locale[:2]}",
        f"{workshop}/report/pdf/?lang={locale[:2]}",
        f"{workshop}/phases/new/",
        f"{workshop}/phases/{phase_pk}/",
        "/territories/",
        "/territories/new/",
        f"{territory}/",
        f"{territory}/edit/",
    ):
        visit(laptop, path)
    for path in (
        f"{workshop}/console/",
        f"{workshop}/projector/",
        f"{workshop}/projector/?table=1",
        f"{workshop}/projector/sheets/{room.territory_pk}/",
        f"{workshop}/baskets/tables/",
        f"{workshop}/baskets/conditions/tables/",
    ):
        visit(laptop, path, live=True)
    laptop.goto("/w/new/")
    laptop.locator("form.stack").evaluate(NO_VALIDATION)
    laptop.locator("form.stack [type=submit]").click()
    expect(laptop.locator(".errorlist").first).to_be_visible()
    check(laptop, "new workshop, refused")

    # The clock paused: other notes and buttons show on the console and the phone.
    laptop.goto(f"{workshop}/console/")
    expect(laptop.locator("body")).to_have_attribute("data-live", "on")
    laptop.locator(".clock-controls button[value=pause]").click()
    expect(laptop.locator(".phase-bar")).to_have_attribute("data-clock", "paused")
    check(laptop, "console, paused")
    expect(phone.locator(".phase-bar")).to_have_attribute("data-clock", "paused")
    check(phone, "phone page, paused")

    assert found == {}, "\n".join(
        f"{where}:\n  " + "\n  ".join(violations) for where, violations in found.items()
    )


# The focused element's outline and shadow; for a radio styled away, its label's span.
FOCUS_STYLE = """() => {
  let el = document.activeElement;
  if (el.matches("input[type=radio]") && el.nextElementSibling) el = el.nextElementSibling;
  const style = getComputedStyle(el);
  return style.outlineStyle + " " + style.outlineWidth + " " + style.boxShadow;
}"""
# The same element's style once focus has left it.
BLURRED_STYLE = f"""() => {{
  const focused = document.activeElement;
  focused.blur();
  const style = ({FOCUS_STYLE.replace("document.activeElement", "focused")})();
  focused.focus();
  return style;
}}"""


def press_until(page, selector: str, key: str = "Tab", limit: int = 80) -> None:
    """Presses ``key`` until the focus is on an element matching ``selector``."""
    for _press in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press(key)
    pytest.fail(f"{key} never reached {selector}: stuck on {focused(page)}")


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")


def assert_focus_visible(page) -> None:
    # :focus-visible follows the keyboard: read the style while it applies, then without it.
    shown = page.evaluate(FOCUS_STYLE)
    hidden = page.evaluate(BLURRED_STYLE)
    assert shown != hidden, f"no visible focus on {focused(page)}: {shown}"


def test_it_sends_a_postit_from_the_phone_with_the_keyboard_alone(
    chromium_path,
    room,  # noqa: F811
    daphne,
    browser,
):
    phone = new_page(browser, daphne.url, **PHONE)
    join(phone, room.code, "Alice", room.seats["alice"])
    phone.locator("body").focus()

    press_until(phone, "input[name=kind]")
    assert_focus_visible(phone)
    phone.keyboard.press("Space")
    expect(phone.locator("input[name=kind][value=offer]")).to_be_checked()
    phone.keyboard.press("ArrowRight")
    expect(phone.locator("input[name=kind][value=need]")).to_be_checked()
    press_until(phone, "textarea[name=text]")
    assert_focus_visible(phone)
    phone.keyboard.press("Shift+Tab")  # back to the kinds, on the one chosen
    assert phone.evaluate("() => document.activeElement.value") == "need", focused(phone)
    phone.keyboard.press("ArrowLeft")
    expect(phone.locator("input[name=kind][value=offer]")).to_be_checked()
    phone.keyboard.press("Tab")
    phone.keyboard.type(POSTIT_TEXT)
    press_until(phone, "#postit-form [type=submit]")
    assert_focus_visible(phone)
    phone.keyboard.press("Enter")

    subgroup_id = room.seats["alice"][2]
    expect(phone.locator(f"#cell-{subgroup_id}-offer article.postit")).to_contain_text(POSTIT_TEXT)


def test_it_pauses_and_resumes_the_clock_from_the_console_with_the_keyboard_alone(
    chromium_path,
    room,  # noqa: F811
    daphne,
    browser,
):
    laptop = new_page(browser, daphne.url, **LAPTOP, locale="fr-FR")
    sign_in(laptop, "/w/")
    laptop.goto(f"/w/{room.pk}/console/")
    expect(laptop.locator("body")).to_have_attribute("data-live", "on")
    bar = laptop.locator(".phase-bar")
    expect(bar).to_have_attribute("data-clock", "running")

    laptop.locator("body").focus()
    press_until(laptop, ".clock-controls button[value=pause]")
    assert_focus_visible(laptop)
    laptop.keyboard.press("Enter")
    expect(bar).to_have_attribute("data-clock", "paused")

    laptop.locator("body").focus()
    press_until(laptop, ".clock-controls button[value=resume]")
    assert_focus_visible(laptop)
    laptop.keyboard.press("Space")
    expect(bar).to_have_attribute("data-clock", "running")
