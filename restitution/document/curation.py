"""The organiser's curation in the restitution editor: texts, featured baskets, actions.

Optional in a document (those written before it simply lack the key), read by an archive
import only: it is content, not set-up."""

from django.utils.translation import gettext as _

from restitution.document.limits import MAX_BASKETS, MAX_TEXTS, MAX_TRANSACTIONS
from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import Row, rows
from restitution.models import ActionChoice, BasketChoice, Section, SectionText
from restitution.snapshot import Snapshot

CURATION_FIELDS = ("texts", "baskets", "actions")
TEXT_FIELDS = ("section", "territory", "text")
BASKET_CHOICE_FIELDS = ("basket", "featured", "synthesis")
ACTION_CHOICE_FIELDS = ("transaction", "status", "title", "included")


def dump_curation(snap: Snapshot, ids: Ids) -> dict:
    order = {section: n for n, section in enumerate(Section.values)}
    texts = sorted(
        snap.texts,
        key=lambda t: (order.get(t.section, len(order)), ids.territory.get(t.territory_id, 0)),
    )
    return {
        "texts": [
            written(t, TEXT_FIELDS, territory=ids.territory)
            for t in texts
            if t.territory_id is None or t.territory_id in ids.territory
        ],
        "baskets": [
            written(c, BASKET_CHOICE_FIELDS, basket=ids.basket)
            for c in sorted(snap.basket_choices.values(), key=lambda c: ids.basket[c.basket_id])
        ],
        "actions": [
            written(c, ACTION_CHOICE_FIELDS, transaction=ids.transaction)
            for c in sorted(
                snap.action_choices.values(), key=lambda c: ids.transaction[c.transaction_id]
            )
        ],
    }


def load_curation(value, draft: Draft) -> None:
    if value is None:
        return
    row = Row(value, "restitution", CURATION_FIELDS)
    _texts(row.list("texts", MAX_TEXTS), draft)
    _baskets(row.list("baskets", MAX_BASKETS), draft)
    _actions(row.list("actions", MAX_TRANSACTIONS), draft)


def _texts(value: list, draft: Draft) -> None:
    seen = set()
    for row in rows(value, "restitution.texts", TEXT_FIELDS):
        text = row.into(SectionText(workshop=draft.workshop), "section")
        text.territory = row.ref("territory", draft.territories, null=True)
        if text.territory is not None and text.section != Section.SYNTHESIS:
            row.fail(_("only phase 1 has a text per territory"))
        place = (text.section, row.data["territory"])
        if place in seen:
            row.fail(_("a text appears twice"))
        seen.add(place)
        draft.add(row.into(text, "text"))


def _baskets(value: list, draft: Draft) -> None:
    seen = set()
    for row in rows(value, "restitution.baskets", BASKET_CHOICE_FIELDS):
        basket = row.ref_once("basket", draft.baskets, seen, _("a basket appears twice"))
        draft.add(row.into(BasketChoice(basket=basket), "featured", "synthesis"))


def _actions(value: list, draft: Draft) -> None:
    seen = set()
    for row in rows(value, "restitution.actions", ACTION_CHOICE_FIELDS):
        transaction = row.ref_once(
            "transaction", draft.transactions, seen, _("a transaction appears twice")
        )
        draft.add(row.into(ActionChoice(transaction=transaction), "status", "title", "included"))


CURATION = Part("restitution", dump_curation, load_curation)
