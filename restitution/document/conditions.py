"""Each basket's conditions: the verdict, the texts, the alliance cards, the checklist."""

from django.utils.translation import gettext as _

from baskets.models import MAX_CONDITION_ITEMS, BasketConditions, ConditionAnswer
from restitution.document.checklist import CARD_FAMILIES
from restitution.document.limits import MAX_BASKETS
from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import fail, rows
from restitution.snapshot import Snapshot

VERDICT_FIELDS = ("verdict", "condition", "rebalancing")
# Its own columns; then "answers", the list of its checklist's answers.
CONDITIONS_COLUMNS = ("basket", *VERDICT_FIELDS, *CARD_FAMILIES)
CONDITIONS_FIELDS = (*CONDITIONS_COLUMNS, "answers")
ANSWER_FIELDS = ("item", "checked", "text")


def dump_conditions(snap: Snapshot, ids: Ids) -> list[dict]:
    cards = {family: ids.card for family in CARD_FAMILIES}
    return [
        {
            **written(c, CONDITIONS_COLUMNS, basket=ids.basket, **cards),
            "answers": [
                written(a, ANSWER_FIELDS, item=ids.item) for a in snap.answers.get(c.pk, [])
            ],
        }
        for c in sorted(snap.conditions, key=lambda c: ids.basket[c.basket_id])
    ]


def load_conditions(value, draft: Draft) -> None:
    seen = set()
    for row in rows(value, "conditions", CONDITIONS_FIELDS, MAX_BASKETS):
        basket = row.ref_once(
            "basket", draft.baskets, seen, _("a basket's conditions appear twice")
        )
        conditions = BasketConditions(basket=basket)
        row.into(conditions, *VERDICT_FIELDS)
        for family in CARD_FAMILIES:
            card = row.ref(family, draft.cards, null=True)
            if card is not None and card.family != family:
                fail(f"{row.path}.{family}", _("this card belongs to another family"))
            setattr(conditions, family, card)
        draft.add(conditions)
        answered = set()
        answers = row.list("answers", MAX_CONDITION_ITEMS)
        for answer in rows(answers, f"{row.path}.answers", ANSWER_FIELDS):
            item = answer.ref_once("item", draft.items, answered, _("an item is answered twice"))
            draft.add(
                answer.into(ConditionAnswer(conditions=conditions, item=item), "checked", "text")
            )


CONDITIONS = Part("conditions", dump_conditions, load_conditions)
