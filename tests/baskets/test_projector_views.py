"""The projector's negotiation view (a table's baskets) and pair view (one pair of
territories at every table): who sees them, what they show, what they cost."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern

from baskets import screen_urls
from baskets.models import Basket
from tests.baskets.screen_helpers import give
from tests.conftest import at, basket_of, goto
from workshops.models import Phase

pytestmark = pytest.mark.django_db


def territory(workshop, short_name):
    return workshop.territories.get(short_name=short_name)


def urls(workshop) -> dict[str, str]:
    """Every URL of baskets/screen_urls.py, by name."""
    pk = workshop.pk
    bm, cob = territory(workshop, "BM"), territory(workshop, "COB")
    return {
        "tables": f"/w/{pk}/baskets/tables/",
        "tables_content": f"/w/{pk}/baskets/tables/content/",
        "table": f"/w/{pk}/baskets/tables/1/",
        "table_content": f"/w/{pk}/baskets/tables/1/content/",
        "pair": f"/w/{pk}/baskets/pairs/{bm.pk}/{cob.pk}/",
        "pair_content": f"/w/{pk}/baskets/pairs/{bm.pk}/{cob.pk}/content/",
        "unanswered": f"/w/{pk}/baskets/unanswered/",
        **condition_urls(workshop),
    }


def condition_urls(workshop) -> dict[str, str]:
    """Conditions' facilitator pages (tests/baskets/test_conditions_views.py)."""
    pk = workshop.pk
    basket = Basket.objects.filter(table__workshop=workshop).first()
    b = basket.pk if basket else 0
    return {
        "conditions_setup": f"/w/{pk}/baskets/conditions/",
        "conditions": f"/w/{pk}/baskets/conditions/{b}/",
        "conditions_tables": f"/w/{pk}/baskets/conditions/tables/",
        "conditions_tables_content": f"/w/{pk}/baskets/conditions/tables/content/",
        "conditions_table": f"/w/{pk}/baskets/conditions/tables/1/",
        "conditions_table_content": f"/w/{pk}/baskets/conditions/tables/1/content/",
        "conditions_edit": f"/w/{pk}/baskets/conditions/{b}/edit/",
    }


# Who ---------------------------------------------------------------------------------


def test_it_has_permission_cases_for_every_url(workshop):
    names = {p.name for p in screen_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(urls(workshop))


def test_it_shows_the_screens_to_the_workshop_s_facilitators_only(
    client, workshop, cofacilitator, other_facilitator, alice, participant_client, user_client
):
    for name, url in urls(workshop).items():
        # follow: a basket's former conditions page leads to the projector's view at it
        assert user_client(workshop.created_by).get(url, follow=True).status_code == 200, name
        assert user_client(cofacilitator).get(url, follow=True).status_code == 200, name
        assert user_client(other_facilitator).get(url).status_code == 404, name
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/"), name
        phone = participant_client(alice).get(url)  # a participant has no account
        assert phone.status_code == 302 and phone["Location"].startswith("/login/"), name


def test_it_answers_404_for_a_table_or_pair_that_is_not_the_workshop_s(
    laptop, workshop, other_workshop, territories
):
    from territories.models import Territory

    stranger = Territory.objects.create(name="Ailleurs", short_name="AIL", kind="pays")
    bm = territory(workshop, "BM")
    pk = workshop.pk
    for url in (
        f"/w/{pk}/baskets/tables/9/",
        f"/w/{pk}/baskets/pairs/{bm.pk}/{stranger.pk}/",
        f"/w/{pk}/baskets/pairs/{bm.pk}/{bm.pk}/",
        f"/w/{other_workshop.pk}/baskets/tables/1/",
        f"/w/{pk}/baskets/tables/1x/",
    ):
        assert laptop.get(url).status_code == 404, url


# What ----------------------------------------------------------------------------------


def basket_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'id="basket-(\d+)"', html)}


def test_the_table_view_shows_that_table_s_baskets_side_by_side_and_its_warnings(laptop, workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    basket = basket_of(workshop, 1, "BM", "PdB")
    give(basket, "BM", "Bois-énergie", value=5, effort=2)
    table = workshop.tables.get(number=1)

    html = laptop.get(f"/w/{workshop.pk}/baskets/tables/1/").content.decode()

    assert basket_ids(html) == set(table.baskets.values_list("pk", flat=True))
    assert len(basket_ids(html)) == 3
    assert f'id="table-warnings-{table.pk}"' in html
    assert "Bois-énergie" in html
    assert f'ws-connect="/ws/w/{workshop.pk}/screen/"' in html
    assert "baskets/screens.js" in html
    # The one sentence of the formula, once, at the foot of the screen.
    assert html.count('class="baskets-rule"') == 1
    # The line that names the empty baskets (screens.js fills it), and the warnings' pager.
    assert re.search(r'class="screen-empty-baskets" data-label="[^"]+" hidden', html)
    assert re.search(r'data-warnings="[^"]*\{first\}[^"]*\{last\}[^"]*\{count\}"', html)


def test_the_pair_view_shows_the_pair_at_every_table_with_its_gauge(laptop, workshop):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    give(basket_of(workshop, 2, "BM", "COB"), "COB", value=4, effort=1)
    bm, cob = territory(workshop, "BM"), territory(workshop, "COB")

    # Either order of the territories leads to the same view, A first as in the baskets.
    html = laptop.get(f"/w/{workshop.pk}/baskets/pairs/{cob.pk}/{bm.pk}/").content.decode()

    expected = {basket_of(workshop, n, "BM", "COB").pk for n in (1, 2, 3)}
    assert basket_ids(html) == expected
    assert re.findall(r'data-table="(\d)" data-label="[^"]*"><p class="slot-caption">', html) == [
        "1",
        "2",
        "3",
    ]
    assert html.count('class="gauge"') == 3
    # BM receives a value of 4 (gain 4), COB gives an effort of 1 (gain -1): leans to BM.
    assert html.count('data-gauge="leans_a"') == 1
    assert html.count('data-gauge="empty"') == 2


def test_the_projector_links_to_the_baskets_of_each_table_and_to_each_pair(laptop, workshop):
    html = laptop.get(f"/w/{workshop.pk}/projector/").content.decode()

    for number in (1, 2, 3):
        assert f'href="/w/{workshop.pk}/baskets/tables/{number}/"' in html
    assert len(re.findall(rf'href="/w/{workshop.pk}/baskets/pairs/\d+/\d+/"', html)) == 3


# Cost ----------------------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name", ["tables", "tables_content", "table", "table_content", "pair", "pair_content"]
)
def test_the_screens_cost_the_same_queries_whatever_the_number_of_transactions(
    laptop, workshop, name, django_assert_max_num_queries
):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    url = urls(workshop)[name]
    baskets = [basket_of(workshop, n, "BM", "COB") for n in (1, 2, 3)]
    give(baskets[0], "BM")
    few = queries(laptop, url)

    for basket in baskets:
        for n in range(8):
            give(basket, "BM" if n % 2 else "COB", f"Offre {n}", value=n % 5 + 1, effort=2)

    with django_assert_max_num_queries(few):
        laptop.get(url)
    # +1: whether the workshop has a plenary (its projector keys S, W); +1: its tables if it
    # has a conditions phase (key C)
    assert few <= 18, few


