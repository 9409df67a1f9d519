"""Who may read or change a basket: the one place views and consumers ask.

The two sub-groups of a basket change it; the rest of its table reads it; the
workshop's facilitators do both. Within a transaction, the receiving side sets its
value and the giving side its effort.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from baskets.models import Basket, Transaction
from workshops import access
from workshops.models import Participant, Workshop


def can_read(participant: Participant | None, basket: Basket) -> bool:
    return participant is not None and participant.subgroup.table_id == basket.table_id


def can_edit(participant: Participant | None, basket: Basket) -> bool:
    return participant is not None and basket.side_of(participant.subgroup_id) is not None


def may_set_value(participant: Participant | None, transaction: Transaction) -> bool:
    """The value is the receiver's to say: how much it matters to them."""
    return (
        participant is not None
        and can_edit(participant, transaction.basket)
        and participant.subgroup_id != transaction.giver_id
    )


def may_set_effort(participant: Participant | None, transaction: Transaction) -> bool:
    """The effort is the giver's to say: what it costs them."""
    return participant is not None and participant.subgroup_id == transaction.giver_id


def _basket_query():
    return Basket.objects.select_related(
        "table__workshop__current_phase", "side_a__territory", "side_b__territory"
    )


def basket_for_reading(request: HttpRequest, workshop: Workshop, pk: int):
    """The basket and the participant reading it; 404 outside the workshop, 403 off the table."""
    basket = get_object_or_404(_basket_query(), pk=pk, table__workshop=workshop)
    participant = access.require_participant(request, workshop)
    if not can_read(participant, basket):
        raise PermissionDenied
    return basket, participant


def basket_for_writing(request: HttpRequest, workshop: Workshop, pk: int):
    """The basket and the participant changing it: one of its two sub-groups."""
    basket, participant = basket_for_reading(request, workshop, pk)
    if not can_edit(participant, basket):
        raise PermissionDenied
    return basket, participant


def transaction_for_writing(request: HttpRequest, workshop: Workshop, pk: int):
    transaction = get_object_or_404(
        Transaction.objects.select_related("basket", "giver"),
        pk=pk,
        basket__table__workshop=workshop,
    )
    basket, participant = basket_for_writing(request, workshop, transaction.basket_id)
    transaction.basket = basket
    return transaction, participant


def basket_for_facilitator(request: HttpRequest, pk: int, basket_pk: int) -> Basket:
    workshop = access.get_workshop_for_facilitator(request, pk)
    basket = _basket_query().filter(pk=basket_pk, table__workshop=workshop).first()
    if basket is None:
        raise Http404
    return basket
