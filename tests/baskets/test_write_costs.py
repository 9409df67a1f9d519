"""A phone's basket write costs the same few queries, its broadcast included, whatever
the basket holds: every write of the room goes through these (bench/baskets.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# Measured, the broadcast included: the request's workshop, session, basket and
# participant, the form's post-its, the write, then the basket and its table read
# twice (the answer's copy and the broadcast's). They were 26, 28, 21 and 21 while
# full_clean queried the rows the write had just read, the edit form read the needs it
# was sent and the giver came one query later.
CREATE_QUERIES = 22
EDIT_QUERIES = 22
SCORE_QUERIES = 17
# 20 since the plenary: deleting a transaction also deletes the sticky dots placed on it
# (one more query for the collector, whatever the number of dots); 21 since the report's
# editor: and the organiser's choice for it as an action (restitution.ActionChoice).
DELETE_QUERIES = 21


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


def post(client, path, data, capture) -> int:
    with CaptureQueriesContext(connection) as captured, capture(execute=True) as callbacks:
        response = client.post(path, data)
    assert response.status_code == 200, response.content[:500]
    assert len(callbacks) == 1  # one broadcast
    return len(captured)


def writes(phone, bruno_phone, basket, offer, need, capture) -> dict:
    code = basket.table.workshop.code
    counts = {
        "create": post(
            phone,
            f"/j/{code}/baskets/{basket.pk}/add/",
            {"offer": offer.pk, "needs": [need.pk], "note": "Sous réserve", "score": "3"},
            capture,
        )
    }
    mine = basket.transactions.order_by("pk").last()
    counts["edit"] = post(
        phone,
        f"/j/{code}/baskets/t/{mine.pk}/edit/",
        {"offer": offer.pk, "needs": [need.pk], "note": "Autrement", "version": mine.version},
        capture,
    )
    counts["score"] = post(
        bruno_phone, f"/j/{code}/baskets/t/{mine.pk}/score/", {"score": 4}, capture
    )
    mine.refresh_from_db()
    counts["delete"] = post(
        phone, f"/j/{code}/baskets/t/{mine.pk}/delete/", {"version": mine.version}, capture
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
    django_capture_on_commit_callbacks,
):
    offer = make_postit(alice, text="Une offre", kind="offer")
    need = fill(basket, alice, bruno, make_postit, make_transaction, 1)
    few = writes(phone, bruno_phone, basket, offer, need, django_capture_on_commit_callbacks)
    fill(basket, alice, bruno, make_postit, make_transaction, 14)
    many = writes(phone, bruno_phone, basket, offer, need, django_capture_on_commit_callbacks)
    assert few == many
    assert many == {
        "create": CREATE_QUERIES,
        "edit": EDIT_QUERIES,
        "score": SCORE_QUERIES,
        "delete": DELETE_QUERIES,
    }
