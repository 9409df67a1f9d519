"""In the negotiation, a phone reaches its baskets within the first screen: the compose
form and the table's warnings (18 of them here) are folded until asked for, and the
connection badge never covers anything, wherever one has scrolled.

Elements are found by ids and classes, never by interface text.
"""

import pytest

from tests.e2e.screens import ACTION_TIMEOUT_MS, fill_join_form
from tests.e2e.test_refusals_in_view import UNANSWERED_NEEDS, negotiation_room

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONES = [(360, 740), (390, 844)]

# Every visible text (its line boxes) and control other than the badge that meets it.
UNDER_THE_BADGE = """() => {
  const status = document.querySelector('.live-status');
  const badge = [...status.querySelectorAll('.on, .off')].find((el) => el.getClientRects().length);
  const b = badge.getBoundingClientRect();
  const meets = (r) => r.width > 0 && r.height > 0 &&
    r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
  const hits = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || status.contains(node)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if ([...range.getClientRects()].some(meets)) hits.push(node.textContent.trim().slice(0, 40));
  }
  for (const el of document.querySelectorAll('input, textarea, select, button, a, summary, .postit, .gauge')) {
    if (status.contains(el)) continue;
    if ([...el.getClientRects()].some(meets)) hits.push(el.tagName + '.' + el.className);
  }
  return {hits, badge: [b.top, b.bottom]};
}"""


@pytest.fixture
def room(workshop):
    """The negotiation at table 1, with 18 needs nobody answers yet and a transaction."""
    return negotiation_room(workshop)


def test_the_baskets_come_within_the_first_screen_and_the_badge_covers_nothing(
    chromium_path, room, daphne, browser
):
    workshop, basket, _transaction, seat = room
    for width, height in PHONES:
        context = browser.new_context(
            base_url=daphne.url,
            viewport={"width": width, "height": height},
            is_mobile=True,
            has_touch=True,
            locale="fr-FR",
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        page.goto(f"/j/{workshop.code}/")
        fill_join_form(page, "Alice", *seat["BM"])
        page.wait_for_load_state("networkidle")

        heading = page.locator("#baskets-phone .baskets-heading")
        expect(heading).to_be_visible()
        box = heading.bounding_box()
        assert box["y"] + box["height"] <= height, (width, height, box)
        expect(page.locator(f"#basket-{basket.pk}")).to_be_visible()

        # Folded, with how many: every warning is one tap away, the compose form too.
        warnings = page.locator("#table-warnings-box")
        expect(warnings).not_to_have_attribute("open", "")
        count = int(warnings.locator(".warnings-total").inner_text())
        assert count >= UNANSWERED_NEEDS
        expect(page.locator("#compose-box")).not_to_have_attribute("open", "")
        warnings.locator("summary").click()
        expect(warnings.locator("li")).to_have_count(count)
        expect(warnings.locator("li").last).to_be_visible()
        warnings.locator("summary").click()

        # The badge meets nothing at the top, halfway down and at the bottom of the page.
        total = page.evaluate("document.documentElement.scrollHeight")
        assert total > 2 * height  # a long page: the check below scrolls through it
        for y in range(0, total, height // 2):
            page.evaluate(f"window.scrollTo(0, {y})")
            seen = page.evaluate(UNDER_THE_BADGE)
            assert seen["hits"] == [], (width, y, seen)
        context.close()
