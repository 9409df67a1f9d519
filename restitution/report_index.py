"""The index of territories at the end of the report: for each territory, where its
synthesis, its baskets and their verdicts are. The anchors are the templates' ids; the
PDF turns each link into a page number (CSS target-counter)."""

from dataclasses import dataclass


def basket_anchor(basket) -> str:
    # One basket per pair of sub-groups at a table: the table and both territories name it.
    return f"basket-{basket.table}-{basket.a.pk}-{basket.b.pk}"


@dataclass
class IndexedBasket:
    table: int
    partner: object  # the other territory
    anchor: str


@dataclass
class IndexEntry:
    territory: object
    baskets: list[IndexedBasket]


def territory_index(report) -> list[IndexEntry]:
    entries = {t.pk: IndexEntry(t, []) for t in report.territories}
    for table in report.negotiation:
        for basket in table.baskets:
            anchor = basket_anchor(basket)
            for side, partner in ((basket.a, basket.b), (basket.b, basket.a)):
                if side.pk in entries:
                    entries[side.pk].baskets.append(IndexedBasket(table.number, partner, anchor))
    return list(entries.values())
