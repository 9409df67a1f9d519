"""Reads: a table's baskets with their balances and warnings, in a fixed number of
queries whatever the number of transactions (tests/baskets/test_phone_costs.py, test_write_costs.py)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string

from baskets.balance import Balance, Move, TableWarnings, basket_balance, counts_mislead
from baskets.balance import table_warnings as warnings_of
from baskets.models import Basket, Transaction
from workshops import stats
from workshops.models import Participant, PostIt, Table, Workshop
from workshops.selectors import Column, TableBoard, workshop_board

BASKET_TEMPLATE = "baskets/_basket.html"
WARNINGS_TEMPLATE = "baskets/_table_warnings.html"
# A live change of one transaction (baskets/broadcast.py): the transaction, its controls
# (the table's phones only), the basket's gauge and its one-way note.
TRANSACTION_TEMPLATE = "baskets/_transaction.html"
CONTROLS_TEMPLATE = "baskets/_transaction_controls.html"
GAUGE_TEMPLATE = "baskets/_gauge.html"
ONE_WAY_TEMPLATE = "baskets/_basket_one_way.html"


@dataclass
class BasketView:
    basket: Basket
    transactions: list[Transaction]
    balance: Balance

    @property
    def counts_mislead(self) -> bool:
        return counts_mislead(self.balance)

    def given_by(self, side: str) -> list[Transaction]:
        giver_id = self.basket.side_a_id if side == "a" else self.basket.side_b_id
        return [t for t in self.transactions if t.giver_id == giver_id]

    @property
    def sides(self):
        """(side, what it gives, giver territory, receiver territory), A first."""
        a, b = self.basket.side_a.territory, self.basket.side_b.territory
        return [("a", self.from_a, a, b), ("b", self.from_b, b, a)]

    @property
    def from_a(self) -> list[Transaction]:
        return self.given_by("a")

    @property
    def from_b(self) -> list[Transaction]:
        return self.given_by("b")


@dataclass
class TableNegotiation:
    table: Table
    baskets: list[BasketView]
    warnings: TableWarnings
    postits: dict[int, PostIt] = field(default_factory=dict)  # the table's needs, by id

    def basket(self, basket_id: int) -> BasketView | None:
        return next((view for view in self.baskets if view.basket.pk == basket_id), None)

    @property
    def unanswered_needs(self) -> list[PostIt]:
        return [self.postits[pk] for pk in self.warnings.unanswered_needs]

    @property
    def shared_offers(self) -> list[tuple[PostIt, list[Basket]]]:
        by_id = {view.basket.pk: view.basket for view in self.baskets}
        offers = {t.offer_id: t.offer for view in self.baskets for t in view.transactions}
        return [
            (offers[offer_id], [by_id[pk] for pk in basket_ids])
            for offer_id, basket_ids in self.warnings.shared_offers.items()
        ]

    @property
    def one_way_baskets(self) -> list[Basket]:
        return [view.basket for view in self.baskets if view.balance.one_way]


def _moves(transactions: list[Transaction], basket: Basket) -> list[Move]:
    return [
        Move(
            giver="a" if t.giver_id == basket.side_a_id else "b",
            value=t.value,
            effort=t.effort,
            needs=frozenset(need.pk for need in t.answered),
            offer=t.offer_id,
        )
        for t in transactions
    ]


def negotiation(workshop: Workshop, table: Table | None = None) -> list[TableNegotiation]:
    """Every table of the workshop (or one) with its baskets, balances and warnings:
    four queries."""
    baskets = list(
        Basket.objects.filter(table__workshop=workshop, **({"table": table} if table else {}))
        .select_related("table", "side_a__territory", "side_b__territory")
        .order_by("table__number", "side_a__territory__name", "side_b__territory__name")
    )
    for basket in baskets:  # the fragments' URLs carry the workshop's code: no query each
        basket.table.workshop = workshop
    transactions: dict[int, list[Transaction]] = {basket.pk: [] for basket in baskets}
    for t in (
        Transaction.objects.filter(basket__in=baskets)
        .select_related("offer", "giver__territory")
        .prefetch_related(
            Prefetch(
                "needs", queryset=PostIt.objects.order_by("created_at", "id"), to_attr="answered"
            )
        )
        .order_by("created_at", "id")
    ):
        transactions[t.basket_id].append(t)
    needs = PostIt.objects.filter(kind=PostIt.Kind.NEED, subgroup__table__workshop=workshop)
    if table is not None:
        needs = needs.filter(subgroup__table=table)
    needs_of: dict[int, list[PostIt]] = {}
    for need in needs.order_by("created_at", "id"):
        needs_of.setdefault(need.subgroup_id, []).append(need)

    tolerance = workshop.balance_tolerance
    tables: dict[int, TableNegotiation] = {}
    for basket in baskets:
        moves = _moves(transactions[basket.pk], basket)
        balance = basket_balance(
            moves,
            needs_a=[n.pk for n in needs_of.get(basket.side_a_id, [])],
            needs_b=[n.pk for n in needs_of.get(basket.side_b_id, [])],
            tolerance=tolerance,
        )
        view = BasketView(basket, transactions[basket.pk], balance)
        entry = tables.setdefault(
            basket.table_id, TableNegotiation(basket.table, [], TableWarnings())
        )
        entry.baskets.append(view)
    for entry in tables.values():
        subgroup_ids = {v.basket.side_a_id for v in entry.baskets} | {
            v.basket.side_b_id for v in entry.baskets
        }
        table_needs = [n for sid in sorted(subgroup_ids) for n in needs_of.get(sid, [])]
        entry.postits = {n.pk: n for n in table_needs}
        entry.warnings = warnings_of(
            {view.basket.pk: _moves(view.transactions, view.basket) for view in entry.baskets},
            needs=[n.pk for n in sorted(table_needs, key=lambda n: (n.created_at, n.pk))],
            one_way=[view.basket.pk for view in entry.baskets if view.balance.one_way],
        )
    return list(tables.values())


def table_negotiation(table: Table) -> TableNegotiation:
    found = negotiation(table.workshop, table=table)
    return found[0] if found else TableNegotiation(table, [], TableWarnings())


def pair_across_tables(workshop: Workshop, territory_a_id: int, territory_b_id: int):
    """The same two territories' basket at every table (the projector's pair view)."""
    pair = {territory_a_id, territory_b_id}
    return [
        view
        for entry in negotiation(workshop)
        for view in entry.baskets
        if {view.basket.side_a.territory_id, view.basket.side_b.territory_id} == pair
    ]


def render_basket(view: BasketView, *, oob: bool = False, us: int | None = None) -> str:
    """``us``: rendered for a phone of that sub-group, with the transactions' controls."""
    stats.count("basket_renders")
    return render_to_string(BASKET_TEMPLATE, {"view": view, "oob": oob, "us": us})


