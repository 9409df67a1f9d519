"""Everything a workshop holds, read in a fixed number of queries (one per table of rows),
for the exports (``document/``, ``tables.py``) and the report to walk without asking again."""

from dataclasses import dataclass

from baskets.balance import Balance, Move, basket_balance
from baskets.models import (
    AllianceChoice,
    AnsweredNeed,
    Basket,
    BasketConditions,
    ConditionAnswer,
    ConditionItem,
    Transaction,
)
from plenary.models import Answer, Dot, Plenary
from restitution.models import ActionChoice, BasketChoice, SectionText
from territories.models import KeyFact, Territory
from workshops.models import Participant, Phase, PostIt, SubGroup, Table, Workshop


@dataclass
class Snapshot:
    workshop: Workshop
    territories: list[Territory]
    key_facts: dict[int, list[KeyFact]]
    phases: list[Phase]
    tables: list[Table]
    subgroups: dict[int, SubGroup]  # by pk, in table then territory order
    participants: list[Participant]
    postits: list[PostIt]
    baskets: list[Basket]
    transactions: list[Transaction]
    needs: dict[int, list[int]]  # transaction pk → need post-it pks
    condition_items: list[ConditionItem]
    alliance_choices: list[AllianceChoice]
    conditions: list[BasketConditions]
    answers: dict[int, list[ConditionAnswer]]  # BasketConditions pk → its answers
    plenary: Plenary | None
    feedback: list[Answer]
    dots: list[Dot]
    # The organiser's curation (restitution editor), laid over the rows above.
    texts: list[SectionText]
    basket_choices: dict[int, BasketChoice]  # by basket pk
    action_choices: dict[int, ActionChoice]  # by transaction pk


def snapshot(workshop: Workshop) -> Snapshot:
    territories = list(Territory.objects.filter(workshops=workshop).order_by("name"))
    key_facts: dict[int, list[KeyFact]] = {t.pk: [] for t in territories}
    for fact in KeyFact.objects.filter(territory__in=territories).order_by("position", "id"):
        key_facts[fact.territory_id].append(fact)
    subgroups = {
        s.pk: s
        for s in SubGroup.objects.filter(table__workshop=workshop)
        .select_related("table", "territory")
        .order_by("table__number", "territory__name")
    }
    needs: dict[int, list[int]] = {}
    for transaction_id, need_id in (
        AnsweredNeed.objects.filter(transaction__basket__table__workshop=workshop)
        .order_by("transaction_id", "need_id")
        .values_list("transaction_id", "need_id")
    ):
        needs.setdefault(transaction_id, []).append(need_id)
    answers: dict[int, list[ConditionAnswer]] = {}
    for answer in ConditionAnswer.objects.filter(
        conditions__basket__table__workshop=workshop
    ).order_by("conditions_id", "item__position", "item_id"):
        answers.setdefault(answer.conditions_id, []).append(answer)
    return Snapshot(
        workshop=workshop,
        territories=territories,
        key_facts=key_facts,
        phases=list(workshop.phases.order_by("position", "id")),
        tables=list(workshop.tables.order_by("number")),
        subgroups=subgroups,
        participants=list(workshop.participants.order_by("id")),
        postits=list(PostIt.objects.filter(subgroup__table__workshop=workshop).order_by("id")),
        baskets=list(
            Basket.objects.filter(table__workshop=workshop).order_by(
                "table__number", "side_a__territory__name", "side_b__territory__name"
            )
        ),
        transactions=list(
            Transaction.objects.filter(basket__table__workshop=workshop).order_by("id")
        ),
        needs=needs,
        condition_items=list(workshop.condition_items.order_by("position", "id")),
        alliance_choices=list(workshop.alliance_choices.order_by("family", "position", "id")),
        conditions=list(
            BasketConditions.objects.filter(basket__table__workshop=workshop).order_by("basket_id")
        ),
        answers=answers,
        plenary=Plenary.objects.filter(workshop=workshop).first(),
        feedback=list(workshop.answers.order_by("question", "id")),
        dots=list(Dot.objects.filter(participant__workshop=workshop).order_by("id")),
        texts=list(SectionText.objects.filter(workshop=workshop).order_by("section", "id")),
        basket_choices={
            c.basket_id: c for c in BasketChoice.objects.filter(basket__table__workshop=workshop)
        },
        action_choices={
            c.transaction_id: c
            for c in ActionChoice.objects.filter(transaction__basket__table__workshop=workshop)
        },
    )


def balances(snap: Snapshot) -> dict[int, Balance]:
    """Each basket's balance by its key, as the console and the projector compute it."""
    needs_of: dict[int, list[int]] = {}
    for p in snap.postits:
        if p.kind == "need":
            needs_of.setdefault(p.subgroup_id, []).append(p.pk)
    side_a = {b.pk: b.side_a_id for b in snap.baskets}
    moves: dict[int, list[Move]] = {pk: [] for pk in side_a}
    for t in snap.transactions:
        moves[t.basket_id].append(
            Move(
                giver="a" if t.giver_id == side_a[t.basket_id] else "b",
                value=t.value,
                effort=t.effort,
                needs=frozenset(snap.needs.get(t.pk, [])),
                offer=t.offer_id,
            )
        )
    return {
        b.pk: basket_balance(
            moves[b.pk],
            needs_a=needs_of.get(b.side_a_id, []),
            needs_b=needs_of.get(b.side_b_id, []),
            tolerance=snap.workshop.balance_tolerance,
        )
        for b in snap.baskets
    }
