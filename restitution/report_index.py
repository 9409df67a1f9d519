"""The index of territories at the end of the report: for each territory, where its
synthesis is and, table by table, where its baskets are and with whom. The anchors are
the templates' ids; the PDF turns each link into a page number (CSS target-counter).
One link per table, not per basket: each link costs the PDF a box, a pseudo-element and
an annotation, and a table's baskets sit on one or two pages."""

from dataclasses import dataclass, field


def basket_anchor(basket) -> str:
    # One basket per pair of sub-groups at a table: the table and both territories name it.
    return f"basket-{basket.table}-{basket.a.pk}-{basket.b.pk}"


@dataclass
class IndexedTable:
    number: int
    anchor: str  # the territory's first basket at this table
    partners: list = field(default_factory=list)  # the other territories, in order


@dataclass
class IndexEntry:
    territory: object
    tables: list[IndexedTable] = field(default_factory=list)


def territory_index(report) -> list[IndexEntry]:
    entries = {t.pk: IndexEntry(t) for t in report.territories}
    for table in report.negotiation:
        for basket in table.baskets:
            for side, partner in ((basket.a, basket.b), (basket.b, basket.a)):
                entry = entries.get(side.pk)
                if entry is None:
                    continue
                if not entry.tables or entry.tables[-1].number != table.number:
                    entry.tables.append(IndexedTable(table.number, basket_anchor(basket)))
                entry.tables[-1].partners.append(partner)
    return list(entries.values())
