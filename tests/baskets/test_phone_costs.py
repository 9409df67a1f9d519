"""The phone's negotiation page and a basket cost the same few queries whatever the
number of post-its and transactions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 17  # measured: the same with 1 or 30 transactions
BASKET_QUERIES = 8


def fill(basket, alice, bruno, make_postit, make_transaction, count: int):
    needs = [make_postit(bruno, text=f"Besoin {n}", kind="need") for n in range(3)]
    for n in range(count):
        make_transaction(
            basket, alice, needs=needs[: n % 3 + 1], note=f"Note {n}", effort=n % 5 + 1
        )


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [1, 30])
def test_it_reads_the_negotiation_page_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
    participant_client,
    alice,
    bruno,
    basket,
    make_postit,
    make_transaction,
    count,
):
    fill(basket, alice, bruno, make_postit, make_transaction, count)
    client = participant_client(alice)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(f"/j/{alice.workshop.code}/")
    assert len(re.findall(r'id="transaction-\d+"', response.content.decode())) == count


def test_it_reads_a_basket_in_the_same_queries_with_one_or_thirty_transactions(
    django_assert_max_num_queries,
    participant_client,
    alice,
    bruno,
    basket,
    make_postit,
    make_transaction,
):
    client = participant_client(alice)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    path = f"/j/{alice.workshop.code}/baskets/{basket.pk}/"
    fill(basket, alice, bruno, make_postit, make_transaction, 1)
    few = queries(client, path)
    fill(basket, alice, bruno, make_postit, make_transaction, 29)
    with django_assert_max_num_queries(BASKET_QUERIES):
        response = client.get(path)
    assert len(re.findall(r'id="transaction-\d+"', response.content.decode())) == 30
    assert queries(client, path) == few