def gauge_of(html: str, basket_pk: int) -> dict:
    """What a basket's gauge says and draws: its verdict, where its bar's lean starts and
    how wide it is on the bar from A's end (-100) to B's (100), and the ends' order."""
    section = re.search(
        rf'<section class="basket[^"]*" id="basket-{basket_pk}".*?</section>', html, re.S
    )
    gauge = section.group(0)
    verdict = re.search(r'<p class="gauge-verdict">(.*?)</p>', gauge, re.S).group(1)
    lean = re.search(r'<rect class="gauge-lean" x="(-?\d+)" y="0" width="(\d+)"', gauge)
    return {
        "verdict": re.sub(r"<[^>]+>", "", verdict).strip(),
        "lean": (int(lean.group(1)), int(lean.group(2))) if lean else None,
        "meter": "<meter" in gauge,
        "ends": [m for m in re.findall(r"gauge-end-(a|b)|<svg class=\"gauge-bar\"", gauge)],
    }


def test_the_gauge_draws_its_bar_toward_the_territory_its_verdict_names(laptop, workshop):
    # A bar from A's end (left) to B's (right): "Leans to B ▶" goes right of the centre,
    # "◀ Leans to A" left of it. A <meter> cannot: it fills from its left edge whatever the sign.
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    to_b = basket_of(workshop, 1, "BM", "PdB")  # A = BM, B = PdB
    give(to_b, "BM", "Bois-énergie", value=5, effort=1)  # PdB gains 5, BM -1
    to_a = basket_of(workshop, 1, "BM", "COB")  # A = BM, B = COB
    give(to_a, "COB", "Méthanisation", value=5, effort=1)  # BM gains 5, COB -1
    even = basket_of(workshop, 1, "COB", "PdB")
    give(even, "COB", "Foncier", value=3, effort=3)
    give(even, "PdB", "Ingénierie", value=3, effort=3)

    html = laptop.get(f"/w/{workshop.pk}/baskets/tables/1/").content.decode()

    leans_b, leans_a, balanced = (
        gauge_of(html, to_b.pk),
        gauge_of(html, to_a.pk),
        gauge_of(html, even.pk),
    )
    assert leans_b["verdict"].endswith("▶") and "PdB" in leans_b["verdict"]
    x, width = leans_b["lean"]
    assert x >= 0 and width > 0  # right of the centre, toward PdB's end
    assert leans_a["verdict"].startswith("◀") and "BM" in leans_a["verdict"]
    x, width = leans_a["lean"]
    assert width > 0 and x + width <= 0  # left of the centre, toward BM's end
    assert balanced["lean"] is None  # balanced: no lean drawn
    for gauge in (leans_a, leans_b, balanced):
        assert not gauge["meter"]
        assert gauge["ends"] == ["a", "", "b"]  # A's end, the bar, B's end


def test_the_warnings_put_shared_offers_and_one_way_baskets_before_unanswered_needs(
    laptop, workshop
):
    from workshops import services as room

    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    bm = basket_of(workshop, 1, "BM", "PdB").side_a
    for text in ("Logement", "Mobilité", "Soins"):
        room.postit_create(subgroup=bm, author=None, kind="need", text=text)
    first = give(basket_of(workshop, 1, "BM", "PdB"), "BM", "Bois-énergie", value=4, effort=2)
    from baskets import services as baskets

    baskets.transaction_create(
        basket=basket_of(workshop, 1, "BM", "COB"), by=None, giver=bm, offer=first.offer
    )

    html = laptop.get(f"/w/{workshop.pk}/baskets/tables/1/").content.decode()

    kinds = re.findall(r'<li class="warning-([a-z-]+)">', html)
    assert kinds == ["shared", "one-way", "one-way", "unanswered", "unanswered", "unanswered"]
    summary = re.search(r'<p class="warnings-summary">(.*?)</p>', html, re.S).group(1)
    counts = re.findall(r'data-kind="([a-z-]+)">(\d+) ', summary)
    assert counts == [("shared", "1"), ("one-way", "2"), ("unanswered", "3")]
