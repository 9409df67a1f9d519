"""Phases as data: the method's default four, editing them, and the facilitator's clock
commands. What each phase lets participants do is decided in ``gate.py``."""

import datetime
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from workshops import broadcast
from workshops.clock import Clock
from workshops.gate import clock_of
from workshops.models import Phase, Workshop


def default_phases() -> list[dict]:
    """The method's four phases, with instructions for participants (in the active language)."""
    return [
        {
            "kind": Phase.Kind.FORMULATION,
            "name": _("Offers and needs"),
            "duration_minutes": 30,
            "instructions": _(
                "In your sub-group, you play your territory. Write its offers (blue post-its): "
                "what it can bring to the others (resources, know-how, facilities, services). "
                "Write its needs (yellow post-its): what it lacks. Think of the ecological "
                "transition: energy, food, mobility, health… One short idea per post-it."
            ),
        },
        {
            "kind": Phase.Kind.NEGOTIATION,
            "name": _("Negotiation"),
            "duration_minutes": 45,
            "instructions": _(
                "The whole table now sees every territory's offers and needs. Pair up with "
                "another territory and build baskets: what we give you, and what you give us "
                "in return. Mix goods and services of different kinds. A new offer or need "
                "comes up while bargaining? Add it."
            ),
        },
        {
            "kind": Phase.Kind.CONDITIONS,
            "name": _("Conditions"),
            "duration_minutes": 15,
            "instructions": _(
                "Present your basket to the table. Is it balanced? Does it answer our needs? "
                "If not, how could it be rebalanced? What must be put in place for it to "
                "happen: governance, means and engineering, planning documents (SCoT, PLUi, "
                "PCAET, PAT…), financing?"
            ),
        },
        {
            "kind": Phase.Kind.PLENARY,
            "name": _("Plenary"),
            "duration_minutes": 20,
            "instructions": _(
                "All together. Did you manage to build baskets? What was hard? Was the data "
                "you were given enough?"
            ),
        },
    ]


def create_default_phases(workshop: Workshop) -> list[Phase]:
    return Phase.objects.bulk_create(
        Phase(workshop=workshop, position=position, **phase)
        for position, phase in enumerate(default_phases())
    )


# Changing the clock ------------------------------------------------------------


