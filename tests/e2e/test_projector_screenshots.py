"""The projector's pictures for the README and docs/facilitation.md, from a realistic room:
the demo's three territories, three tables, the demo's post-its of table 1 (the other tables
with fewer), phase 1 running. One picture a screen size: docs/img/projector-WxH.png, and the
join screen at 1920×1080 (docs/img/projector-join.png)."""

import pytest

from territories.models import Territory
from tests.e2e.screens import ACTION_TIMEOUT_MS, IMG_DIR, PUBLIC_URL, sign_in
from tests.e2e.test_projector_fit import settle
from workshops import phases, services
from workshops.demo import TABLE_1_POSTITS, TERRITORIES
from workshops.models import Workshop

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture says how to install it
    expect = None

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [(1920, 1080), (1280, 720), (1024, 768)]
NAMES = ["Anne", "Bruno", "Chloé", "Dominique", "Erwan", "Fanny", "Gaël", "Hélène", "Iwen"]


def seat_room(owner, *, started: bool) -> int:
    territories = [
        Territory.objects.update_or_create(name=data["name"], defaults=data)[0]
        for data in TERRITORIES
    ]
    workshop = services.workshop_create(
        created_by=owner,
        title="Construire des paniers de coopération",
        event="Assises de la coopération",
        place="Le Mené",
        territories=territories,
        table_count=3,
    )
    workshop = phases.set_status(workshop, Workshop.Status.OPEN)
    authors = {}
    for index, subgroup in enumerate(
        subgroup
        for table in workshop.tables.order_by("number")
        for subgroup in table.subgroups.select_related("territory").order_by("territory__name")
    ):
        authors[subgroup.pk] = services.participant_join(
            subgroup=subgroup, first_name=NAMES[index % len(NAMES)]
        )
    if not started:
        return workshop.pk
    workshop = phases.clock_command(workshop, phases.ClockCommand.START)
    for table in workshop.tables.order_by("number"):
        by_territory = {
            s.territory.short_name: s for s in table.subgroups.select_related("territory")
        }
        for index, (short, kind, text, theme) in enumerate(TABLE_1_POSTITS):
            if table.number > 1 and (index + table.number) % 3 == 0:
                continue  # the other tables have written a little less
            subgroup = by_territory[short]
            services.postit_create(
                subgroup=subgroup, author=authors[subgroup.pk], kind=kind, text=text, theme=theme
            )
    return workshop.pk


@pytest.fixture
def rooms(owner):
    return {"running": seat_room(owner, started=True), "waiting": seat_room(owner, started=False)}


def test_pictures_of_the_projector_at_three_sizes(chromium_path, rooms, daphne_factory, browser):
    daphne = daphne_factory(env={"PUBLIC_URL": PUBLIC_URL})
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    for width, height in VIEWPORTS:
        context = browser.new_context(
            base_url=daphne.url, viewport={"width": width, "height": height}, locale="fr-FR"
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        if (width, height) == VIEWPORTS[0]:
            sign_in(page, f"/w/{rooms['waiting']}/projector/")
            expect(page.locator("body")).to_have_attribute("data-live", "on")
            expect(page.locator("[data-testid=join-code]")).to_be_visible()
            page.mouse.move(0, 0)
            page.screenshot(path=IMG_DIR / "projector-join.png")
            page.goto(f"/w/{rooms['running']}/projector/")
        else:
            sign_in(page, f"/w/{rooms['running']}/projector/")
        settle(page)
        page.mouse.move(0, 0)
        page.screenshot(path=IMG_DIR / f"projector-{width}x{height}.png")
        context.close()
