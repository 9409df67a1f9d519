"""A screen never swaps a live fragment for an older one (static/js/paniers.js).

The presenter's slide is fetched again whenever its socket (re)opens; the facilitator may
move it at that very moment. The fetch's answer, rendered before the move, can then reach
the browser after the move's broadcast: the two travel on two connections. Here the
browser holds that answer back until the move is on screen, then lets it through: the
slide stays where the facilitator put it.
"""

import pytest

from tests.conftest import goto
from tests.e2e.screens import ACTION_TIMEOUT_MS, NEXT_FRAME, sign_in
from tests.e2e.test_plenary import scene  # noqa: F401  (the fixture: two tables' baskets)
from workshops.models import Phase, Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plenary_scene(scene):  # noqa: F811
    goto(Workshop.objects.get(pk=scene.pk), Phase.Kind.PLENARY)
    return scene


def test_a_slide_fetched_before_a_move_does_not_undo_it(
    chromium_path, plenary_scene, daphne, browser
):
    context = browser.new_context(
        base_url=daphne.url, viewport={"width": 1920, "height": 1080}, locale="fr-FR"
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, f"/w/{plenary_scene.pk}/plenary/present/")
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    slide = page.locator("#presenter-slide")
    page.keyboard.press("ArrowRight")
    expect(slide).to_have_attribute("data-slide", "2")
    page.wait_for_load_state("networkidle")
    moved_to_second = int(slide.get_attribute("data-version"))

    held = []
    page.route("**/present/slide/", lambda route: held.append((route, route.fetch())))
    page.evaluate("() => htmx.trigger(document.getElementById('live'), 'htmx:wsOpen')")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    route, answer = held[0]
    assert 'data-slide="2"' in answer.text()  # rendered before the move below

    page.keyboard.press("Home")
    expect(slide).to_have_attribute("data-slide", "1")
    assert int(slide.get_attribute("data-version")) > moved_to_second
    with page.expect_response("**/present/slide/"):
        route.fulfill(response=answer)
    page.evaluate(NEXT_FRAME)
    assert slide.get_attribute("data-slide") == "1"

    # An answer as new as the slide on show is swapped in as before.
    page.unroute("**/present/slide/")
    with page.expect_response("**/present/slide/"):
        page.evaluate("() => htmx.trigger(document.getElementById('live'), 'htmx:wsOpen')")
    page.evaluate(NEXT_FRAME)
    expect(slide).to_have_attribute("data-slide", "1")
    context.close()
