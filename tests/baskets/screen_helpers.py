"""What the tests of the facilitator's screens of the negotiation share: the phase, a
basket found by its table and territories, a transaction written through the services."""

from baskets import services as baskets
from baskets.models import Basket
from tests.conftest import command, subgroup_of
from workshops import services
from workshops.models import Phase, Workshop


def negotiating(workshop: Workshop, when) -> Workshop:
    """The negotiation phase, started at ``when``."""
    phase = workshop.phases.get(kind=Phase.Kind.NEGOTIATION)
    return command(workshop, "goto", when, phase=phase)


def basket_of(workshop: Workshop, table: int, a: str, b: str) -> Basket:
    return Basket.objects.get(
        side_a=subgroup_of(workshop, table, a), side_b=subgroup_of(workshop, table, b)
    )


def give(basket: Basket, giver: str, text: str = "Bois-énergie", *, value=None, effort=None):
    """``giver`` (a short name) gives a new offer of its own, answering no need."""
    side = basket.side_a if basket.side_a.territory.short_name == giver else basket.side_b
    offer = services.postit_create(subgroup=side, author=None, kind="offer", text=text)
    return baskets.transaction_create(
        basket=basket, by=None, giver=side, offer=offer, value=value, effort=effort
    )
