"""The sticky dots, read in a fixed number of queries: the chart of what the room dotted
(on the projector, the console and the presenter) and a phone's dots to place."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from baskets import selectors as baskets
from baskets.models import Basket, Transaction
from plenary.models import Dot, Plenary
from plenary.selectors import pair_label, plenary_of
from workshops import stats
from workshops.models import Participant, Workshop

CHART_TEMPLATE = "plenary/_chart.html"


# The chart ---------------------------------------------------------------------


@dataclass
class Bar:
    kind: str  # "b" or "t"
    pk: int
    label: str  # what is given ("PdB → Bois-énergie"), or the pair for a whole basket
    table: int
    dots: int
    percent: int  # of the most dotted item's
    pair: str = ""  # "BM ↔ PdB": with the table, which basket it is
    detail: str = ""  # the needs answered, when two items would read the same without them
    needs: str = ""  # a transaction's, for ``detail``


@dataclass
class Chart:
    plenary: Plenary
    bars: list[Bar]
    total: int
    voters: int


def chart(workshop: Workshop, plenary: Plenary | None = None) -> Chart:
    """Dotted items, most dots first (ties by table, then label): five queries."""
    plenary = plenary or plenary_of(workshop)
    dots = Dot.objects.filter(participant__workshop=workshop)
    counts = Counter()
    voters = set()
    for basket_id, transaction_id, participant_id in dots.values_list(
        "basket_id", "transaction_id", "participant_id"
    ):
        counts[("b", basket_id) if basket_id else ("t", transaction_id)] += 1
        voters.add(participant_id)
    basket_ids = [pk for kind, pk in counts if kind == "b"]
    transaction_ids = [pk for kind, pk in counts if kind == "t"]
    labels = {}  # (kind, pk) -> (label, table, pair, needs)
    for basket in Basket.objects.filter(pk__in=basket_ids).select_related(
        "table", "side_a__territory", "side_b__territory"
    ):
        pair = pair_label(basket)
        labels[("b", basket.pk)] = (pair, basket.table.number, pair, "")
    for t in (
        Transaction.objects.filter(pk__in=transaction_ids)
        .select_related(
            "offer",
            "basket__table",
            "giver__territory",
            "basket__side_a__territory",
            "basket__side_b__territory",
        )
        .prefetch_related("needs")
    ):
        giver = t.giver.territory
        labels[("t", t.pk)] = (
            f"{giver.label} → {t.offer.text}",
            t.basket.table.number,
            pair_label(t.basket),
            " ; ".join(need.text for need in t.needs.all()),
        )
    top = max(counts.values(), default=0)
    bars = []
    for (kind, pk), n in counts.items():
        if (kind, pk) in labels:
            label, table, pair, needs = labels[(kind, pk)]
            bars.append(
                Bar(kind, pk, label, table, n, round(100 * n / top), pair=pair, needs=needs)
            )
    _tell_apart(bars)
    bars.sort(key=lambda bar: (-bar.dots, bar.table, bar.pair, bar.label, bar.pk))
    return Chart(plenary, bars, sum(counts.values()), len(voters))


def _tell_apart(bars: list[Bar]) -> None:
    """Two items of one basket that give the same offer read the same: the needs they
    answer tell them apart, and failing that, a number."""
    same = Counter((bar.table, bar.pair, bar.label) for bar in bars)
    for bar in bars:
        if same[(bar.table, bar.pair, bar.label)] > 1:
            bar.detail = bar.needs
    same = Counter((bar.table, bar.pair, bar.label, bar.detail) for bar in bars)
    numbers = Counter()
    for bar in sorted(bars, key=lambda bar: bar.pk):
        key = (bar.table, bar.pair, bar.label, bar.detail)
        if same[key] > 1:
            numbers[key] += 1
            bar.detail = " · ".join(filter(None, [bar.detail, f"#{numbers[key]}"]))


def render_chart(workshop: Workshop, *, oob: bool = False) -> str:
    """Hidden results: only the count of dots placed, no bar."""
    stats.count("plenary_chart_renders")
    plenary = plenary_of(workshop)
    result = chart(workshop, plenary) if plenary.results_shown else None
    total = (
        result.total
        if result is not None
        else Dot.objects.filter(participant__workshop=workshop).count()
    )
    return render_to_string(
        CHART_TEMPLATE,
        {"workshop": workshop, "plenary": plenary, "chart": result, "total": total, "oob": oob},
    )


# A phone's dots ----------------------------------------------------------------


@dataclass
class PhoneItem:
    value: str  # what the phone posts: "b12" for a basket, "t34" for a transaction
    basket: Basket
    transaction: Transaction | None
    mine: int  # my dots on it
    # Sent with a tap on "Place a dot": a tap sent again finds its dot (Dot.client_id).
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def marks(self) -> str:
        return "●" * self.mine


@dataclass
class PhoneDots:
    plenary: Plenary
    left: int
    tables: list  # (table, [PhoneItem], open) for every table of the workshop

    @property
    def marks(self) -> str:
        return "●" * self.left

    @property
    def can_place(self) -> bool:
        return self.plenary.voting_open and self.left > 0


def phone_dots(participant: Participant, plenary: Plenary | None = None) -> PhoneDots:
    """What a phone shows to vote: six queries."""
    workshop = participant.workshop
    plenary = plenary or plenary_of(workshop)
    mine = Counter()
    for basket_id, transaction_id in Dot.objects.filter(participant=participant).values_list(
        "basket_id", "transaction_id"
    ):
        mine[f"b{basket_id}" if basket_id else f"t{transaction_id}"] += 1
    left = max(plenary.dots_per_participant - sum(mine.values()), 0)
    tables = []
    for entry in baskets.negotiation(workshop):
        items = []
        for view in entry.baskets:
            value = f"b{view.basket.pk}"
            items.append(PhoneItem(value, view.basket, None, mine[value]))
            for t in view.transactions:
                items.append(PhoneItem(f"t{t.pk}", view.basket, t, mine[f"t{t.pk}"]))
        # Folded, unless it is our table or holds our dots: a phone redrawn after a dot
        # keeps the table it voted in open.
        unfolded = entry.table.pk == participant.subgroup.table_id or any(i.mine for i in items)
        tables.append((entry.table, items, unfolded))
    return PhoneDots(plenary, left, tables)


def phone_item(participant: Participant, value: str) -> tuple[PhoneDots, PhoneItem | None]:
    """One item as a phone shows it, and the voter's dots left: what a dot's answer
    redraws (six queries, whatever the size of the room)."""
    plenary = plenary_of(participant.workshop)
    mine = Counter()
    for basket_id, transaction_id in Dot.objects.filter(participant=participant).values_list(
        "basket_id", "transaction_id"
    ):
        mine[f"b{basket_id}" if basket_id else f"t{transaction_id}"] += 1
    left = max(plenary.dots_per_participant - sum(mine.values()), 0)
    dots = PhoneDots(plenary, left, [])
    kind, pk = value[:1], value[1:]
    workshop = participant.workshop
    if kind == "b":
        basket = (
            Basket.objects.filter(pk=pk, table__workshop=workshop)
            .select_related("side_a__territory", "side_b__territory")
            .first()
        )
        return dots, basket and PhoneItem(value, basket, None, mine[value])
    found = (
        Transaction.objects.filter(pk=pk, basket__table__workshop=workshop)
        .select_related("offer", "giver__territory", "basket")
        .first()
    )
    return dots, found and PhoneItem(value, found.basket, found, mine[value])
