"""What only the plenary's tests use: the shared workshop with a basket and two
transactions at table 1, moved on to its plenary phase; voting open or not."""

import pytest

from baskets import services as basket_services
from plenary import services
from tests.conftest import basket_of, goto
from workshops.models import Phase


@pytest.fixture
def built(workshop, alice, bruno, make_postit):
    """Table 1's Brest Métropole ↔ Pays de Brest basket with a transaction each way,
    built in the negotiation; the workshop then in its plenary phase."""
    goto(workshop, Phase.Kind.NEGOTIATION)
    basket = basket_of(workshop, 1, "BM", "PdB")
    port = make_postit(alice, text="Port de Brest", kind="offer")
    bois = make_postit(bruno, text="Bois-énergie", kind="offer")
    first = basket_services.transaction_create(
        basket=basket, by=alice, giver=alice.subgroup, offer=port, value=None, effort=2
    )
    second = basket_services.transaction_create(
        basket=basket, by=bruno, giver=bruno.subgroup, offer=bois, effort=3
    )
    goto(workshop, Phase.Kind.PLENARY)
    workshop.refresh_from_db()
    return basket, first, second


@pytest.fixture
def plenary(built, workshop):
    return services.plenary_of(workshop)


@pytest.fixture
def every_basket(plenary):
    """The presenter shows the empty baskets too: the shared workshop's nine, in order."""
    plenary.include_empty = True
    plenary.save(update_fields=["include_empty"])
    return plenary


@pytest.fixture
def voting(plenary, workshop):
    """Voting open, results hidden."""
    return services.voting_set(workshop=workshop, open_=True)


def fresh(participant):
    """The participant as a view gets them: from the database, workshop and phase loaded."""
    from workshops.models import Participant

    return Participant.objects.select_related(
        "workshop__current_phase", "subgroup__table", "subgroup__territory"
    ).get(pk=participant.pk)


@pytest.fixture(autouse=True)
def _one_chart_per_dot(settings):
    """A chart rendered and sent within the dot's own commit, so that a test sees it at
    once; the coalescing path has its own test (test_live.py)."""
    settings.PLENARY_CHART_COALESCE = False