class ClockCommand(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    NEXT = "next"
    PREVIOUS = "previous"
    GOTO = "goto"
    SHIFT = "shift"
    SET_REMAINING = "set_remaining"
    STOP = "stop"


MAX_SHIFT_MINUTES = 60
MAX_REMAINING_MINUTES = 180


def remaining_minutes_error() -> str:
    """What the console says when the time to set is not between 0 and the maximum."""
    return _("Set the time left to a whole number of minutes, from 0 to %(max)s.") % {
        "max": MAX_REMAINING_MINUTES
    }


def _locked(workshop: Workshop) -> Workshop:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join
    # that select_related("current_phase") makes; only the workshop's row needs the lock.
    return (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("current_phase")
        .get(pk=workshop.pk)
    )


def _save_clock(
    workshop: Workshop, clock: Clock, phase: Phase | None, *fields: str, consoles_too=False
) -> None:
    workshop.current_phase = phase
    workshop.phase_started_at = clock.started_at
    workshop.deadline = clock.deadline
    workshop.paused_at = clock.paused_at
    workshop.clock_version += 1
    workshop.save(
        update_fields=[
            "current_phase",
            "phase_started_at",
            "deadline",
            "paused_at",
            "clock_version",
            *fields,
        ]
    )
    broadcast.after_commit(broadcast.broadcast_phase_state, workshop.pk, consoles_too=consoles_too)


def _neighbour(workshop: Workshop, step: int) -> Phase | None:
    phases = list(workshop.phases.all())
    if workshop.current_phase is None:
        return phases[0] if phases and step > 0 else None
    ids = [phase.pk for phase in phases]
    if workshop.current_phase_id not in ids:
        return None
    index = ids.index(workshop.current_phase_id) + step
    return phases[index] if 0 <= index < len(phases) else None


@transaction.atomic
def clock_command(
    workshop: Workshop,
    command: ClockCommand,
    *,
    now: datetime.datetime | None = None,
    phase: Phase | None = None,
    minutes: int | None = None,
    seen_phase_id: int | None = None,
) -> Workshop:
    """Apply one facilitator command to the workshop's clock; everyone hears the new state.

    ``seen_phase_id`` is the phase the console showed when "next" or "previous" was
    clicked: if another facilitator moved on meanwhile, the click is refused rather
    than skipping a phase.
    """
    now = now or timezone.now()
    workshop = _locked(workshop)
    clock = clock_of(workshop)
    target = workshop.current_phase
    extra_fields = []

    if workshop.status == Workshop.Status.CLOSED:
        raise ValidationError(_("The workshop is closed: reopen it first."))
    if (
        command in (ClockCommand.NEXT, ClockCommand.PREVIOUS)
        and seen_phase_id is not None
        and seen_phase_id != workshop.current_phase_id
    ):
        raise ValidationError(
            _("The phase changed meanwhile (another facilitator?). Check, then try again.")
        )

    if command == ClockCommand.START and target is not None:
        # A double click, or a console that has not heard of the first start yet:
        # moving on to the next phase would skip one.
        raise ValidationError(_("A phase is already running."))
    if command in (ClockCommand.START, ClockCommand.NEXT, ClockCommand.PREVIOUS):
        step = -1 if command == ClockCommand.PREVIOUS else 1
        target = _neighbour(workshop, step)
        if target is None:
            if command == ClockCommand.PREVIOUS:
                raise ValidationError(_("This is already the first phase."))
            raise ValidationError(_("This is already the last phase."))
    elif command == ClockCommand.GOTO:
        if phase is None or phase.workshop_id != workshop.pk:
            raise ValidationError(_("Choose a phase of this workshop."))
        target = phase
    elif target is None and command != ClockCommand.STOP:
        raise ValidationError(_("Start the first phase first."))

    if command in (
        ClockCommand.START,
        ClockCommand.NEXT,
        ClockCommand.PREVIOUS,
        ClockCommand.GOTO,
    ):
        clock = clock.start(now, datetime.timedelta(minutes=target.duration_minutes))
        if workshop.status == Workshop.Status.PREPARING:  # starting opens the doors
            workshop.status = Workshop.Status.OPEN
            extra_fields.append("status")
    elif command == ClockCommand.PAUSE:
        if clock.is_paused:  # nothing to tell anyone
            return workshop
        clock = clock.pause(now)
    elif command == ClockCommand.RESUME:
        if not clock.is_paused:
            return workshop
        clock = clock.resume(now)
    elif command == ClockCommand.SHIFT:
        if not minutes or abs(minutes) > MAX_SHIFT_MINUTES:
            raise ValidationError(
                _("Add or remove between 1 and %(max)s minutes.") % {"max": MAX_SHIFT_MINUTES}
            )
        clock = clock.shift(datetime.timedelta(minutes=minutes), now)
    elif command == ClockCommand.SET_REMAINING:
        if minutes is None or not 0 <= minutes <= MAX_REMAINING_MINUTES:
            raise ValidationError(remaining_minutes_error())
        clock = clock.set_remaining(now, datetime.timedelta(minutes=minutes))
    elif command == ClockCommand.STOP:
        clock, target = clock.stop(), None
    _save_clock(workshop, clock, target, *extra_fields)
    return workshop


@transaction.atomic
def set_status(workshop: Workshop, status: str) -> Workshop:
    """Open the doors, close the workshop (read-only), or reopen it."""
    workshop = _locked(workshop)
    if status not in (Workshop.Status.OPEN, Workshop.Status.CLOSED):
        raise ValidationError(_("A workshop can only be opened or closed."))
    workshop.status = status
    workshop.clock_version += 1
    workshop.save(update_fields=["status", "clock_version"])
    broadcast.after_commit(broadcast.broadcast_phase_state, workshop.pk)
    return workshop


# Editing the phases --------------------------------------------------------------


def announce_state(workshop: Workshop) -> None:
    """Something every screen shows changed (phases, grace): bump the version, resend."""
    Workshop.objects.filter(pk=workshop.pk).update(clock_version=F("clock_version") + 1)
    broadcast.after_commit(broadcast.broadcast_phase_state, workshop.pk, consoles_too=True)


@transaction.atomic
def phase_save(
    workshop: Workshop,
    phase: Phase,
    *,
    now: datetime.datetime | None = None,
) -> Phase:
    """Create or update a phase. Changing the running phase's duration moves its deadline."""
    now = now or timezone.now()
    workshop = _locked(workshop)
    phase.workshop = workshop
    phase.full_clean()
    if phase.pk is None:
        last = workshop.phases.order_by("-position").first()
        phase.position = last.position + 1 if last else 0
        phase.save()
        announce_state(workshop)
        return phase
    before = Phase.objects.get(pk=phase.pk, workshop=workshop)
    phase.position = before.position
    phase.save()
    if workshop.current_phase_id == phase.pk and before.duration_minutes != phase.duration_minutes:
        delta = datetime.timedelta(minutes=phase.duration_minutes - before.duration_minutes)
        # The consoles' list of phases shows durations: it is re-fetched too.
        _save_clock(workshop, clock_of(workshop).shift(delta, now), phase, consoles_too=True)
    else:
        announce_state(workshop)
    return phase


def _check_belongs(workshop: Workshop, phase: Phase) -> None:
    if phase.workshop_id != workshop.pk:
        raise ValidationError(_("Choose a phase of this workshop."))


@transaction.atomic
def phase_move(workshop: Workshop, phase: Phase, step: int) -> None:
    _check_belongs(workshop, phase)
    workshop = _locked(workshop)
    phases = list(workshop.phases.all())
    index = next(i for i, p in enumerate(phases) if p.pk == phase.pk)
    other = index + step
    if not 0 <= other < len(phases):
        return
    phases[index], phases[other] = phases[other], phases[index]
    for position, each in enumerate(phases):
        each.position = position
    Phase.objects.bulk_update(phases, ["position"])
    announce_state(workshop)


@transaction.atomic
def phase_delete(workshop: Workshop, phase: Phase) -> None:
    _check_belongs(workshop, phase)
    workshop = _locked(workshop)
    if workshop.current_phase_id == phase.pk:
        raise ValidationError(_("This phase is running: move to another phase before removing it."))
    if workshop.phases.count() <= 1:
        raise ValidationError(_("A workshop keeps at least one phase."))
    phase.delete()
    announce_state(workshop)
