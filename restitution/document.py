"""The JSON document of a whole workshop, "paniers-workshop" version 1 (docs/restitution.md).

Rows refer to each other by the document's own ids: 1, 2, 3… in each list's order, never
the database's keys, so that a document exported, imported and exported again is the same.
"""

from restitution.models import Section
from restitution.snapshot import Snapshot, snapshot
from workshops.models import Workshop

FORMAT, VERSION = "paniers-workshop", 1


def _ids(rows) -> dict[int, int]:
    return {row.pk: n for n, row in enumerate(rows, start=1)}


def workshop_document(workshop: Workshop) -> dict:
    return build_document(snapshot(workshop))


def build_document(snap: Snapshot) -> dict:
    w = snap.workshop
    territory = _ids(snap.territories)
    subgroup = _ids(snap.subgroups.values())
    participant = _ids(snap.participants)
    postit = _ids(snap.postits)
    basket = _ids(snap.baskets)
    transaction = _ids(snap.transactions)
    item = _ids(snap.condition_items)
    choice = _ids(snap.alliance_choices)
    table_subgroups: dict[int, list[dict]] = {t.pk: [] for t in snap.tables}
    for s in snap.subgroups.values():
        table_subgroups[s.table_id].append(
            {"id": subgroup[s.pk], "territory": territory[s.territory_id]}
        )
    tables = {t.pk: t.number for t in snap.tables}
    conditions = sorted(snap.conditions, key=lambda c: basket[c.basket_id])
    plenary = snap.plenary
    return {
        "format": FORMAT,
        "version": VERSION,
        "workshop": {
            "title": w.title,
            "event": w.event,
            "date": w.date.isoformat() if w.date else None,
            "place": w.place,
            "themes": list(w.themes),
            "grace_seconds": w.grace_seconds,
            "balance_tolerance": w.balance_tolerance,
        },
        "territories": [
            {
                "id": territory[t.pk],
                "name": t.name,
                "short_name": t.short_name,
                "kind": t.kind,
                "color": t.color,
                "sheet": t.sheet,
                "key_facts": [
                    {"label": f.label, "value": f.value, "source": f.source}
                    for f in snap.key_facts[t.pk]
                ],
            }
            for t in snap.territories
        ],
        "phases": [
            {
                "kind": p.kind,
                "name": p.name,
                "instructions": p.instructions,
                "duration_minutes": p.duration_minutes,
            }
            for p in snap.phases
        ],
        "tables": [{"number": t.number, "subgroups": table_subgroups[t.pk]} for t in snap.tables],
        "condition_items": [
            {"id": item[i.pk], "title": i.title, "hint": i.hint} for i in snap.condition_items
        ],
        "alliance_choices": [
            {"id": choice[c.pk], "family": c.family, "label": c.label}
            for c in snap.alliance_choices
        ],
        "plenary": None
        if plenary is None
        else {
            "questions": list(plenary.questions),
            "dots_per_participant": plenary.dots_per_participant,
            "dots_per_item": plenary.dots_per_item,
            "order": plenary.order,
        },
        "participants": [
            {
                "id": participant[p.pk],
                "subgroup": subgroup[p.subgroup_id],
                "first_name": p.first_name,
            }
            for p in snap.participants
        ],
        "postits": [
            {
                "id": postit[p.pk],
                "subgroup": subgroup[p.subgroup_id],
                "author": participant.get(p.author_id),
                "kind": p.kind,
                "text": p.text,
                "theme": p.theme,
            }
            for p in snap.postits
        ],
        "baskets": [
            {
                "id": basket[b.pk],
                "table": tables[b.table_id],
                "side_a": subgroup[b.side_a_id],
                "side_b": subgroup[b.side_b_id],
            }
            for b in snap.baskets
        ],
        "transactions": [
            {
                "id": transaction[t.pk],
                "basket": basket[t.basket_id],
                "giver": subgroup[t.giver_id],
                "offer": postit[t.offer_id],
                "needs": [postit[n] for n in snap.needs.get(t.pk, [])],
                "note": t.note,
                "value": t.value,
                "effort": t.effort,
                "author": participant.get(t.author_id),
            }
            for t in snap.transactions
        ],
        "conditions": [
            {
                "basket": basket[c.basket_id],
                "verdict": c.verdict,
                "condition": c.condition,
                "rebalancing": c.rebalancing,
                **{
                    family: choice.get(getattr(c, f"{family}_id"))
                    for family in ("purpose", "carrier", "horizon", "intensity")
                },
                "answers": [
                    {"item": item[a.item_id], "checked": a.checked, "text": a.text}
                    for a in snap.answers.get(c.pk, [])
                ],
            }
            for c in conditions
        ],
        "feedback": [
            {
                "question": a.question,
                "text": a.text,
                "shown": a.shown,
                "author": participant[a.author_id],
            }
            for a in snap.feedback
        ],
        "dots": [
            {
                "participant": participant[d.participant_id],
                "basket": basket.get(d.basket_id),
                "transaction": transaction.get(d.transaction_id),
            }
            for d in snap.dots
        ],
        "restitution": _restitution(snap, territory, basket, transaction),
    }


def _restitution(snap: Snapshot, territory: dict, basket: dict, transaction: dict) -> dict:
    """The organiser's curation (restitution editor): optional in a document, read by an
    archive import only; documents from before it simply lack the key."""
    order = {section: n for n, section in enumerate(Section.values)}
    texts = sorted(
        snap.texts,
        key=lambda t: (order.get(t.section, len(order)), territory.get(t.territory_id, 0)),
    )
    return {
        "texts": [
            {
                "section": t.section,
                "territory": territory.get(t.territory_id),
                "text": t.text,
            }
            for t in texts
            if t.territory_id is None or t.territory_id in territory
        ],
        "baskets": [
            {"basket": basket[c.basket_id], "featured": c.featured, "synthesis": c.synthesis}
            for c in sorted(snap.basket_choices.values(), key=lambda c: basket[c.basket_id])
        ],
        "actions": [
            {
                "transaction": transaction[c.transaction_id],
                "status": c.status,
                "title": c.title,
                "included": c.included,
            }
            for c in sorted(
                snap.action_choices.values(), key=lambda c: transaction[c.transaction_id]
            )
        ],
    }
