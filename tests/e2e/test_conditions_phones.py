"""Conditions from two phones of one basket, by taps and a few words: each sees the
other's save live, and so does the projector's view of the table's conditions; a
phone of another table hears nothing of it.

Elements are found by ids, names and data attributes, never by interface text.
"""

import pytest

from baskets import services as basket_services
from baskets.models import Basket
from tests.conftest import goto, subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, IMG_DIR, fill_join_form, sign_in
from tests.e2e.test_accessibility import blocking_violations
from workshops.models import Phase

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}


@pytest.fixture
def scene(workshop):
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    basket_services.ensure_baskets(workshop)
    bm, pdb = subgroup_of(workshop, 1, "BM"), subgroup_of(workshop, 1, "PdB")
    basket = Basket.objects.get(side_a=bm, side_b=pdb)
    seats = {
        name: subgroup_of(workshop, table, short_name)
        for name, (table, short_name) in {
            "alice": (1, "BM"),
            "bruno": (1, "PdB"),
            "chloe": (2, "BM"),
        }.items()
    }
    items = {item.position: item.pk for item in workshop.condition_items.all()}
    horizon = workshop.alliance_choices.filter(family="horizon").order_by("position")[1].pk
    return {
        "workshop": workshop,
        "basket": basket.pk,
        "seats": seats,
        "items": items,
        "horizon": horizon,
    }


def join(browser, base_url, scene, name):
    context = browser.new_context(base_url=base_url, **NARROW_PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"/j/{scene['workshop'].code}/")
    seat = scene["seats"][name]
    fill_join_form(page, name.capitalize(), seat.table_id, seat.territory_id)
    return page


def open_form(page, pk):
    page.locator(f"#conditions-slot-{pk} .conditions-fill").click()
    form = page.locator(f"#conditions-form-{pk}")
    expect(form).to_be_visible()
    return form


def test_two_phones_fill_in_the_conditions_seen_live_on_the_other_and_the_projector(
    chromium_path, scene, daphne, browser
):
    pk, workshop = scene["basket"], scene["workshop"]
    alice = join(browser, daphne.url, scene, "alice")
    bruno = join(browser, daphne.url, scene, "bruno")
    chloe = join(browser, daphne.url, scene, "chloe")
    frames = []
    chloe.on("websocket", lambda ws: ws.on("framereceived", frames.append))

    projector_context = browser.new_context(
        base_url=daphne.url, viewport={"width": 1920, "height": 1080}, locale="fr-FR"
    )
    projector_context.set_default_timeout(ACTION_TIMEOUT_MS)
    projector = projector_context.new_page()
    screen_url = f"/w/{workshop.pk}/baskets/conditions/tables/1/"  # the projector's view
    sign_in(projector, screen_url)
    expect(projector.locator(f"#conditions-{pk}")).to_be_visible()
    expect(projector.locator("body")).to_have_attribute("data-live", "on")

    # Alice: balanced on condition, the condition, a card, a condition ticked with a word.
    form = open_form(alice, pk)
    for target in form.locator("label.choice").all():
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44 and box["x"] + box["width"] <= 360
    form.locator("label.choice:has(input[name=verdict][value=conditional])").click()
    form.locator("textarea[name=condition]").fill("Que le CHU tienne des permanences")
    form.locator(f"label.choice:has(input[name=horizon][value='{scene['horizon']}'])").click()
    governance = scene["items"][2]
    form.locator(f"label.choice:has(input[name=item_{governance}])").click()
    form.locator(f"textarea[name=item_{governance}_text]").fill("Un contrat de réciprocité")
    form.locator("button[type=submit].primary").click()
    expect(alice.locator(f"#conditions-slot-{pk} .conditions-fill")).to_be_visible()

    for page in (alice, bruno, projector):
        fragment = page.locator(f"#conditions-{pk}")
        expect(fragment.locator(".verdict")).to_have_attribute("data-verdict", "conditional")
        expect(fragment).to_contain_text("Que le CHU tienne des permanences")
        expect(fragment).to_contain_text("Un contrat de réciprocité")
        expect(fragment.locator(".conditions-count")).to_have_attribute("data-filled", "1")

    # Bruno, from what Alice saved: financing too, the verdict now balanced.
    form = open_form(bruno, pk)
    expect(form.locator("textarea[name=condition]")).to_have_value(
        "Que le CHU tienne des permanences"
    )
    form.locator("label.choice:has(input[name=verdict][value=balanced])").click()
    financing = scene["items"][5]
    form.locator(f"textarea[name=item_{financing}_text]").fill("Un fonds commun")
    assert blocking_violations(bruno) == []  # the form open
    form.locator("button[type=submit].primary").click()
    expect(bruno.locator(f"#conditions-slot-{pk} .conditions-fill")).to_be_visible()
    assert blocking_violations(projector) == []

    for page in (alice, projector):
        fragment = page.locator(f"#conditions-{pk}")
        expect(fragment.locator(".verdict")).to_have_attribute("data-verdict", "balanced")
        expect(fragment.locator(".conditions-count")).to_have_attribute("data-filled", "2")
        expect(fragment).to_contain_text("Un fonds commun")

    IMG_DIR.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=str(IMG_DIR / "conditions-projector.png"))
    alice.locator(f"#conditions-{pk}").screenshot(path=str(IMG_DIR / "conditions-phone.png"))
    assert not [f for f in frames if f'id="conditions-{pk}"' in str(f)]
