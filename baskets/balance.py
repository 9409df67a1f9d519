"""The valued balance of a basket, its gauge in words, and the warnings of a table:
arithmetic only.

No database here: ``selectors.py`` turns rows into ``Move``s, and this module is
unit-tested on its own (tests/baskets/test_balance.py). docs/negotiation.md explains
the formula in the words the screens use:

    Each side's gain is the value it receives minus the effort it gives; the basket is
    balanced when the two gains differ by no more than the workshop's tolerance.

A value or effort nobody has set yet counts as ``UNRATED_SCORE``, the middle of 1–5,
so that a basket leans only on what people said; the screens say how many are unrated.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

UNRATED_SCORE = 3
DEFAULT_TOLERANCE = 2
# The shortest bar a leaning basket draws (percent of a half-gauge): a lean past the
# tolerance is always seen, however small beside large gains.
MIN_LEAN_EXTENT = 15


@dataclass(frozen=True)
class Move:
    """One transaction as the balance sees it."""

    giver: str  # "a" or "b"
    value: int | None = None  # for the receiver, set by the receiver
    effort: int | None = None  # for the giver, set by the giver
    needs: frozenset[int] = frozenset()  # the receiver's need post-its it answers
    offer: int | None = None  # the giver's offer post-it


def _other(side: str) -> str:
    return "b" if side == "a" else "a"


@dataclass
class Side:
    """What one side of a basket receives and gives."""

    value_received: int = 0
    effort_given: int = 0
    given: int = 0  # transactions this side gives
    received: int = 0  # transactions this side receives
    needs_total: int = 0  # its need post-its at the table
    needs_answered: int = 0  # of which at least one transaction here answers

    @property
    def gain(self) -> int:
        return self.value_received - self.effort_given

    @property
    def gain_shown(self) -> str:
        """The gain with its sign, as the gauge's ends write it: +4, 0, −1."""
        if self.gain > 0:
            return f"+{self.gain}"
        return f"\u2212{-self.gain}" if self.gain < 0 else "0"

    @property
    def needs_share(self) -> int | None:
        """Percent of this side's needs the basket answers; None when it has none."""
        if not self.needs_total:
            return None
        return round(100 * self.needs_answered / self.needs_total)


class Gauge(StrEnum):
    EMPTY = "empty"
    BALANCED = "balanced"
    LEANS_A = "leans_a"  # A gains more than B, past the tolerance
    LEANS_B = "leans_b"


GAUGE_LABELS = {
    Gauge.EMPTY: gettext_lazy("Empty"),
    Gauge.BALANCED: gettext_lazy("Balanced"),
}


def gauge_label(gauge: Gauge, a: str, b: str) -> str:
    """The gauge in words, naming the territory a basket leans to (``a`` and ``b``: the
    names of its two sides), as the console and the projector say it (baskets/_gauge.html)."""
    if gauge == Gauge.LEANS_A:
        return _("Leans to %(name)s") % {"name": a}
    if gauge == Gauge.LEANS_B:
        return _("Leans to %(name)s") % {"name": b}
    return str(GAUGE_LABELS[gauge])


@dataclass
class Balance:
    a: Side
    b: Side
    tolerance: int
    unrated: int  # values and efforts not set yet (each transaction has two)
    gauge: Gauge = Gauge.EMPTY

    @property
    def difference(self) -> int:
        """A's gain minus B's: positive when the basket leans to A."""
        return self.a.gain - self.b.gain

    @property
    def one_way(self) -> bool:
        """Something is given, and only by one side."""
        return (self.a.given == 0) != (self.b.given == 0)

    @property
    def transactions(self) -> int:
        return self.a.given + self.b.given

    @property
    def lean(self) -> int:
        """Where the gauge's needle stands, -100 (all to B) to 100 (all to A)."""
        scale = max(abs(self.a.gain) + abs(self.b.gain), 1)
        return max(-100, min(100, round(100 * self.difference / scale)))

    @property
    def needle(self) -> "Needle":
        """The bar the gauge draws: it goes where the verdict says, never elsewhere."""
        if self.gauge == Gauge.LEANS_A:
            return Needle("a", max(MIN_LEAN_EXTENT, abs(self.lean)))
        if self.gauge == Gauge.LEANS_B:
            return Needle("b", max(MIN_LEAN_EXTENT, abs(self.lean)))
        return Needle("", 0)


