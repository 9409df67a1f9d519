"""Writes of the plenary: feedback answers and their moderation, sticky dots, the
presenter's slide, and the facilitator's settings.

Participants' writes pass the gate (``Action.FEEDBACK``, open in the plenary phase);
who may do what is decided in ``access.py`` by the views before they call here. Every
change is broadcast once, after commit, to the screens that show it (``broadcast.py``).

Dot budgets: every dot write first locks its voter's ``DotBudget`` row
(``select_for_update`` on PostgreSQL; SQLite's transactions are IMMEDIATE, see
config/settings.py, so they queue behind each other), and only then counts and writes.
Two parallel requests of one voter therefore run one after the other: the second sees
the first's dot and is refused when the budget is spent.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from baskets.models import Basket, Transaction
from plenary import broadcast, selectors
from plenary.models import (
    ANSWER_MAX_LENGTH,
    MAX_QUESTIONS,
    QUESTION_MAX_LENGTH,
    Answer,
    Dot,
    DotBudget,
    Plenary,
)
from workshops.broadcast import after_commit
from workshops.gate import Action, PhaseClosed, require_open
from workshops.models import Participant, Workshop

BASKET, TRANSACTION = "b", "t"


@dataclass(frozen=True)
class Item:
    """What a dot goes on: a basket ("b") or a transaction ("t"), by pk."""

    kind: str
    pk: int

    @property
    def value(self) -> str:
        return f"{self.kind}{self.pk}"

    def dot_filter(self) -> dict:
        return {"basket_id": self.pk} if self.kind == BASKET else {"transaction_id": self.pk}


def parse_item(value: str) -> Item | None:
    value = (value or "").strip()
    kind, number = value[:1], value[1:]
    if kind in (BASKET, TRANSACTION) and number.isdecimal() and len(number) <= 12:
        return Item(kind, int(number))
    return None


def plenary_of(workshop: Workshop) -> Plenary:
    return selectors.plenary_of(workshop)


# Settings ----------------------------------------------------------------------


@transaction.atomic
def settings_update(
    *,
    workshop: Workshop,
    questions: list[str],
    dots_per_participant: int,
    dots_per_item: int,
    order: str = Plenary.Order.TABLES,
    include_empty: bool | None = None,
) -> Plenary:
    """A facilitator's: the questions (blank lines dropped), the dots' rules, and the
    presenter's order and empty baskets (shown or skipped; None: as they were)."""
    questions = [q.strip() for q in questions if q.strip()]
    if not questions:
        raise ValidationError(_("Ask at least one question."))
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("At most %(max)s questions.") % {"max": MAX_QUESTIONS})
    if any(len(q) > QUESTION_MAX_LENGTH for q in questions):
        raise ValidationError(
            _("A question has at most %(max)s characters.") % {"max": QUESTION_MAX_LENGTH}
        )
    plenary = Plenary.objects.select_for_update().get(pk=plenary_of(workshop).pk)
    plenary.questions = questions
    plenary.dots_per_participant = dots_per_participant
    plenary.dots_per_item = dots_per_item
    if order != plenary.order or include_empty not in (None, plenary.include_empty):
        plenary.slide, plenary.part, plenary.parts = 0, 0, 1  # other slides: from the first
    plenary.order = order
    if include_empty is not None:
        plenary.include_empty = include_empty
    plenary.slide_version += 1  # the slide is rendered again, whatever it shows
    plenary.full_clean(exclude=["workshop"])
    plenary.save()
    after_commit(broadcast.broadcast_everything, workshop.pk)
    return plenary


# Feedback ----------------------------------------------------------------------


