"""What the tests of the facilitator's screens of the negotiation share: a transaction
written through the services. The phase (``goto``) and ``basket_of`` are in tests/conftest.py."""

from baskets import services as baskets
from baskets.models import Basket
from workshops import services


def give(basket: Basket, giver: str, text: str = "Bois-énergie", *, value=None, effort=None):
    """``giver`` (a short name) gives a new offer of its own, answering no need."""
    side = basket.side_a if basket.side_a.territory.short_name == giver else basket.side_b
    offer = services.postit_create(subgroup=side, author=None, kind="offer", text=text)
    return baskets.transaction_create(
        basket=basket, by=None, giver=side, offer=offer, value=value, effort=effort
    )
