"""The report's needs left unanswered, beside those no offer at the table seemed to answer
(restitution/suggestions.py, report/_unanswered.html)."""

import re

import pytest

from baskets import services as baskets
from baskets.models import Basket
from restitution import pdf
from tests.conftest import fr, subgroup_of
from workshops import services as room

pytestmark = pytest.mark.django_db


def test_it_lists_the_needs_left_unanswered_and_marks_those_no_offer_seemed_to_answer(
    workshop, alice, bruno, make_postit
):
    colette = room.participant_join(subgroup=subgroup_of(workshop, 1, "COB"), first_name="Colette")
    heat = make_postit(alice, "Approvisionner le réseau de chaleur", "need", "Énergie")
    make_postit(alice, "Bus vers les zones d'activité", "need", "Mobilité")
    make_postit(alice, "Gérer la ressource en eau potable", "need", "Eau")
    wood = make_postit(bruno, "Plaquettes de bois des haies bocagères", "offer", "Énergie")
    make_postit(colette, "Lignes de car et covoiturage", "offer", "Mobilité")
    basket = next(
        b
        for b in Basket.objects.filter(table__workshop=workshop, table__number=1)
        if {b.side_a_id, b.side_b_id} == {alice.subgroup_id, bruno.subgroup_id}
    )
    baskets.transaction_create(
        basket=basket, by=None, giver=bruno.subgroup, offer=wood, needs=[heat], note=""
    )

    html = pdf.render_html(workshop, "fr")

    section = html[html.index('id="unanswered-needs"') :]
    section = section[: section.index("</section>")]
    assert fr("Needs left unanswered") in section
    assert "Approvisionner le réseau de chaleur" not in section  # a basket answers it
    assert "Bus vers les zones d" in section
    marked = re.findall(r"○</span> BM\W+([^<]+)</li>", section)
    assert marked == ["Gérer la ressource en eau potable"]  # the coach lines may answer the bus
