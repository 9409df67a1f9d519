"""The phone's match suggestions (baskets/suggestions.py, baskets:suggestions): only its
table's post-its, one tap to a pre-filled transaction form, what is already in a basket,
computed again when a post-it of the table changes, in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets import suggestions
from tests.conftest import fr, subgroup_of
from workshops import services as room
from workshops import stats

pytestmark = pytest.mark.django_db

ENERGY, CULTURE, HEALTH = "Énergie", "Culture", "Santé et accès aux soins"


def suggestions_url(participant) -> str:
    return f"/j/{participant.workshop.code}/baskets/suggestions/"


def fragment(client, participant) -> str:
    response = client.get(suggestions_url(participant), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def under(content: str, text: str) -> str:
    """The suggestions listed under one of our post-its."""
    found = re.search(
        rf'<li class="suggestion-row">\s*<p class="postit[^"]*" dir="auto">{re.escape(text)}</p>(.*?)</li>\s*(?=<li class="suggestion-row">|</ul>)',
        content,
        re.DOTALL,
    )
    assert found, f"no row for {text!r}"
    return found.group(1)


@pytest.fixture
def table_one(negotiating, alice, bruno, colette, make_postit):
    """Alice (BM) needs heat; Bruno (PdB) and Colette (COB) offer; table 2 offers wood too."""
    postits = {
        "heat": make_postit(alice, "Approvisionner le réseau de chaleur", "need", ENERGY),
        "own_wood": make_postit(alice, "Bois-énergie de nos parcs", "offer", ENERGY),
        "doctors": make_postit(alice, "Médecins et services de santé spécialisés", "offer", HEALTH),
        "wood": make_postit(bruno, "Plaquettes de bois des haies bocagères", "offer", ENERGY),
        "shows": make_postit(colette, "Spectacles et concerts itinérants", "offer", CULTURE),
        "care": make_postit(colette, "Accès aux soins", "need", HEALTH),
    }
    erwan = room.participant_join(subgroup=subgroup_of(negotiating, 2, "PdB"), first_name="Erwan")
    postits["elsewhere"] = make_postit(erwan, "Bois-énergie et plaquettes", "offer", ENERGY)
    return postits


@pytest.fixture
def alices_phone(participant_client, alice):
    return participant_client(alice)


def test_it_suggests_only_the_offers_of_the_other_territories_at_our_table(
    alices_phone, alice, table_one
):
    content = fragment(alices_phone, alice)
    heat = under(content, "Approvisionner le réseau de chaleur")

    first = re.search(r'<span class="suggestion-text" dir="auto">([^<]*)</span>', heat)
    assert first and first.group(1) == "Plaquettes de bois des haies bocagères"
    assert "Bois-énergie de nos parcs" not in heat  # ours
    assert "Bois-énergie et plaquettes" not in content  # table 2's


def test_it_suggests_under_our_offers_the_needs_they_may_answer(alices_phone, alice, table_one):
    doctors = under(fragment(alices_phone, alice), "Médecins et services de santé spécialisés")

    assert "Accès aux soins" in doctors
    assert "COB" in doctors


def test_it_opens_the_transaction_form_with_the_offer_and_the_need_chosen(
    alices_phone, alice, basket, table_one
):
    content = fragment(alices_phone, alice)
    link = re.search(
        r'<a class="suggestion-start" href="([^"]+)"',
        under(content, "Approvisionner le réseau de chaleur"),
    )
    assert link
    start = link.group(1).replace("&amp;", "&")
    assert start.startswith(
        f"/j/{alice.workshop.code}/baskets/{basket.pk}/new/?giver={basket.side_b_id}"
    )

    form = alices_phone.get(start, HTTP_HX_REQUEST="true").content.decode()

    wood, heat = table_one["wood"], table_one["heat"]
    assert re.search(rf'<input[^>]*name="offer" value="{wood.pk}"[^>]*checked', form)
    assert re.search(rf'<input[^>]*name="needs" value="{heat.pk}"[^>]*checked', form)
    assert 'name="score"' in form  # still to value and confirm
    assert not re.search(r'<input[^>]*name="score"[^>]*checked', form)


def test_it_shows_a_suggestion_already_in_a_basket_as_such(
    alices_phone, alice, bruno, basket, table_one, make_transaction
):
    make_transaction(basket, bruno, offer=table_one["wood"], needs=[table_one["heat"]])

    heat = under(fragment(alices_phone, alice), "Approvisionner le réseau de chaleur")

    assert fr("already in a basket") in heat
    wood_item = re.search(r'<li class="suggestion suggestion-in-basket".*?</li>', heat, re.DOTALL)
    assert wood_item and "Plaquettes de bois" in wood_item.group(0)
    assert "suggestion-start" not in wood_item.group(0)


def test_it_suggests_again_when_a_postit_at_the_table_changes_and_only_then(
    alices_phone, alice, bruno, table_one
):
    fragment(alices_phone, alice)
    computed = stats.snapshot().get("suggestion_computations", 0)
    assert "Plaquettes de bois" in under(
        fragment(alices_phone, alice), "Approvisionner le réseau de chaleur"
    )
    assert stats.snapshot().get("suggestion_computations", 0) == computed  # nothing changed

    room.postit_update(
        postit=table_one["wood"],
        kind="offer",
        text="Chorales et fanfares",
        theme=CULTURE,
        by=bruno,
    )
    heat = under(fragment(alices_phone, alice), "Approvisionner le réseau de chaleur")

    assert stats.snapshot()["suggestion_computations"] == computed + 1
    assert "Plaquettes de bois" not in heat


def test_it_reads_the_suggestions_in_the_same_queries_with_few_or_many_postits(
    alices_phone, alice, bruno, colette, table_one, make_postit
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            fragment(alices_phone, alice)
        return len(captured)

    few = queries()
    for n in range(30):
        make_postit(bruno if n % 2 else colette, f"Offre numéro {n} de bois", "offer", ENERGY)
        make_postit(alice, f"Besoin numéro {n} de chaleur", "need", ENERGY)

    assert queries() == few


def test_it_fetches_the_suggestions_apart_from_the_phone_page_in_no_query_of_its_own(
    django_assert_max_num_queries, alices_phone, alice, table_one
):
    with django_assert_max_num_queries(17):  # tests/baskets/test_phone_costs.py's page
        page = alices_phone.get(f"/j/{alice.workshop.code}/").content.decode()

    assert f'hx-get="{suggestions_url(alice)}"' in page
    assert "Plaquettes de bois des haies bocagères" in page  # the grid, unfolded apart
    assert 'id="basket-suggestions-box">' in page  # folded: our baskets stay in view


def test_it_lists_the_needs_no_offer_at_the_table_seems_to_answer(
    alice, colette, table_one, make_postit
):
    make_postit(colette, "Gérer la ressource en eau potable", "need", "Eau")

    (table,) = [
        found
        for found in suggestions.for_workshop(alice.workshop)
        if found.table.pk == alice.subgroup.table_id
    ]

    unanswered = [need.text for need in table.unanswered_needs()]
    assert "Gérer la ressource en eau potable" in unanswered
    assert "Approvisionner le réseau de chaleur" not in unanswered


def test_it_shows_the_console_the_needs_no_offer_at_each_table_seems_to_answer(
    laptop, alice, colette, table_one, make_postit
):
    make_postit(colette, "Gérer la ressource en eau potable", "need", "Eau")
    workshop = alice.workshop

    console = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    listing = laptop.get(f"/w/{workshop.pk}/baskets/unanswered/").content.decode()

    assert f'hx-get="/w/{workshop.pk}/baskets/unanswered/"' in console
    table_1 = re.search(r'<li data-table="1">(.*?)</ul>', listing, re.DOTALL).group(1)
    assert "Gérer la ressource en eau potable" in table_1
    assert "Approvisionner le réseau de chaleur" not in table_1
    assert fr("Needs no offer at the table seems to answer") in listing


def test_it_lists_under_an_offer_first_the_needs_it_comes_first_for(
    alice, bruno, negotiating, make_postit
):
    heat = make_postit(alice, "Bois pour le réseau de chaleur", "need")
    land = make_postit(alice, "Foncier pour le logement", "need")
    wood = make_postit(bruno, "Bois-énergie des haies bocagères", "offer")
    make_postit(bruno, "Terres agricoles préservées", "offer")

    found = suggestions.for_table(alice.subgroup.table)

    assert [p.offer.text for p in found.for_need(land.pk)][0] == "Terres agricoles préservées"
    assert [p.need for p in found.for_offer(wood.pk)] == [heat, land]