def answer_create(
    *, participant: Participant, question: int, text: str, client_id: uuid.UUID | None = None
) -> Answer:
    """A participant's answer to one question, once per ``client_id``; it reaches the
    consoles only, until a facilitator shows it."""
    if client_id is not None:
        written = Answer.objects.filter(author=participant, client_id=client_id).first()
        if written is not None:
            return written
    workshop = participant.workshop
    require_open(workshop, Action.FEEDBACK, participant)
    questions = plenary_of(workshop).questions
    text = text.strip()
    if not 0 <= question < len(questions):
        raise ValidationError(_("This question is no longer asked."))
    if not text:
        raise ValidationError(_("Write an answer."))
    if len(text) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            _("An answer has at most %(max)s characters.") % {"max": ANSWER_MAX_LENGTH}
        )
    answer = Answer(
        workshop=workshop, author=participant, question=question, text=text, client_id=client_id
    )
    try:
        with transaction.atomic():
            answer.save()
            after_commit(broadcast.broadcast_answer_arrived, workshop.pk)
    except IntegrityError:  # the same form, sent twice at the same instant
        return Answer.objects.get(author=participant, client_id=client_id)
    return answer


@transaction.atomic
def answers_show(*, workshop: Workshop, answer_ids: list[int] | None, shown: bool) -> int:
    """A facilitator shows (or hides) answers on the wall: these, or all (None)."""
    answers = Answer.objects.filter(workshop=workshop)
    if answer_ids is not None:
        answers = answers.filter(pk__in=answer_ids)
    changed = answers.exclude(shown=shown).update(shown=shown)
    if changed:
        after_commit(broadcast.broadcast_wall, workshop.pk)
    return changed


# Sticky dots -------------------------------------------------------------------


def _switch(workshop: Workshop, field: str, on: bool, broadcast_it) -> Plenary:
    """One of the plenary's switches set, under its row's lock; told once committed."""
    plenary = Plenary.objects.select_for_update().get(pk=plenary_of(workshop).pk)
    setattr(plenary, field, on)
    plenary.save(update_fields=[field])
    after_commit(broadcast_it, workshop.pk)
    return plenary


@transaction.atomic
def voting_set(*, workshop: Workshop, open_: bool) -> Plenary:
    return _switch(workshop, "voting_open", open_, broadcast.broadcast_voting)


@transaction.atomic
def results_set(*, workshop: Workshop, shown: bool) -> Plenary:
    return _switch(workshop, "results_shown", shown, broadcast.broadcast_chart)


def _check_item(workshop: Workshop, item: Item) -> None:
    if item.kind == BASKET:
        exists = Basket.objects.filter(pk=item.pk, table__workshop=workshop).exists()
    else:
        exists = Transaction.objects.filter(pk=item.pk, basket__table__workshop=workshop).exists()
    if not exists:
        raise ValidationError(_("This basket or transaction is not in this workshop."))


def _lock_budget(participant: Participant) -> None:
    """The voter's row, locked until the transaction ends: their dot writes queue here."""
    DotBudget.objects.bulk_create([DotBudget(participant=participant)], ignore_conflicts=True)
    DotBudget.objects.select_for_update().get(participant=participant)


def _voting_gate(participant: Participant) -> Plenary:
    require_open(participant.workshop, Action.FEEDBACK, participant, budget="dot")
    plenary = plenary_of(participant.workshop)
    if not plenary.voting_open:
        raise PhaseClosed(_("Voting is closed. The facilitator opens it."))
    return plenary


@transaction.atomic
def dot_place(*, participant: Participant, item: Item, client_id: uuid.UUID | None = None) -> Dot:
    """Place one dot, once per ``client_id``: the same tap sent again (its answer was lost)
    gets the dot it placed, spending nothing and passing no gate."""
    if placed := _placed_with(participant, client_id):
        return placed
    plenary = _voting_gate(participant)
    _check_item(participant.workshop, item)
    _lock_budget(participant)
    if placed := _placed_with(participant, client_id):  # sent twice at once: one waited
        return placed
    mine = Dot.objects.filter(participant=participant)
    if mine.count() >= plenary.dots_per_participant:
        raise ValidationError(_("You have no dots left: take one back to place it elsewhere."))
    if mine.filter(**item.dot_filter()).count() >= plenary.dots_per_item:
        raise ValidationError(
            _("At most %(max)s dots on one item.") % {"max": plenary.dots_per_item}
        )
    dot = Dot.objects.create(participant=participant, client_id=client_id, **item.dot_filter())
    after_commit(broadcast.chart_changed, participant.workshop_id)
    return dot


def _placed_with(participant: Participant, client_id: uuid.UUID | None) -> Dot | None:
    if client_id is None:
        return None
    return Dot.objects.filter(participant=participant, client_id=client_id).first()


