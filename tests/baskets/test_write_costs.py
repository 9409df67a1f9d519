"""A phone's basket write costs the same few queries and one render, its broadcast
included, whatever the basket holds: every write of the room goes through these
(bench/baskets.py). Committed for real (transaction=True), as under Daphne: the broadcast
runs when the write commits, inside the request, and the answer reuses its HTML."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets import selectors
from tests.baskets.test_projector_live import counting_live_renders

pytestmark = pytest.mark.django_db(transaction=True)

# Measured, the broadcast included: the request's workshop, session, basket and
# participant, the form's post-its, the write, then the basket and its table read once
# for the broadcast, whose HTML the answer reuses. They were 26, 28, 21 and 21 while
# full_clean queried the rows the write had just read, the edit form read the needs it
# was sent and the giver came one query later; 22, 22, 17 and 21 while the answer read
# and rendered the basket a second time.
CREATE_QUERIES = 18
EDIT_QUERIES = 18
SCORE_QUERIES = 13
# Deleting a transaction also deletes the sticky dots placed on it and the organiser's
# choice for it as an action (restitution.ActionChoice): one query each for the
# collector, whatever their number.
DELETE_QUERIES = 17


@pytest.fixture
def bruno_phone(participant_client, bruno):
    client = participant_client(bruno)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


def fill(basket, alice, bruno, make_postit, make_transaction, count: int):
    need = make_postit(bruno, text="Un besoin", kind="need")
    for n in range(count):
        make_transaction(basket, alice, needs=[need], note=f"Note {n}", effort=n % 5 + 1)
    return need


def post(client, path, data) -> int:
    with CaptureQueriesContext(connection) as captured, counting_live_renders() as renders:
        response = client.post(path, data)
    assert response.status_code == 200, response.content[:500]
    # One render of each fragment, the broadcast's, for the table, the screens and the
    # writer's answer; never the whole basket.
    assert renders[selectors.BASKET_TEMPLATE] == 0, path
    assert max(renders.values()) == 1, (path, renders)
    assert renders[selectors.GAUGE_TEMPLATE] == 1, path
    return len(captured)


def writes(phone, bruno_phone, basket, offer, need) -> dict:
    code = basket.table.workshop.code
    counts = {
        "create": post(
            phone,
            f"/j/{code}/baskets/{basket.pk}/add/",
            {"offer": offer.pk, "needs": [need.pk], "note": "Sous réserve", "score": "3"},
        )
    }
    mine = basket.transactions.order_by("pk").last()
    counts["edit"] = post(
        phone,
        f"/j/{code}/baskets/t/{mine.pk}/edit/",
        {"offer": offer.pk, "needs": [need.pk], "note": "Autrement", "version": mine.version},
    )
    counts["score"] = post(bruno_phone, f"/j/{code}/baskets/t/{mine.pk}/score/", {"score": 4})
    mine.refresh_from_db()
    counts["delete"] = post(
        phone, f"/j/{code}/baskets/t/{mine.pk}/delete/", {"version": mine.version}
    )
    return counts


def test_each_write_costs_a_fixed_number_of_queries_with_one_or_fifteen_transactions(
    phone,
    bruno_phone,
    alice,
    bruno,
    basket,
    make_postit,
    make_transaction,
):
    offer = make_postit(alice, text="Une offre", kind="offer")
    need = fill(basket, alice, bruno, make_postit, make_transaction, 1)
    few = writes(phone, bruno_phone, basket, offer, need)
    fill(basket, alice, bruno, make_postit, make_transaction, 14)
    many = writes(phone, bruno_phone, basket, offer, need)
    assert few == many
    assert many == {
        "create": CREATE_QUERIES,
        "edit": EDIT_QUERIES,
        "score": SCORE_QUERIES,
        "delete": DELETE_QUERIES,
    }
