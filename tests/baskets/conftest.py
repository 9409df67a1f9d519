"""What only the baskets' tests use: the workshop in its negotiation phase, the basket
of Alice's and Bruno's sub-groups at table 1, and a third territory's participant."""

import pytest

from baskets import services
from baskets.models import Basket
from tests.conftest import subgroup_of
from tests.workshops.conftest import _fresh_rate_limits, channel_layer  # noqa: F401
from workshops import phases
from workshops import services as room
from workshops.models import Phase


@pytest.fixture
def negotiating(workshop):
    """The shared workshop in its negotiation phase, started now: baskets are open."""
    phase = workshop.phases.get(kind=Phase.Kind.NEGOTIATION)
    return phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase)


def basket_of(workshop, table_number: int, first: str, second: str) -> Basket:
    """The basket of two territories (short names) at a table, whichever is side A."""
    ids = {subgroup_of(workshop, table_number, name).pk for name in (first, second)}
    return next(
        b
        for b in Basket.objects.filter(table__number=table_number, table__workshop=workshop)
        if {b.side_a_id, b.side_b_id} == ids
    )


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
