"""A phone that sends an id no database can hold gets the form back, not a 500."""

import pytest

from baskets.models import Transaction

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def test_a_need_id_out_of_range_is_refused_like_an_unknown_one(
    participant_client, alice, basket, make_postit
):
    offer = make_postit(alice, text="Bois-énergie", kind="offer")
    response = participant_client(alice).post(
        f"/j/{alice.workshop.code}/baskets/{basket.pk}/add/",
        {"giver": alice.subgroup_id, "offer": offer.pk, "needs": [HUGE], "score": 2},
    )
    assert 400 <= response.status_code < 500
    assert not Transaction.objects.exists()
