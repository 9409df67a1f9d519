"""A phone in the negotiation unfolds the match suggestions below the grid, taps one, and
gets the basket's transaction form with the offer and the need chosen; once saved, the
suggestion says it is in a basket. The grid stays where it was, folded apart.

Elements are found by ids and classes, and post-its by their own text, never by interface
text: the test holds in French and in English.
"""

import pytest

from baskets.models import Basket
from tests.e2e.screens import ACTION_TIMEOUT_MS, IMG_DIR
from tests.e2e.test_baskets_phones import join, scene  # noqa: F401 (the fixture)
from tests.e2e.test_refusals_in_view import in_thread
from workshops.models import PostIt

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The model loads on the first request of the server process: give it time once.
MODEL_LOAD_MS = 180_000


def test_a_phone_taps_a_suggestion_and_saves_the_transaction_it_prefilled(
    chromium_path,
    scene,  # noqa: F811
    daphne,
    browser,
):
    wood, heat = in_thread(
        lambda: [
            PostIt.objects.get(text=text)
            for text in ("Bois-énergie des haies bocagères", "Bois pour le réseau de chaleur")
        ]
    )
    basket = in_thread(lambda: Basket.objects.get(pk=scene.basket_pk))
    bruno = join(browser, daphne.url, scene, "bruno").page  # PdB: gives wood to BM's heat

    box = bruno.locator("#basket-suggestions-box")
    expect(box).not_to_have_attribute("open", "")
    expect(bruno.locator("#basket-grid-box")).to_be_attached()
    box.locator("summary").click()
    offers = bruno.locator("#basket-suggestions .suggestion-row", has_text=wood.text)
    expect(offers).to_be_visible(timeout=MODEL_LOAD_MS)
    start = offers.locator(".suggestion", has_text=heat.text).locator("a.suggestion-start")
    expect(start).to_be_visible()
    box.screenshot(path=IMG_DIR / "phone-suggestions.png")  # docs/negotiation.md

    start.click()

    form = bruno.locator(f"#transaction-form-{basket.pk}")
    expect(form).to_be_visible()
    expect(form.locator(f"input[name=offer][value='{wood.pk}']")).to_be_checked()
    expect(form.locator(f"input[name=needs][value='{heat.pk}']")).to_be_checked()
    expect(form.locator("input[name=score]:checked")).to_have_count(0)
    form.locator(".score-choice label.score-button:has(input[value='2'])").click()
    form.locator("button[type=submit].primary").click()

    done = offers.locator(".suggestion.suggestion-in-basket", has_text=heat.text)
    expect(done).to_be_visible(timeout=ACTION_TIMEOUT_MS)
    expect(done.locator("a.suggestion-start")).to_have_count(0)
    saved = in_thread(
        lambda: [(t.offer_id, [n.pk for n in t.needs.all()]) for t in basket.transactions.all()]
    )
    assert saved == [(wood.pk, [heat.pk])]
