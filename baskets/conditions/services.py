"""Writes: a basket's conditions, and the facilitator's checklist and cards.

A participant's save passes the gate (action ``CONDITIONS``, open in the conditions
phase); who may change which basket is ``baskets/access.py``'s, asked by the views.
The whole form is saved at once, from the version it was drawn from: a stale one raises
``StaleConditions`` with what is there now (the phone keeps what was typed). The same
form sent again (same client id) is answered as saved. Broadcast once after commit.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from baskets.conditions import broadcast
from baskets.conditions.defaults import create_defaults
from baskets.models import (
    MAX_ALLIANCE_CHOICES,
    MAX_CONDITION_ITEMS,
    AllianceChoice,
    Basket,
    BasketConditions,
    ConditionAnswer,
    ConditionItem,
)
from workshops.broadcast import after_commit
from workshops.gate import Action, require_open
from workshops.models import Participant, Workshop
from workshops.refusals import Stale

FAMILIES = [family.value for family in AllianceChoice.Family]


class StaleConditions(Stale):
    """Someone saved the basket's conditions since this form was drawn."""

    def __init__(self, current: BasketConditions):
        super().__init__(current, _("The other side saved these conditions meanwhile."))


def ensure_defaults(workshop: Workshop) -> None:
    create_defaults(workshop.pk, ConditionItem, AllianceChoice)


def _check(workshop: Workshop, verdict: str, condition: str, cards: dict, answers: dict) -> None:
    if verdict and verdict not in BasketConditions.Verdict.values:
        raise ValidationError(_("Choose a verdict."))
    if verdict == BasketConditions.Verdict.CONDITIONAL and not condition.strip():
        raise ValidationError(_("Write the condition on which the basket is balanced."))
    for family, choice in cards.items():
        if family not in FAMILIES:
            raise ValidationError(_("Unknown card family."))
        if choice is not None and (choice.workshop_id != workshop.pk or choice.family != family):
            raise ValidationError(_("Choose one of this workshop's cards."))
    if answers:
        known = set(workshop.condition_items.values_list("pk", flat=True))
        if not set(answers) <= known:
            raise ValidationError(_("This checklist changed meanwhile: reload it."))


@transaction.atomic
def conditions_save(
    *,
    basket: Basket,
    by: Participant | None,
    version: int,
    verdict: str = "",
    condition: str = "",
    rebalancing: str = "",
    cards: dict[str, AllianceChoice | None] | None = None,
    answers: dict[int, tuple[bool, str]] | None = None,
    client_id: uuid.UUID | None = None,
) -> BasketConditions:
    """Save everything the form says, from ``version`` (0: nothing saved yet).
    ``answers``: per checklist item id, (ticked, text); items left out are cleared."""
    current = BasketConditions.objects.filter(basket=basket).first()
    if (
        by is not None
        and client_id is not None
        and current is not None
        and current.author_id == by.pk
        and current.client_id == client_id
    ):
        return current  # the same form again: it was saved, it is answered as saved
    workshop = basket.table.workshop
    require_open(workshop, Action.CONDITIONS, by)
    cards, answers = cards or {}, answers or {}
    _check(workshop, verdict, condition, cards, answers)
    if current is None:
        if version:
            raise ValidationError(_("These conditions were removed meanwhile."))
        try:
            with transaction.atomic():
                current = BasketConditions.objects.create(basket=basket)
        except IntegrityError:  # the other side's first save came first
            raise StaleConditions(BasketConditions.objects.get(basket=basket)) from None
    elif not BasketConditions.objects.filter(pk=current.pk, version=version).update(
        version=F("version") + 1
    ):
        raise StaleConditions(BasketConditions.objects.get(pk=current.pk))
    else:
        current.version = version + 1
    current.verdict = verdict
    current.condition = condition.strip() if verdict == BasketConditions.Verdict.CONDITIONAL else ""
    current.rebalancing = rebalancing.strip()
    for family in FAMILIES:
        setattr(current, family, cards.get(family))
    current.author, current.client_id = by, client_id if by is not None else None
    current.full_clean(exclude=["basket"], validate_constraints=False)
    current.save()
    kept = [
        ConditionAnswer(conditions=current, item_id=item_id, checked=checked, text=text.strip())
        for item_id, (checked, text) in answers.items()
        if checked or text.strip()
    ]
    for answer in kept:
        answer.full_clean(exclude=["conditions", "item"], validate_constraints=False)
    ConditionAnswer.objects.filter(conditions=current).delete()
    ConditionAnswer.objects.bulk_create(kept)
    after_commit(broadcast.broadcast_conditions, basket.pk)
    return current


# The facilitator's setup -------------------------------------------------------------


def _renumber(existing: list, wanted: list, make, update) -> None:
    """Keep rows in place by position (answers and chosen cards stay with them), add the
    new ones, remove the surplus."""
    for row, values in zip(existing, wanted, strict=False):
        update(row, values)
    for position, values in enumerate(wanted[len(existing) :], start=len(existing)):
        make(position, values)
    for row in existing[len(wanted) :]:
        row.delete()


@transaction.atomic
def condition_items_set(*, workshop: Workshop, items: list[tuple[str, str]]) -> None:
    """The workshop's checklist: (title, hint) in order."""
    items = [(title.strip(), hint.strip()) for title, hint in items if title.strip()]
    if len(items) > MAX_CONDITION_ITEMS:
        raise ValidationError(_("At most %(max)s conditions.") % {"max": MAX_CONDITION_ITEMS})

    def update(row, values):
        row.title, row.hint = values
        row.full_clean(validate_constraints=False)
        row.save(update_fields=["title", "hint"])

    def make(position, values):
        row = ConditionItem(workshop=workshop, position=position, title=values[0], hint=values[1])
        row.full_clean(validate_constraints=False)
        row.save()

    _renumber(list(workshop.condition_items.all()), items, make, update)
    after_commit(broadcast.broadcast_workshop_conditions, workshop.pk)


@transaction.atomic
def alliance_choices_set(*, workshop: Workshop, family: str, labels: list[str]) -> None:
    """One family's cards, in order."""
    if family not in FAMILIES:
        raise ValidationError(_("Unknown card family."))
    labels = [label.strip() for label in labels if label.strip()]
    if len(labels) > MAX_ALLIANCE_CHOICES:
        raise ValidationError(
            _("At most %(max)s cards in a family.") % {"max": MAX_ALLIANCE_CHOICES}
        )

    def update(row, label):
        row.label = label
        row.full_clean(validate_constraints=False)
        row.save(update_fields=["label"])

    def make(position, label):
        row = AllianceChoice(workshop=workshop, family=family, position=position, label=label)
        row.full_clean(validate_constraints=False)
        row.save()

    existing = list(workshop.alliance_choices.filter(family=family))
    _renumber(existing, labels, make, update)
    after_commit(broadcast.broadcast_workshop_conditions, workshop.pk)
