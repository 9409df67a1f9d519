"""A phone whose scripts do not run (disabled, or blocked on the way) still writes, edits
and deletes its own post-its through the real forms and links behind the htmx attributes.

Elements are found by name, id, class and URL, never by interface text.
"""

import re

import pytest

from tests.conftest import subgroup_of
from tests.e2e.screens import ACTION_TIMEOUT_MS, PHONE
from workshops import services

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seats(workshop) -> dict:
    """Alice's seat at table 1, and a post-it of Bruno's at her table (before the browser
    starts: Django refuses ORM calls while Playwright's loop runs)."""
    bruno = services.participant_join(subgroup=subgroup_of(workshop, 1, "PdB"), first_name="Bruno")
    services.postit_create(
        subgroup=bruno.subgroup, author=bruno, kind="need", text="Du foncier", theme=""
    )
    mine = subgroup_of(workshop, 1, "BM")
    return {"code": workshop.code, "table": mine.table_id, "territory": mine.territory_id}


def test_it_edits_and_deletes_one_s_own_postit_without_javascript(
    chromium_path, seats, daphne, browser
):
    context = browser.new_context(base_url=daphne.url, java_script_enabled=False, **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"/j/{seats['code']}/")
    page.fill("input[name=first_name]", "Alice")
    for name in ("table", "territory"):
        page.locator(
            "label", has=page.locator(f"input[name={name}][value='{seats[name]}']")
        ).click()
    page.locator("form:has(input[name=first_name]) [type=submit]").click()

    # Write: the form posts, the server sends the phone page back.
    form = page.locator("#postit-form")
    form.locator("label", has=page.locator("input[name=kind][value=offer]")).click()
    form.locator("textarea[name=text]").fill("Un port en eau profonde")
    form.locator("[type=submit]").click()
    mine = page.locator("article.postit", has_text="Un port en eau profonde")
    expect(mine).to_have_count(1)
    expect(mine.locator(".postit-own a[href$='/edit/']")).to_be_visible()
    expect(mine.locator(".postit-own form[action$='/delete/'] button")).to_be_visible()
    page.locator("details.other-subgroups > summary").click()
    theirs = page.locator("article.postit", has_text="Du foncier")
    expect(theirs).to_be_visible()
    expect(theirs.locator(".postit-own")).to_be_hidden()

    # Edit: the link opens a page with the form filled; saving goes back to the phone page.
    mine.locator("a[href$='/edit/']").click()
    expect(page).to_have_url(re.compile(r"/p/\d+/edit/$"))
    editing = page.locator("#postit-form.editing")
    expect(editing.locator("textarea[name=text]")).to_have_value("Un port en eau profonde")
    expect(page.locator(f".edit-cancel a[href='/j/{seats['code']}/']")).to_be_visible()
    editing.locator("textarea[name=text]").fill("Un port et sa zone logistique")
    editing.locator("[type=submit]").click()
    expect(page).to_have_url(f"{daphne.url}/j/{seats['code']}/")
    expect(page.locator(".messages li")).to_have_count(1)
    mine = page.locator("article.postit", has_text="Un port et sa zone logistique")
    expect(mine).to_have_count(1)
    expect(page.locator("article.postit", has_text="Un port en eau profonde")).to_have_count(0)

    # Delete: a plain form post (no confirmation without scripts), back with a message.
    mine.locator("form[action$='/delete/'] button").click()
    expect(page).to_have_url(f"{daphne.url}/j/{seats['code']}/")
    expect(page.locator(".messages li")).to_have_count(1)
    expect(page.locator("article.postit", has_text="Un port et sa zone logistique")).to_have_count(
        0
    )
    expect(page.locator("article.postit", has_text="Du foncier")).to_have_count(1)
    context.close()
