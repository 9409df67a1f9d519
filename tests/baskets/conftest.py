"""What only the baskets' tests use: the workshop in its negotiation phase, and the
basket of Alice's and Bruno's sub-groups at table 1."""

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
    """The shared workshop, moved to its negotiation phase (clock running)."""
    phase = workshop.phases.get(kind=Phase.Kind.NEGOTIATION)
    return phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase)


@pytest.fixture
def basket(negotiating, alice, bruno):
    """Brest Métropole ↔ Pays de Brest at table 1: Alice's and Bruno's."""
    services.ensure_baskets(negotiating)
    return Basket.objects.get(side_a=alice.subgroup, side_b=bruno.subgroup)


@pytest.fixture
def make_transaction(make_postit):
    """Alice's side gives one of its offers (a new one unless told), as her phone would."""

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
