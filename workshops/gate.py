"""The gate: the one place that says whether a participant may do something right now.

Every participant write goes through a service that calls ``require_open`` with the
participant who writes (post-its in ``workshops/services.py``, baskets in
``baskets/services.py``, conditions, feedback and dots): no view checks the gate by hand,
so none can forget it. Once the gate lets a write through, it spends the participant's
write budget (``ratelimit.spend_write_budget``). Both refuse with a ``Refusal``
(``workshops/refusals.py``: ``PhaseClosed`` 409, ``TooMany`` 429), which the one refusal
path turns into the answer. Facilitators' writes (and the demo's) pass no participant:
the gate is the room's, not theirs. Screens get ``OPEN_ACTIONS`` of the current phase
with the clock, so phones close on time too.

It is also the only place that reads a phase's kind to decide: whatever a screen shows
or hides because of the phase asks ``is_open`` (may participants do it now, the clock
aside), ``in_phase_of`` (the current phase is the one for it, even once the workshop is
closed), ``phase_reached`` (that phase is current or past: its results are on show) or
``has_phase_for`` (the workshop plans one). Change ``OPEN_ACTIONS`` and the phones, the
projector, the console and the server change together
(tests/baskets/test_gate_agreement.py).
"""

import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshops.clock import Clock
from workshops.models import Phase, Workshop
from workshops.ratelimit import spend_write_budget
from workshops.refusals import PhaseClosed

__all__ = [
    "PhaseClosed",
    "require_open",
    "closed_reason",
    "open_actions",
    "Action",
    "is_open",
    "in_phase_of",
    "phase_reached",
    "has_phase_for",
    "kinds_opening",
]


class Action(StrEnum):
    """What a participant's phone can do, each open in some kinds of phase only."""

    POSTITS = "postits"  # write, edit and delete one's own post-its
    BASKETS = "baskets"
    CONDITIONS = "conditions"
    FEEDBACK = "feedback"


OPEN_ACTIONS: dict[str, frozenset[Action]] = {
    Phase.Kind.FORMULATION: frozenset({Action.POSTITS}),
    # New offers and needs come up while bargaining: post-its stay open.
    Phase.Kind.NEGOTIATION: frozenset({Action.POSTITS, Action.BASKETS}),
    Phase.Kind.CONDITIONS: frozenset({Action.CONDITIONS}),
    Phase.Kind.PLENARY: frozenset({Action.FEEDBACK}),
    Phase.Kind.OTHER: frozenset(),
}

ACTION_NAMES = {
    Action.POSTITS: gettext_lazy("Post-its"),
    Action.BASKETS: gettext_lazy("Baskets"),
    Action.CONDITIONS: gettext_lazy("Conditions"),
    Action.FEEDBACK: gettext_lazy("Feedback"),
}


def clock_of(workshop: Workshop) -> Clock:
    return Clock(
        started_at=workshop.phase_started_at,
        deadline=workshop.deadline,
        paused_at=workshop.paused_at,
    )


def grace_of(workshop: Workshop) -> datetime.timedelta:
    return datetime.timedelta(seconds=workshop.grace_seconds)


def phase_in_play(workshop: Workshop) -> Phase | None:
    """The current phase, if the workshop is open: the one participants work in."""
    if workshop.status != Workshop.Status.OPEN:
        return None
    return workshop.current_phase


def phase_actions(workshop: Workshop) -> frozenset[Action]:
    """What the phase in play opens, whatever the clock says (phones apply the clock)."""
    if phase_in_play(workshop) is None:
        return frozenset()
    return current_phase_opens(workshop)


def is_open(workshop: Workshop, action: Action) -> bool:
    """The workshop is open and its current phase opens ``action``, whatever the clock says:
    what a screen draws as editable (phones close on time by the clock; the server asks
    ``require_open``, which adds the clock)."""
    return action in phase_actions(workshop)


def kinds_opening(action: Action) -> frozenset[str]:
    """The phase kinds during which participants may do ``action``."""
    return frozenset(kind for kind, actions in OPEN_ACTIONS.items() if action in actions)


