"""Reads for the facilitator's screens: the projector's negotiation and pair views and the
console's baskets, each in a fixed number of queries (tests/baskets/test_projector_*.py,
test_console_*.py)."""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone

from baskets import selectors
from baskets.balance import Gauge
from baskets.models import Basket
from territories.models import Territory
from workshops import gate
from workshops.gate import Action
from workshops.models import Workshop
from workshops.selectors import stuck_threshold


def negotiation_reached(workshop: Workshop) -> bool:
    """The current phase is the negotiation or comes after one: baskets are on the table."""
    return gate.phase_reached(workshop, Action.BASKETS)


def pairs(workshop: Workshop) -> list[tuple[Territory, Territory]]:
    """Every pair of the workshop's territories, in the baskets' order (A first by name)."""
    return list(itertools.combinations(workshop.territories.order_by("name", "pk"), 2))


def pair_view(workshop: Workshop, a: Territory, b: Territory):
    """The pair's basket at each table, in table order."""
    return selectors.pair_across_tables(workshop, a.pk, b.pk)


@dataclass
class ConsoleBasket:
    view: selectors.BasketView
    idle: bool  # no transaction yet, past the threshold of the negotiation phase

    @property
    def transactions(self) -> int:
        return len(self.view.transactions)


@dataclass
class ConsoleTable:
    entry: selectors.TableNegotiation
    baskets: list[ConsoleBasket]

    @property
    def idle(self) -> int:
        return sum(basket.idle for basket in self.baskets)


def idle_threshold(workshop: Workshop, now: datetime.datetime) -> int | None:
    """The minutes after which a pair without a transaction is flagged, once they are
    past (as the console flags a sub-group without post-its); None: no flag now."""
    if not gate.is_open(workshop, Action.BASKETS):
        return None
    phase = workshop.current_phase
    elapsed = gate.clock_of(workshop).elapsed(now)
    if elapsed is None or elapsed < stuck_threshold(phase):
        return None
    return int(elapsed.total_seconds() // 60)


def console_baskets(
    workshop: Workshop, now: datetime.datetime | None = None
) -> tuple[list[ConsoleTable], int | None]:
    """Each table's baskets with their count of transactions and gauge, the pairs still
    without a transaction flagged; and the minutes into the phase when flagging."""
    minutes = idle_threshold(workshop, now or timezone.now())
    tables = [
        ConsoleTable(
            entry,
            [
                ConsoleBasket(view, idle=minutes is not None and view.balance.gauge == Gauge.EMPTY)
                for view in entry.baskets
            ],
        )
        for entry in selectors.negotiation(workshop)
    ]
    return tables, minutes


def has_baskets(workshop: Workshop) -> bool:
    return Basket.objects.filter(table__workshop=workshop).exists()
