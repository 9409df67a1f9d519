"""Writes: baskets and their transactions.

Keyword-only, each in one transaction, checked with ``full_clean``; the changed basket
is broadcast once the transaction commits (``broadcast.py``). A participant's write
passes through the gate (``workshops.gate.require_open``, action ``BASKETS``); who may
change what is decided in ``access.py``, by the views, before they call here.
Content edits (offer, needs, note) carry the version they were made from: a stale one
raises ``StaleEdit`` with the current transaction. Each side's own number (value,
effort) is a single tap that only that side makes: last tap wins, no version.
"""

import itertools
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from baskets import broadcast
from baskets.models import (
    MAX_NEEDS_PER_TRANSACTION,
    MAX_TRANSACTIONS_PER_BASKET,
    AnsweredNeed,
    Basket,
    Transaction,
)
from workshops import services as room
from workshops.broadcast import after_commit
from workshops.gate import Action, require_open
from workshops.models import Participant, PostIt, SubGroup, Workshop
from workshops.refusals import Stale


class StaleEdit(Stale):
    """Someone changed the transaction since this edit's form was drawn."""

    def __init__(self, current: Transaction):
        super().__init__(current, _("Someone changed this transaction meanwhile."))


def ensure_baskets(workshop: Workshop) -> None:
    """One basket per pair of sub-groups at every table, A's territory first by name."""
    subgroups = SubGroup.objects.filter(table__workshop=workshop).select_related("territory")
    by_table: dict[int, list[SubGroup]] = {}
    for subgroup in subgroups.order_by("table_id", "territory__name", "pk"):
        by_table.setdefault(subgroup.table_id, []).append(subgroup)
    Basket.objects.bulk_create(
        (
            Basket(table_id=table_id, side_a=a, side_b=b)
            for table_id, seated in by_table.items()
            for a, b in itertools.combinations(seated, 2)
        ),
        ignore_conflicts=True,
    )


def baskets_showing(postit_id: int) -> list[int]:
    """The baskets where a post-it is given or answered."""
    given = Transaction.objects.filter(offer_id=postit_id).values_list("basket_id", flat=True)
    answered = AnsweredNeed.objects.filter(need_id=postit_id).values_list(
        "transaction__basket_id", flat=True
    )
    return sorted(set(given) | set(answered))


def basket_names(basket_ids) -> list[str]:
    baskets = Basket.objects.filter(pk__in=basket_ids).select_related(
        "table", "side_a__territory", "side_b__territory"
    )
    return [str(basket) for basket in baskets]


def keep_postit_kind_in_baskets(postit: PostIt, previous_kind: str) -> None:
    """An offer given in a basket stays an offer, a need answered stays a need: the rule
    ``workshops.services.postit_update`` applies (added in ``apps.py``)."""
    if postit.kind == previous_kind:
        return
    names = basket_names(baskets_showing(postit.pk))
    if names:
        raise ValidationError(
            _("This post-it is in a basket (%(baskets)s): its kind cannot change.")
            % {"baskets": "; ".join(names)}
        )


def _announce(basket: Basket, transaction_id: int, change: broadcast.Change) -> None:
    """The transaction alone and its basket's balance, once committed (broadcast.py)."""
    after_commit(broadcast.broadcast_transaction, basket.pk, transaction_id, change)


# The rows a transaction points to were read by this very write, and the database
# checks its foreign keys: full_clean would query each one again (four per write).
READ_ALREADY = ["basket", "giver", "offer", "author"]


def _full_clean(transaction_: Transaction) -> None:
    transaction_.full_clean(exclude=READ_ALREADY, validate_constraints=False)


def _gate(basket: Basket, by: Participant | None) -> None:
    require_open(basket.table.workshop, Action.BASKETS, by)


def _check_content(basket: Basket, giver: SubGroup, offer: PostIt, needs: list[PostIt]) -> None:
    receiver_id = basket.other_side(giver.pk)
    if basket.side_of(giver.pk) is None:
        raise ValidationError(_("The giver must be one of the basket's two territories."))
    if offer.subgroup_id != giver.pk or offer.kind != PostIt.Kind.OFFER:
        raise ValidationError(_("Choose one of the giver's offers at this table."))
    if len(needs) > MAX_NEEDS_PER_TRANSACTION:
        raise ValidationError(
            _("A transaction answers at most %(max)s needs.") % {"max": MAX_NEEDS_PER_TRANSACTION}
        )
    if any(need.subgroup_id != receiver_id or need.kind != PostIt.Kind.NEED for need in needs):
        raise ValidationError(_("Choose needs of the receiving territory at this table."))


def _check_scores(transaction_: Transaction, by: Participant | None, value, effort) -> None:
    if by is None:
        return
    receiver_id = transaction_.basket.other_side(transaction_.giver_id)
    if value is not None and by.subgroup_id != receiver_id:
        raise ValidationError(_("The value is set by the territory that receives."))
    if effort is not None and by.subgroup_id != transaction_.giver_id:
        raise ValidationError(_("The effort is set by the territory that gives."))