@dataclass(frozen=True)
class Needle:
    """What the gauge draws, on a bar with A's end on the left and B's on the right: from
    the centre toward the side the basket leans to (``toward`` "a" or "b"), ``extent``
    percent of the half-bar; nothing drawn (``toward`` "") when balanced or empty."""

    toward: str
    extent: int

    @property
    def start(self) -> int:
        """Where the drawn bar starts, from -100 (A's end) to 100 (B's end)."""
        return -self.extent if self.toward == "a" else 0


def basket_balance(
    moves: Iterable[Move],
    *,
    needs_a: Iterable[int] = (),
    needs_b: Iterable[int] = (),
    tolerance: int = DEFAULT_TOLERANCE,
) -> Balance:
    """The balance of one basket, from its transactions and each side's needs."""
    sides = {"a": Side(), "b": Side()}
    needs = {"a": set(needs_a), "b": set(needs_b)}
    answered: dict[str, set[int]] = {"a": set(), "b": set()}
    unrated = 0
    for move in moves:
        giver, receiver = sides[move.giver], sides[_other(move.giver)]
        giver.given += 1
        receiver.received += 1
        unrated += (move.value is None) + (move.effort is None)
        receiver.value_received += UNRATED_SCORE if move.value is None else move.value
        giver.effort_given += UNRATED_SCORE if move.effort is None else move.effort
        answered[_other(move.giver)] |= set(move.needs) & needs[_other(move.giver)]
    for name, side in sides.items():
        side.needs_total = len(needs[name])
        side.needs_answered = len(answered[name])
    balance = Balance(a=sides["a"], b=sides["b"], tolerance=tolerance, unrated=unrated)
    balance.gauge = _gauge(balance)
    return balance


def _gauge(balance: Balance) -> Gauge:
    if not balance.transactions:
        return Gauge.EMPTY
    if abs(balance.difference) <= balance.tolerance:
        return Gauge.BALANCED
    return Gauge.LEANS_A if balance.difference > 0 else Gauge.LEANS_B


@dataclass
class TableWarnings:
    """What the method asks the table to watch, across its baskets."""

    unanswered_needs: list[int] = field(default_factory=list)  # need post-its, in order
    shared_offers: dict[int, list[int]] = field(default_factory=dict)  # offer → basket ids
    one_way_baskets: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.unanswered_needs or self.shared_offers or self.one_way_baskets)


def table_warnings(
    baskets: dict[int, list[Move]], *, needs: Iterable[int], one_way: Iterable[int] = ()
) -> TableWarnings:
    """``baskets``: every basket of a table (id → its moves); ``needs``: every need
    post-it of the table; ``one_way``: the baskets whose balance says so."""
    answered = {need for moves in baskets.values() for move in moves for need in move.needs}
    promised: dict[int, list[int]] = {}
    for basket_id, moves in baskets.items():
        for offer in dict.fromkeys(move.offer for move in moves if move.offer is not None):
            promised.setdefault(offer, []).append(basket_id)
    return TableWarnings(
        unanswered_needs=[need for need in needs if need not in answered],
        shared_offers={offer: ids for offer, ids in promised.items() if len(ids) > 1},
        one_way_baskets=list(one_way),
    )


def counts_mislead(balance: Balance) -> bool:
    """Counting transactions would give another verdict than their values: the screens
    say so, which is the point of valuing them."""
    if balance.gauge == Gauge.EMPTY:
        return False
    a, b = balance.a.received, balance.b.received
    by_count = Gauge.BALANCED if a == b else Gauge.LEANS_A if a > b else Gauge.LEANS_B
    return by_count != balance.gauge
