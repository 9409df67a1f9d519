import pytest

from baskets.models import Basket
from tests.conftest import subgroup_of
from workshops import phases
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