def current_phase_opens(workshop: Workshop) -> frozenset[Action]:
    """What the current phase opens, whether or not the workshop is still open (a closed
    workshop shows its last phase, read-only)."""
    phase = workshop.current_phase
    return OPEN_ACTIONS[phase.kind] if phase is not None else frozenset()


def in_phase_of(workshop: Workshop, action: Action) -> bool:
    """The current phase is one that opens ``action`` (see ``current_phase_opens``)."""
    return action in current_phase_opens(workshop)


def phase_reached(workshop: Workshop, action: Action) -> bool:
    """A phase that opens ``action`` is the current one or came before it: what was done in
    it is on show from then on (baskets once the negotiation started, conditions once
    theirs did)."""
    phase = workshop.current_phase
    if phase is None:
        return False
    if action in OPEN_ACTIONS[phase.kind]:
        return True  # no query for the phase in play
    return workshop.phases.filter(
        kind__in=kinds_opening(action), position__lte=phase.position
    ).exists()


def reached_actions(phase_kinds: list[str], current: int | None) -> frozenset[Action]:
    """``phase_reached`` for every action at once, from the workshop's phase kinds in order
    and the current phase's index (None: not started): no query of its own."""
    if current is None:
        return frozenset()
    return frozenset().union(*(OPEN_ACTIONS[kind] for kind in phase_kinds[: current + 1]))


def has_phase_for(workshop: Workshop, action: Action) -> bool:
    """The workshop has a phase that opens ``action`` (the projector's views of it are
    offered). Asked by every projector page and the console for several views: one query
    per workshop object and action."""
    cache = workshop.__dict__.setdefault("_has_phase_for", {})
    if action not in cache:
        cache[action] = workshop.phases.filter(kind__in=kinds_opening(action)).exists()
    return cache[action]


def open_actions(workshop: Workshop, now: datetime.datetime | None = None) -> frozenset[Action]:
    """What participants may do at this instant."""
    now = now or timezone.now()
    if not clock_of(workshop).accepts_input(now, grace_of(workshop)):
        return frozenset()
    return phase_actions(workshop)


def closed_reason(
    workshop: Workshop, action: Action, now: datetime.datetime | None = None
) -> str | None:
    """None when a participant may do ``action`` now; otherwise what to tell them."""
    now = now or timezone.now()
    if workshop.status == Workshop.Status.PREPARING:
        return _("The workshop has not opened yet.")
    if workshop.status == Workshop.Status.CLOSED:
        return _("The workshop is closed: everything is read-only now.")
    phase = workshop.current_phase
    if phase is None:
        return _("The facilitator has not started the first phase yet. Your text is kept.")
    if action not in OPEN_ACTIONS[phase.kind]:
        return _("%(action)s are closed during this phase (%(phase)s). Your text is kept.") % {
            "action": ACTION_NAMES[action],
            "phase": phase.name,
        }
    if not clock_of(workshop).accepts_input(now, grace_of(workshop)):
        return _(
            "Time is up for this phase. Your text is kept: it can be sent if the "
            "facilitator gives more time."
        )
    return None


# The words a spent budget is refused with, per action (dots pass their own); the budget
# itself is one per participant, across kinds (ratelimit.spend_write_budget).
WRITE_BUDGETS = {
    Action.POSTITS: "postit",
    Action.BASKETS: "basket",
    Action.CONDITIONS: "basket",
    Action.FEEDBACK: "answer",
}


def require_open(
    workshop: Workshop,
    action: Action,
    participant=None,
    now: datetime.datetime | None = None,
    *,
    budget: str | None = None,
) -> None:
    """Raise ``PhaseClosed`` when ``participant`` may not do ``action`` now, else spend
    one write of their budget (``TooMany`` once it is spent).

    ``participant`` None is a facilitator's (or the demo's) write: not gated, not counted.
    """
    if participant is None:
        return
    if reason := closed_reason(workshop, action, now):
        raise PhaseClosed(reason)
    spend_write_budget(budget or WRITE_BUDGETS[action], participant.pk)
