"""The projector follows the workshop into the plenary by itself (issues 8 and 10): the
verdicts and conditions in the conditions phase, the presenter's slides once the facilitator moves to the
plenary; the console switches it to the feedback wall and back, and the projector's keys
(W, S) too, all live, nobody touching the projector. Each screen fits 1920×1080 and
1024×768, the basket's conditions included.

Elements are found by id, class, value and data attributes, not by interface text.
Every database read happens before Playwright starts. Fixture order: ``chromium_path``
first, ``browser`` last, after every database write.
"""

import re

import pytest

from baskets.conditions import services as conditions
from baskets.models import Basket, ConditionItem
from tests.e2e.screens import ACTION_TIMEOUT_MS, sign_in
from tests.e2e.test_conditions_projector_fit import conditions_up
from tests.e2e.test_plenary import scene  # noqa: F401  (the fixture: two tables' baskets)
from tests.e2e.test_projector_follows_baskets import (
    VIEWPORTS,
    assert_fits,
    clock,
    switch,
)
from workshops.models import Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONDITIONS = [
    "Une convention entre les deux intercommunalités, signée avant l'été",
    "Un chargé de mission partagé, financé à parts égales",
    "Inscrire la coopération dans le SCoT et le PCAET",
    "Un comité de suivi qui se réunit chaque trimestre",
]


@pytest.fixture
def room(scene):  # noqa: F811
    """The scene in its conditions phase, open, and its first basket (two transactions)
    with four filled conditions."""
    Workshop.objects.filter(pk=scene.pk).update(status=Workshop.Status.OPEN)
    workshop = Workshop.objects.get(pk=scene.pk)
    conditions.ensure_defaults(workshop)
    items = list(ConditionItem.objects.filter(workshop=workshop).order_by("position")[:4])
    basket = Basket.objects.get(pk=int(scene.items["basket_cob"][1:]))
    conditions.conditions_save(
        basket=basket,
        by=None,
        version=0,
        verdict="conditional",
        condition="que la convention soit signée",
        answers={item.pk: (True, text) for item, text in zip(items, CONDITIONS, strict=True)},
    )
    return scene


def screens(browser, base_url, pk, viewport):
    """The console signed in first: the projector, following, leaves /projector/ at once."""
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="fr-FR")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    console = context.new_page()
    sign_in(console, f"/w/{pk}/console/")
    expect(console.locator("body")).to_have_attribute("data-live", "on")
    projector = context.new_page()
    projector.goto(f"/w/{pk}/projector/")
    return projector, console


def presenter_up(projector, pk: int, *, follow: bool) -> None:
    suffix = r"\?follow=1$" if follow else "$"
    expect(projector).to_have_url(re.compile(rf"/w/{pk}/plenary/present/{suffix}"))
    live = projector.locator("#live")
    if follow:
        expect(live).to_have_attribute("data-follow", "presenter")
    expect(live).to_have_attribute("data-view", "presenter")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")
    expect(projector.locator("#presenter-slide")).to_be_visible()


def wall_up(projector, pk: int) -> None:
    expect(projector).to_have_url(re.compile(rf"/w/{pk}/plenary/wall/$"))
    expect(projector.locator("#live")).to_have_attribute("data-view", "wall")
    expect(projector.locator("body")).to_have_attribute("data-live", "on")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_the_projector_follows_the_workshop_into_the_plenary_and_switches_live(
    chromium_path, room, daphne, browser, viewport
):
    pk, size = room.pk, f"{viewport['width']}×{viewport['height']}"
    projector, console = screens(browser, daphne.url, pk, viewport)
    conditions_up(projector)  # the conditions phase: the verdicts and conditions

    clock(console, phase=room.plenary_phase)  # the plenary: the presenter, by itself
    presenter_up(projector, pk, follow=True)
    slide = projector.locator("#presenter-slide")
    expect(slide).to_have_attribute("data-slide", "1")
    # Every slide and every part of one fits; the first basket's conditions and verdict are
    # on one of its screens (the whole basket on one when it fits, else cut into parts).
    conditions_seen, verdict_seen = set(), False
    for _step in range(40):
        assert_fits(projector, f"presenter, slide {slide.get_attribute('data-slide')} {size}")
        if slide.get_attribute("data-slide") == "1":
            items = projector.locator(".slide-condition:visible")
            conditions_seen |= {items.nth(n).inner_text() for n in range(items.count())}
            verdict_seen |= projector.locator(".verdict[data-verdict=conditional]").is_visible()
        position = (slide.get_attribute("data-slide"), slide.get_attribute("data-shown-part"))
        if position == (slide.get_attribute("data-count"), slide.get_attribute("data-parts")):
            break
        projector.keyboard.press("ArrowRight")
        projector.wait_for_function(
            """([number, part]) => {
              const el = document.getElementById("presenter-slide");
              return el.dataset.slide !== number || el.dataset.shownPart !== part;
            }""",
            arg=list(position),
        )
    assert all(any(text in seen for seen in conditions_seen) for text in CONDITIONS), size
    assert verdict_seen, size
    projector.keyboard.press("Home")
    expect(slide).to_have_attribute("data-slide", "1")
    projector.keyboard.press("ArrowRight")
    projector.wait_for_function(
        """() => {
          const el = document.getElementById("presenter-slide");
          return el.dataset.slide !== "1" || el.dataset.shownPart !== "1";
        }"""
    )
    moved_to = (slide.get_attribute("data-slide"), slide.get_attribute("data-shown-part"))

    switch(console, "wall")
    wall_up(projector, pk)
    assert_fits(projector, f"wall {size}")

    switch(console, "presenter")
    presenter_up(projector, pk, follow=False)
    expect(slide).to_have_attribute("data-slide", moved_to[0])  # the server's slide, kept
    expect(slide).to_have_attribute("data-shown-part", moved_to[1])

    switch(console, "follow")
    presenter_up(projector, pk, follow=True)


def test_the_projector_s_keys_choose_the_wall_and_the_slides(chromium_path, room, daphne, browser):
    pk = room.pk
    projector, console = screens(browser, daphne.url, pk, VIEWPORTS[1])
    clock(console, phase=room.plenary_phase)
    presenter_up(projector, pk, follow=True)

    projector.keyboard.press("w")
    wall_up(projector, pk)
    projector.keyboard.press("?")
    expect(projector.locator("#projector-keys kbd", has_text="W")).to_be_visible()
    projector.keyboard.press("Escape")

    projector.keyboard.press("s")
    presenter_up(projector, pk, follow=False)
    projector.keyboard.press("ArrowRight")  # still the presenter's arrows
    expect(projector.locator("#presenter-slide")).to_have_attribute("data-slide", "2")

    projector.keyboard.press("f")
    presenter_up(projector, pk, follow=True)
