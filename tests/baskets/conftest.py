"""What only the baskets' tests use: the basket of Alice's and Bruno's sub-groups at
table 1, a transaction written as a phone would, and a third territory's participant.
The phases (``negotiating``, ``conditioning``) and ``basket_of`` are in tests/conftest.py."""

import pytest

from baskets import services
from tests.conftest import basket_of, subgroup_of
from workshops import services as room


@pytest.fixture
def basket(negotiating, alice, bruno):
    """Table 1's basket between Brest Métropole (Alice) and the Pays de Brest (Bruno)."""
    return basket_of(negotiating, 1, "BM", "PdB")


@pytest.fixture
def make_transaction(make_postit):
    """The giver's side gives one of its offers (a new one unless told), as a phone would."""

    def make(basket, by, *, offer=None, needs=(), note="", **scores):
        offer = offer or make_postit(by, text="Une offre", kind="offer")
        return services.transaction_create(
            basket=basket,
            by=by,
            giver=by.subgroup,
            offer=offer,
            needs=list(needs),
            note=note,
            **scores,
        )

    return make


@pytest.fixture
def colette(workshop):
    """A participant at table 1 playing the third territory (COB): she reads Alice's and
    Bruno's basket, she does not change it."""
    return room.participant_join(subgroup=subgroup_of(workshop, 1, "COB"), first_name="Colette")
