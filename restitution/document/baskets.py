"""The baskets and their transactions, with the needs each transaction answers.

The rules the app keeps and no model can check on its own: a basket's two sides sit at its
table, once per pair; a transaction's giver is a side of its basket, its offer is an offer
post-it of the giver, its needs are need post-its of the receiver."""

from django.utils.translation import gettext as _

from baskets.models import AnsweredNeed, Basket, Transaction
from restitution.document.limits import (
    MAX_ANSWERED_NEEDS,
    MAX_BASKETS,
    MAX_NEEDS_PER_TRANSACTION,
    MAX_TRANSACTIONS,
)
from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import fail, rows
from restitution.snapshot import Snapshot

BASKET_FIELDS = ("id", "table", "side_a", "side_b")
TRANSACTION_FIELDS = (
    "id",
    "basket",
    "giver",
    "offer",
    "needs",
    "note",
    "value",
    "effort",
    "author",
)


def dump_baskets(snap: Snapshot, ids: Ids) -> list[dict]:
    tables = {t.pk: t.number for t in snap.tables}  # a table is named by its number
    return [
        written(
            b, BASKET_FIELDS, id=ids.basket, table=tables, side_a=ids.subgroup, side_b=ids.subgroup
        )
        for b in snap.baskets
    ]


def load_baskets(value, draft: Draft) -> None:
    pairs = set()
    for row in rows(value, "baskets", BASKET_FIELDS, MAX_BASKETS):
        basket_id = row.id(draft.baskets)
        number = row.value("table", int)
        a, z = row.ref("side_a", draft.subgroups), row.ref("side_b", draft.subgroups)
        pair = (row.data["side_a"], row.data["side_b"])
        if a is z or a.table.number != number or z.table.number != number or pair in pairs:
            row.fail(_("its two sides must be two sub-groups of its table, once"))
        pairs.add(pair)
        draft.baskets[basket_id] = draft.add(Basket(table=a.table, side_a=a, side_b=z))


def dump_transactions(snap: Snapshot, ids: Ids) -> list[dict]:
    return [
        {
            "id": ids.transaction[t.pk],
            "basket": ids.basket[t.basket_id],
            "giver": ids.subgroup[t.giver_id],
            "offer": ids.postit[t.offer_id],
            "needs": [ids.postit[n] for n in snap.needs.get(t.pk, [])],
            "note": t.note,
            "value": t.value,
            "effort": t.effort,
            "author": ids.participant.get(t.author_id),
        }
        for t in snap.transactions
    ]


def load_transactions(value, draft: Draft) -> None:
    answered = 0
    for row in rows(value, "transactions", TRANSACTION_FIELDS, MAX_TRANSACTIONS):
        transaction_id = row.id(draft.transactions)
        basket = row.ref("basket", draft.baskets)
        giver = row.ref("giver", draft.subgroups)
        if giver is not basket.side_a and giver is not basket.side_b:
            fail(f"{row.path}.giver", _("the giver is not a side of the basket"))
        offer = row.ref("offer", draft.postits)
        if offer.subgroup is not giver or offer.kind != "offer":
            fail(f"{row.path}.offer", _("the offer must be an offer post-it of the giver"))
        transaction = Transaction(basket=basket, giver=giver, offer=offer)
        receiver = basket.side_b if giver is basket.side_a else basket.side_a
        needs = _needs(row, draft, receiver)
        answered += len(needs)
        if answered > MAX_ANSWERED_NEEDS:
            fail(
                "transactions",
                _("at most %(limit)s answered needs") % {"limit": MAX_ANSWERED_NEEDS},
            )
        row.into(transaction, "note", "value", "effort")
        transaction.author = row.ref("author", draft.participants, null=True)
        draft.transactions[transaction_id] = draft.add(transaction)
        for need in needs:
            draft.add(AnsweredNeed(transaction=transaction, need=need))


def _needs(row, draft: Draft, receiver) -> list:
    ids = row.list("needs", MAX_NEEDS_PER_TRANSACTION)
    needs = []
    for need_id in ids:
        need = draft.postits.get(need_id) if type(need_id) is int else None
        if need is None or need.subgroup is not receiver or need.kind != "need":
            fail(f"{row.path}.needs", _("each need must be a need post-it of the receiver"))
        needs.append(need)
    if len(set(ids)) != len(ids):
        fail(f"{row.path}.needs", _("a need appears twice"))
    return needs


BASKETS = Part("baskets", dump_baskets, load_baskets)
TRANSACTIONS = Part("transactions", dump_transactions, load_transactions)
