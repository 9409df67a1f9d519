"""The plenary: its settings, the feedback answers and the sticky dots."""

from django.utils.translation import gettext as _

from plenary.models import MAX_QUESTIONS, QUESTION_MAX_LENGTH, Answer, Dot, DotBudget, Plenary
from restitution.document.limits import MAX_DOTS_IN_FILE, MAX_FEEDBACK
from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import Row, fail, rows
from restitution.snapshot import Snapshot

PLENARY_FIELDS = ("questions", "dots_per_participant", "dots_per_item", "order")
FEEDBACK_FIELDS = ("question", "text", "shown", "author")
DOT_FIELDS = ("participant", "basket", "transaction")


def dump_plenary(snap: Snapshot, ids: Ids) -> dict | None:
    return None if snap.plenary is None else written(snap.plenary, PLENARY_FIELDS)


def load_plenary(value, draft: Draft) -> None:
    if value is None:
        return
    row = Row(value, "plenary", PLENARY_FIELDS)
    # The settings page's limits (plenary/services.py).
    questions = row.texts("questions", MAX_QUESTIONS, QUESTION_MAX_LENGTH)
    plenary = Plenary(workshop=draft.workshop, questions=questions)
    draft.add(row.into(plenary, "dots_per_participant", "dots_per_item", "order"))


def dump_feedback(snap: Snapshot, ids: Ids) -> list[dict]:
    return [written(a, FEEDBACK_FIELDS, author=ids.participant) for a in snap.feedback]


def load_feedback(value, draft: Draft) -> None:
    for row in rows(value, "feedback", FEEDBACK_FIELDS, MAX_FEEDBACK):
        answer = row.into(Answer(workshop=draft.workshop), "question")
        if answer.question >= MAX_QUESTIONS:
            fail(
                f"{row.path}.question",
                _("between %(low)s and %(high)s") % {"low": 0, "high": MAX_QUESTIONS - 1},
            )
        row.into(answer, "text", "shown")
        answer.author = row.ref("author", draft.participants)
        draft.add(answer)


def dump_dots(snap: Snapshot, ids: Ids) -> list[dict]:
    return [
        written(
            d,
            DOT_FIELDS,
            participant=ids.participant,
            basket=ids.basket,
            transaction=ids.transaction,
        )
        for d in snap.dots
    ]


def load_dots(value, draft: Draft) -> None:
    voters = {}
    for row in rows(value, "dots", DOT_FIELDS, MAX_DOTS_IN_FILE):
        voter_id = row.value("participant", int)
        dot = Dot(
            participant=row.ref("participant", draft.participants),
            basket=row.ref("basket", draft.baskets, null=True),
            transaction=row.ref("transaction", draft.transactions, null=True),
        )
        if (dot.basket is None) == (dot.transaction is None):
            row.fail(_("a dot is on a basket or on a transaction"))
        voters[voter_id] = dot.participant
        draft.add(dot)
    # The row a voter's dot writes lock (plenary/services.py).
    for voter_id in sorted(voters):
        draft.add(DotBudget(participant=voters[voter_id]))


PLENARY = Part("plenary", dump_plenary, load_plenary)
FEEDBACK = Part("feedback", dump_feedback, load_feedback)
DOTS = Part("dots", dump_dots, load_dots)
