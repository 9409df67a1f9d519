"""Each basket's conditions: the verdict, the texts, the alliance cards, the checklist."""

from django.utils.translation import gettext as _

from baskets.models import MAX_CONDITION_ITEMS, BasketConditions, ConditionAnswer
from restitution.document.checklist import CARD_FAMILIES
from restitution.document.limits import MAX_BASKETS
from restitution.document.parts import Draft, Ids, Part
from restitution.document.reading import fail, rows
from restitution.snapshot import Snapshot

CONDITIONS_FIELDS = ("basket", "verdict", "condition", "rebalancing", *CARD_FAMILIES, "answers")
ANSWER_FIELDS = ("item", "checked", "text")


def dump_conditions(snap: Snapshot, ids: Ids) -> list[dict]:
    return [
        {
            "basket": ids.basket[c.basket_id],
            "verdict": c.verdict,
            "condition": c.condition,
            "rebalancing": c.rebalancing,
            **{family: ids.card.get(getattr(c, f"{family}_id")) for family in CARD_FAMILIES},
            "answers": [
                {"item": ids.item[a.item_id], "checked": a.checked, "text": a.text}
                for a in snap.answers.get(c.pk, [])
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
        row.into(conditions, "verdict", "condition", "rebalancing")
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
