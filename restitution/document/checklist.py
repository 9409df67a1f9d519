"""The conditions' set-up: the checklist's items and the alliance cards of each family."""

from baskets.models import MAX_ALLIANCE_CHOICES, MAX_CONDITION_ITEMS, AllianceChoice, ConditionItem
from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import rows
from restitution.snapshot import Snapshot

ITEM_FIELDS = ("id", "title", "hint")
CARD_FIELDS = ("id", "family", "label")
CARD_FAMILIES = tuple(AllianceChoice.Family.values)


def dump_items(snap: Snapshot, ids: Ids) -> list[dict]:
    return [written(i, ITEM_FIELDS, id=ids.item) for i in snap.condition_items]


def load_items(value, draft: Draft) -> None:
    for n, row in enumerate(rows(value, "condition_items", ITEM_FIELDS, MAX_CONDITION_ITEMS)):
        item_id = row.id(draft.items)
        item = row.into(ConditionItem(workshop=draft.workshop, position=n), "title", "hint")
        draft.items[item_id] = draft.add(item)


def dump_cards(snap: Snapshot, ids: Ids) -> list[dict]:
    return [written(c, CARD_FIELDS, id=ids.card) for c in snap.alliance_choices]


def load_cards(value, draft: Draft) -> None:
    positions: dict[str, int] = {}
    limit = MAX_ALLIANCE_CHOICES * len(CARD_FAMILIES)
    for row in rows(value, "alliance_choices", CARD_FIELDS, limit):
        card_id = row.id(draft.cards)
        card = row.into(AllianceChoice(workshop=draft.workshop), "family", "label")
        card.position = positions[card.family] = positions.get(card.family, -1) + 1
        draft.cards[card_id] = draft.add(card)


ITEMS = Part("condition_items", dump_items, load_items)
CARDS = Part("alliance_choices", dump_cards, load_cards)
