"""Who may use each phone view of the baskets: the basket's two sub-groups change it,
the rest of its table reads it, other tables are refused (403), another workshop does
not learn it exists (404). Every URL of ``baskets/urls.py`` has its cases below, and a
test checks that none is forgotten when a view is added."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from baskets import urls as basket_urls
from baskets.models import Transaction

pytestmark = pytest.mark.django_db


@dataclass
class Call:
    method: str
    url: str
    data: dict | None = None


def calls(code: str, basket, transaction) -> dict[str, Call]:
    b, t = basket.pk, transaction.pk
    return {
        "grid": Call("get", f"/j/{code}/baskets/grid/"),
        "suggestions": Call("get", f"/j/{code}/baskets/suggestions/"),
        "basket": Call("get", f"/j/{code}/baskets/{b}/"),
        "slot": Call("get", f"/j/{code}/baskets/{b}/slot/"),
        "transaction_new": Call("get", f"/j/{code}/baskets/{b}/new/"),
        "transaction_create": Call(
            "post",
            f"/j/{code}/baskets/{b}/add/",
            {"giver": basket.side_a_id, "new_offer_text": "Du bois", "note": "Si possible"},
        ),
        "transaction_edit": Call("get", f"/j/{code}/baskets/t/{t}/edit/"),
        "transaction_edit_post": Call(
            "post",
            f"/j/{code}/baskets/t/{t}/edit/",
            {"offer": transaction.offer_id, "note": "Changée", "version": transaction.version},
        ),
        "transaction_delete": Call(
            "post", f"/j/{code}/baskets/t/{t}/delete/", {"version": transaction.version}
        ),
        "transaction_score": Call("post", f"/j/{code}/baskets/t/{t}/score/", {"score": 4}),
        # Their POST, in the conditions phase: tests/baskets/test_conditions_views.py.
        "conditions": Call("get", f"/j/{code}/baskets/{b}/conditions/"),
        "conditions_slot": Call("get", f"/j/{code}/baskets/{b}/conditions/slot/"),
    }


def _transactions(basket) -> list[tuple]:
    return list(
        Transaction.objects.filter(basket=basket).values_list("pk", "note", "value", "effort")
    )


EFFECTS: dict[str, Callable] = {
    "transaction_create": _transactions,
    "transaction_edit_post": _transactions,
    "transaction_delete": _transactions,
    "transaction_score": _transactions,
}

SIDES = ["alice", "bruno"]  # the basket's two sub-groups
OUTSIDERS = {"anonymous": 403, "owner": 403, "chloe": 403, "dora": 404}

EXPECTED: dict[str, dict[str, int]] = {
    # Every participant reads their own table's grid (Dora hers, in her workshop).
    "grid": {
        "anonymous": 403,
        "owner": 403,
        **dict.fromkeys([*SIDES, "colette", "chloe", "dora"], 200),
    },
    # Each participant reads the suggestions of their own table only (test_suggestions.py).
    "suggestions": {
        "anonymous": 403,
        "owner": 403,
        **dict.fromkeys([*SIDES, "colette", "chloe", "dora"], 200),
    },
    "basket": {**OUTSIDERS, **dict.fromkeys([*SIDES, "colette"], 200)},
    **{
        view: {**OUTSIDERS, "colette": 403, **dict.fromkeys(SIDES, 200)}
        for view in (
            "slot",
            "transaction_new",
            "transaction_create",
            "transaction_edit",
            "transaction_edit_post",
            "transaction_delete",
            "transaction_score",
            "conditions",
            "conditions_slot",
        )
    },
}

CASES = [
    pytest.param(view, actor, expected, id=f"{view}-{actor}")
    for view, by_actor in EXPECTED.items()
    for actor, expected in by_actor.items()
]


@pytest.fixture
def client_as(request, user_client, participant_client):
    def make(actor: str) -> Client:
        if actor == "anonymous":
            return Client()
        if actor == "owner":
            return user_client(request.getfixturevalue("owner"))
        return participant_client(request.getfixturevalue(actor))

    return make


@pytest.mark.parametrize(("view", "actor", "expected"), CASES)
def test_it_lets_only_the_right_people_use_each_view(
    client_as, request, basket, alice, make_transaction, view, actor, expected
):
    transaction = make_transaction(basket, alice)
    # Dora asks through her own workshop's code: its baskets are not these.
    code = request.getfixturevalue("dora").workshop.code if actor == "dora" else alice.workshop.code
    call = calls(code, basket, transaction)[view]
    effect = EFFECTS.get(view)
    before = effect(basket) if effect else None

    response = getattr(client_as(actor), call.method)(
        call.url, call.data or {}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == expected
    if effect:
        assert (effect(basket) != before) == (expected == 200), f"{view} by {actor}"


def test_it_has_permission_cases_for_every_url():
    names = {pattern.name for pattern in basket_urls.urlpatterns}
    assert names <= set(EXPECTED)
    for view, by_actor in EXPECTED.items():
        assert {"anonymous", "chloe", "dora", "colette", *SIDES} <= set(by_actor), view


def test_it_refuses_writes_by_get(participant_client, alice, basket, make_transaction):
    transaction = make_transaction(basket, alice)
    client, code = participant_client(alice), alice.workshop.code
    for url in (
        f"/j/{code}/baskets/{basket.pk}/add/",
        f"/j/{code}/baskets/t/{transaction.pk}/delete/",
        f"/j/{code}/baskets/t/{transaction.pk}/score/",
    ):
        assert client.get(url).status_code == 405, url
    assert Transaction.objects.filter(pk=transaction.pk).exists()
