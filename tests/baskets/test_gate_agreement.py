"""The gate (workshops/gate.py) is the only place that says which phase opens what: change
``OPEN_ACTIONS`` for one kind of phase and the phone, the projector and the server change
together, none left behind to show a form the server refuses, or the reverse."""

import pytest
from django.urls import reverse

from baskets.models import Transaction
from tests.conftest import basket_of
from workshops import gate, phases
from workshops.gate import Action
from workshops.models import Phase

pytestmark = pytest.mark.django_db

# (the kind of phase running, what the gate now opens in it, baskets open then?)
EDITS = {
    "the formulation opens the baskets too": (
        Phase.Kind.FORMULATION,
        frozenset({Action.POSTITS, Action.BASKETS}),
        True,
    ),
    "the negotiation keeps the post-its only": (
        Phase.Kind.NEGOTIATION,
        frozenset({Action.POSTITS}),
        False,
    ),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_it_opens_or_closes_baskets_on_the_phone_the_projector_and_the_server_at_once(
    edit, monkeypatch, workshop, alice, bruno, participant_client, laptop
):
    kind, opens, baskets_open = edit
    monkeypatch.setitem(gate.OPEN_ACTIONS, kind, opens)
    running = phases.clock_command(
        workshop, phases.ClockCommand.GOTO, phase=workshop.phases.get(kind=kind)
    )
    basket = basket_of(running, 1, "BM", "PdB")

    phone = participant_client(alice).get(f"/j/{running.code}/").content.decode()
    assert ('id="baskets-phone"' in phone) is baskets_open
    assert (f'id="transaction-slot-{basket.pk}"' in phone) is baskets_open  # "add" offered

    projector = laptop.get(reverse("workshops:projector", args=[running.pk]))
    if baskets_open:  # following the workshop: the baskets' page, as in a negotiation
        baskets_page = reverse("baskets_screens:tables", args=[running.pk])
        assert projector.status_code == 302 and projector["Location"].startswith(baskets_page)
        assert f"{kind}:baskets" in laptop.get(projector["Location"]).content.decode()
    else:  # the tables' post-its, with no link to baskets shown (data-reached, projector.css)
        assert projector.status_code == 200
        assert 'data-reached="postits"' in projector.content.decode()

    sent = participant_client(alice).post(
        f"/j/{running.code}/baskets/{basket.pk}/add/",
        {"giver": alice.subgroup_id, "new_offer_text": "Du bois-énergie", "note": ""},
        HTTP_HX_REQUEST="true",
    )
    assert sent.status_code == (200 if baskets_open else 409)
    assert Transaction.objects.filter(basket=basket).exists() is baskets_open
