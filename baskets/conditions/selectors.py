"""Reads: each basket's conditions in a fixed number of queries (3 at most, whatever
the number of baskets), and the one live fragment."""

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from baskets.models import AllianceChoice, Basket, BasketConditions, ConditionAnswer, ConditionItem
from baskets.selectors import BasketView, TableNegotiation, negotiation
from workshops.models import Workshop

CARD_FAMILIES = [(family.value, family.label) for family in AllianceChoice.Family]


@dataclass
class ConditionLine:
    item: ConditionItem
    checked: bool = False
    text: str = ""

    @property
    def filled(self) -> bool:
        return self.checked or bool(self.text)


@dataclass
class ConditionsView:
    basket: Basket
    record: BasketConditions | None
    lines: list[ConditionLine] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.record.version if self.record else 0

    @property
    def verdict(self) -> str:
        return self.record.verdict if self.record else ""

    @property
    def verdict_label(self) -> str:
        return self.record.get_verdict_display() if self.record else ""

    @property
    def cards(self) -> list[tuple[str, str, AllianceChoice | None]]:
        return [
            (family, label, getattr(self.record, family) if self.record else None)
            for family, label in CARD_FAMILIES
        ]

    @property
    def cards_chosen(self) -> int:
        return sum(1 for _, _, choice in self.cards if choice is not None)

    @property
    def filled(self) -> int:
        return sum(1 for line in self.lines if line.filled)

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def empty(self) -> bool:
        return not (self.verdict or self.filled or self.cards_chosen or self.rebalancing)

    @property
    def rebalancing(self) -> str:
        return self.record.rebalancing if self.record else ""


def conditions_by_basket(workshop: Workshop, baskets) -> dict[int, ConditionsView]:
    """Every given basket's conditions, by basket id."""
    baskets = list(baskets)
    items = list(ConditionItem.objects.filter(workshop=workshop))
    records = {
        record.basket_id: record
        for record in BasketConditions.objects.filter(basket__in=baskets).select_related(
            *[family for family, _ in CARD_FAMILIES]
        )
    }
    answers: dict[tuple[int, int], ConditionAnswer] = {}
    if records:
        answers = {
            (answer.conditions_id, answer.item_id): answer
            for answer in ConditionAnswer.objects.filter(
                conditions__in=[record.pk for record in records.values()]
            )
        }
    found = {}
    for basket in baskets:
        record = records.get(basket.pk)
        lines = []
        for item in items:
            answer = answers.get((record.pk, item.pk)) if record else None
            lines.append(
                ConditionLine(item, answer.checked, answer.text) if answer else ConditionLine(item)
            )
        found[basket.pk] = ConditionsView(basket, record, lines)
    return found


def card_choices(workshop: Workshop) -> dict[str, list[AllianceChoice]]:
    """The workshop's cards by family, in order (one query)."""
    chosen: dict[str, list[AllianceChoice]] = {family: [] for family, _ in CARD_FAMILIES}
    for choice in AllianceChoice.objects.filter(workshop=workshop):
        chosen.setdefault(choice.family, []).append(choice)
    return chosen


def render_conditions(view: BasketView, conditions: ConditionsView, *, oob: bool = False) -> str:
    """The live fragment: the same HTML for the table's phones and the screens."""
    context = {"view": view, "basket": view.basket, "conditions": conditions, "oob": oob}
    return render_to_string("baskets/_conditions.html", context)


@dataclass
class ScreenTable:
    """One table on the projector's conditions view: its baskets with their conditions."""

    entry: TableNegotiation
    baskets: list[tuple[BasketView, ConditionsView]]

    @property
    def table(self):
        return self.entry.table


def screen_tables(workshop: Workshop, table=None) -> list[ScreenTable]:
    """Every table's baskets (or one table's) with their conditions, in the baskets' order:
    the negotiation's four queries and the conditions' three at most."""
    entries = negotiation(workshop, table=table)
    found = conditions_by_basket(
        workshop, [view.basket for entry in entries for view in entry.baskets]
    )
    return [
        ScreenTable(entry, [(view, found[view.basket.pk]) for view in entry.baskets])
        for entry in entries
    ]