def render_transaction(basket: Basket, transaction_: Transaction, *, oob: bool = False) -> str:
    """Without controls (no ``us``); ``oob``: replacing its copy by id."""
    context = {"basket": basket, "t": transaction_, "transaction_oob": oob}
    return render_to_string(TRANSACTION_TEMPLATE, context)


def render_controls(basket: Basket, transaction_: Transaction) -> str:
    context = {"basket": basket, "t": transaction_, "controls_oob": True}
    return render_to_string(CONTROLS_TEMPLATE, context)


def render_balance(view: BasketView) -> str:
    """The basket's gauge and its one-way note, out of band: what a write renders of its
    basket (counted as the basket's render: bench/baskets.py)."""
    stats.count("basket_renders")
    basket = view.basket
    context = {
        "view": view,
        "basket": basket,
        "balance": view.balance,
        "a": basket.side_a.territory,
        "b": basket.side_b.territory,
        "live_gauge": True,
        "gauge_oob": True,
        "one_way_oob": True,
    }
    return render_to_string(GAUGE_TEMPLATE, context) + render_to_string(ONE_WAY_TEMPLATE, context)


def render_table_warnings(entry: TableNegotiation, *, oob: bool = False) -> str:
    return render_to_string(WARNINGS_TEMPLATE, {"entry": entry, "oob": oob})


# The phone ---------------------------------------------------------------------


def own_first(entry: TableNegotiation, participant: Participant) -> list[BasketView]:
    """The table's baskets, the participant's own sub-group's first."""
    return sorted(entry.baskets, key=lambda v: v.basket.side_of(participant.subgroup_id) is None)


def table_grid(table: Table) -> TableBoard:
    """The table's grid, as the projector shows it: three queries."""
    return workshop_board(table.workshop, table=table)[0]


def filter_grid(board: TableBoard, *, territory_id: int | None = None, theme: str = ""):
    """Only one territory's column, only one theme's post-its, when asked."""
    columns = [c for c in board.columns if territory_id in (None, c.subgroup.territory_id)]
    if theme:
        columns = [
            Column(
                c.subgroup,
                [p for p in c.offers if p.theme == theme],
                [p for p in c.needs if p.theme == theme],
            )
            for c in columns
        ]
    return TableBoard(board.table, columns)


def transaction_written_by(author: Participant, client_id) -> Transaction | None:
    """The transaction a form already wrote, when the same form comes again."""
    if client_id is None:
        return None
    return Transaction.objects.filter(author=author, client_id=client_id).first()