@transaction.atomic
def transaction_create(
    *,
    basket: Basket,
    by: Participant | None,
    giver: SubGroup,
    offer: PostIt | None = None,
    new_offer_text: str = "",
    new_offer_theme: str = "",
    needs: list[PostIt] = (),
    note: str = "",
    value: int | None = None,
    effort: int | None = None,
    client_id: uuid.UUID | None = None,
) -> Transaction:
    """Add what ``giver`` gives the other side: one of its offers, or a new offer written
    here (which then shows on the grid too). Once per ``client_id``."""
    if by is not None and client_id is not None:
        written = Transaction.objects.filter(author=by, client_id=client_id).first()
        if written is not None:
            return written  # the same form again: it was saved, it is answered as saved
    _gate(basket, by)
    if basket.transactions.count() >= MAX_TRANSACTIONS_PER_BASKET:
        raise ValidationError(
            _("A basket holds at most %(max)s transactions.") % {"max": MAX_TRANSACTIONS_PER_BASKET}
        )
    needs = list(needs)
    if offer is None:
        if not new_offer_text.strip():
            raise ValidationError(_("Choose an offer, or write a new one."))
        offer = room.postit_create(
            subgroup=giver,
            author=by,
            kind=PostIt.Kind.OFFER,
            text=new_offer_text,
            theme=new_offer_theme,
            # The same form sent again writes its new offer once too: a retry racing
            # the first send must not leave a second copy on the grid.
            client_id=client_id if by is not None else None,
        )
    _check_content(basket, giver, offer, needs)
    created = Transaction(
        basket=basket,
        giver=giver,
        offer=offer,
        note=note.strip(),
        value=value,
        effort=effort,
        author=by,
        client_id=client_id,
    )
    _check_scores(created, by, value, effort)
    _full_clean(created)
    try:
        with transaction.atomic():
            created.save()
    except IntegrityError:  # the same form, sent twice at the same instant
        return Transaction.objects.get(author=by, client_id=client_id)
    AnsweredNeed.objects.bulk_create(AnsweredNeed(transaction=created, need=n) for n in needs)
    _announce(basket, created.pk, broadcast.Change.CREATED)
    return created


def _claim(transaction_: Transaction, version: int) -> None:
    """Compare and set: the row moves to the next version only if it still is at
    ``version``; otherwise someone else's edit came first."""
    claimed = Transaction.objects.filter(pk=transaction_.pk, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = Transaction.objects.filter(pk=transaction_.pk).first()
        if current is None:
            raise ValidationError(_("This transaction was removed meanwhile."))
        raise StaleEdit(current)
    transaction_.version = version + 1


@transaction.atomic
def transaction_update(
    *,
    transaction_: Transaction,
    by: Participant | None,
    version: int,
    offer: PostIt,
    needs: list[PostIt],
    note: str = "",
) -> Transaction:
    """Change what is given, the needs it answers and the note, from ``version``."""
    basket = transaction_.basket
    _gate(basket, by)
    needs = list(needs)
    _check_content(basket, transaction_.giver, offer, needs)
    _claim(transaction_, version)
    transaction_.offer, transaction_.note = offer, note.strip()
    _full_clean(transaction_)
    transaction_.save(update_fields=["offer", "note", "updated_at"])
    AnsweredNeed.objects.filter(transaction=transaction_).exclude(need__in=needs).delete()
    kept = set(
        AnsweredNeed.objects.filter(transaction=transaction_).values_list("need_id", flat=True)
    )
    AnsweredNeed.objects.bulk_create(
        AnsweredNeed(transaction=transaction_, need=need) for need in needs if need.pk not in kept
    )
    _announce(basket, transaction_.pk, broadcast.Change.CHANGED)
    return transaction_


@transaction.atomic
def transaction_score(
    *,
    transaction_: Transaction,
    by: Participant | None,
    value: int | None = None,
    effort: int | None = None,
) -> Transaction:
    """Set one side's own number: the receiver's value, or the giver's effort."""
    _gate(transaction_.basket, by)
    _check_scores(transaction_, by, value, effort)
    fields = {"value": value} if value is not None else {}
    if effort is not None:
        fields["effort"] = effort
    if not fields:
        raise ValidationError(_("Choose a number from 1 to 5."))
    for name, score in fields.items():
        setattr(transaction_, name, score)
    _full_clean(transaction_)
    # Only these columns, and only if the row is still there (a save() with
    # update_fields would fail with a DatabaseError on a removed transaction).
    if not Transaction.objects.filter(pk=transaction_.pk).update(
        **fields, updated_at=timezone.now()
    ):
        raise ValidationError(_("This transaction was removed meanwhile."))
    _announce(transaction_.basket, transaction_.pk, broadcast.Change.SCORED)
    return transaction_


@transaction.atomic
def transaction_delete(
    *, transaction_: Transaction, by: Participant | None, version: int | None
) -> None:
    """Take a transaction out of its basket (its post-its stay on the grid)."""
    basket = transaction_.basket
    _gate(basket, by)
    if version is not None:
        _claim(transaction_, version)
    pk = transaction_.pk
    transaction_.delete()
    _announce(basket, pk, broadcast.Change.DELETED)