@transaction.atomic
def dot_take_back(*, participant: Participant, item: Item) -> None:
    _voting_gate(participant)
    _lock_budget(participant)
    dot = Dot.objects.filter(participant=participant, **item.dot_filter()).last()
    if dot is None:
        raise ValidationError(_("You have no dot on this item."))
    dot.delete()
    after_commit(broadcast.chart_changed, participant.workshop_id)


# Presenter ---------------------------------------------------------------------


# The part a "previous" lands on: the basket's last, whatever the screen makes of it
# (presenter.js shows the last part it has; ``presenter_parts`` brings it back in range).
LAST_PART = 32767


def _locked_plenary(workshop: Workshop) -> Plenary:
    return Plenary.objects.select_for_update().get(pk=plenary_of(workshop).pk)


@transaction.atomic
def presenter_move(
    *,
    workshop: Workshop,
    to: str,
    order: str | None = None,
    include_empty: bool | None = None,
) -> Plenary:
    """Where the presenter goes: "next" or "prev" (a part of the basket, then the next or
    previous basket), "first", or a place ("table:3", "pair:4-7", "basket:12"). Another
    ``order`` starts from the first slide; showing or skipping the empty baskets keeps
    the basket on show where it can."""
    plenary = _locked_plenary(workshop)
    before = selectors.slides_of(workshop, plenary)
    current = before[min(plenary.slide, len(before) - 1)].basket.pk if before else None
    if order is not None:
        if order not in Plenary.Order.values:
            raise ValidationError(_("Choose tables or pairs."))
        plenary.order = order
    if include_empty is not None:
        plenary.include_empty = include_empty
    # The slides read once for a move, twice only when the order or the empty ones change.
    settings_change = order is not None or include_empty is not None
    shown = selectors.slides_of(workshop, plenary) if settings_change else before
    last = max(len(shown) - 1, 0)
    part, slide = 0, plenary.slide
    if order is not None:
        slide = 0
    elif not to and include_empty is not None:
        found = selectors.slide_index(shown, f"basket:{current}") if current else None
        slide, part = (found, plenary.part) if found is not None else (0, 0)
    elif to == "first":
        slide = 0
    elif to == "next":
        if plenary.part + 1 < plenary.parts:
            part = plenary.part + 1
        elif plenary.slide < last:
            slide = plenary.slide + 1
        else:
            part = min(plenary.part, plenary.parts - 1)
    elif to == "prev":
        if 0 < plenary.part < LAST_PART:
            part = min(plenary.part, plenary.parts) - 1
        elif plenary.slide > 0:
            slide, part = plenary.slide - 1, LAST_PART
    else:
        found = selectors.slide_index(shown, to)
        if found is None:
            raise ValidationError(_("Nothing to show there."))
        slide = found
    slide = min(slide, last)
    if slide != plenary.slide or order is not None:
        plenary.parts = 1  # the screen measures the new basket and says
    plenary.slide, plenary.part = slide, part
    plenary.slide_version += 1
    plenary.save(
        update_fields=["slide", "part", "parts", "order", "include_empty", "slide_version"]
    )
    after_commit(broadcast.broadcast_slide, workshop.pk)
    return plenary


@transaction.atomic
def presenter_parts(*, workshop: Workshop, basket_id: int, parts: int) -> Plenary:
    """The presenter's screen measured the basket on show: it takes ``parts`` screens.
    Said for another basket than the one on show (it moved meanwhile), it is ignored."""
    plenary = _locked_plenary(workshop)
    shown = selectors.slides_of(workshop, plenary)
    index = min(plenary.slide, len(shown) - 1)
    if not shown or shown[index].basket.pk != basket_id:
        return plenary
    parts = max(1, min(parts, LAST_PART))
    part = min(plenary.part, parts - 1)
    if (parts, part) != (plenary.parts, plenary.part):
        plenary.parts, plenary.part = parts, part
        plenary.slide_version += 1
        plenary.save(update_fields=["parts", "part", "slide_version"])
        after_commit(broadcast.broadcast_position, workshop.pk)
    return plenary
