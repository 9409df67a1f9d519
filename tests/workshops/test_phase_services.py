"""A workshop's phases (workshops/phases.py): defaults, editing, moving, the status, and
what every screen is told."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.conftest import T0, at, reloaded
from workshops import broadcast, phases, services
from workshops.gate import clock_of
from workshops.models import Phase, Workshop

pytestmark = pytest.mark.django_db

KINDS = [
    Phase.Kind.FORMULATION,
    Phase.Kind.NEGOTIATION,
    Phase.Kind.CONDITIONS,
    Phase.Kind.PLENARY,
]


def ordered(workshop) -> list[Phase]:
    return list(Phase.objects.filter(workshop=workshop).order_by("position", "id"))


# The method's default phases -------------------------------------------------------


def test_it_offers_the_method_four_phases_in_french():
    with translation.override("fr"):
        defaults = phases.default_phases()

    assert [phase["kind"] for phase in defaults] == KINDS
    assert [phase["duration_minutes"] for phase in defaults] == [30, 45, 15, 20]
    assert [phase["name"] for phase in defaults] == [
        "Offres et besoins",
        "Négociation",
        "Conditions",
        "Plénière",
    ]
    assert all(phase["instructions"].strip() for phase in defaults)
    assert "post-it" in defaults[0]["instructions"]
    assert "panier" in defaults[1]["instructions"]


def test_it_gives_every_new_workshop_the_four_phases_in_order(owner, territories):
    with translation.override("fr"):
        workshop = services.workshop_create(
            created_by=owner, title="Atelier", territories=territories, table_count=1
        )

    created = ordered(workshop)
    assert [phase.kind for phase in created] == KINDS
    assert [phase.duration_minutes for phase in created] == [30, 45, 15, 20]
    assert [phase.position for phase in created] == [0, 1, 2, 3]
    assert created[1].name == "Négociation"
    assert all(phase.instructions for phase in created)
    assert workshop.status == Workshop.Status.PREPARING
    assert workshop.current_phase is None


# phase_save ------------------------------------------------------------------------


def test_it_adds_a_phase_at_the_end(running):
    version = reloaded(running).clock_version

    added = phases.phase_save(
        running, Phase(kind=Phase.Kind.OTHER, name="Pause café", duration_minutes=10), now=at(5)
    )

    assert ordered(running)[-1] == added
    assert added.position == 4
    assert added.workshop_id == running.pk
    assert reloaded(running).clock_version == version + 1


def test_it_refuses_an_invalid_phase_and_saves_nothing(running):
    before = reloaded(running).clock_version

    for invalid in (
        Phase(kind=Phase.Kind.OTHER, name="Trop court", duration_minutes=0),
        Phase(kind=Phase.Kind.OTHER, name="Trop long", duration_minutes=241),
        Phase(kind=Phase.Kind.OTHER, name="", duration_minutes=10),
        Phase(kind="dance", name="Inconnue", duration_minutes=10),
    ):
        with pytest.raises(ValidationError):
            phases.phase_save(running, invalid, now=at(5))

    assert len(ordered(running)) == 4
    assert reloaded(running).clock_version == before


def test_it_updates_a_waiting_phase_without_touching_the_clock(running):
    negotiation = running.phases.get(kind=Phase.Kind.NEGOTIATION)
    deadline = reloaded(running).deadline
    negotiation.name = "Marchandage"
    negotiation.duration_minutes = 60
    negotiation.position = 0  # the position is changed by moving, not by saving

    phases.phase_save(running, negotiation, now=at(5))

    negotiation.refresh_from_db()
    assert (negotiation.name, negotiation.duration_minutes, negotiation.position) == (
        "Marchandage",
        60,
        1,
    )
    assert reloaded(running).deadline == deadline == at(30)


def test_it_moves_the_deadline_when_the_running_phase_gets_longer(running):
    first = running.phases.get(kind=Phase.Kind.FORMULATION)
    first.duration_minutes = 40

    phases.phase_save(running, first, now=at(5))

    workshop = reloaded(running)
    assert workshop.phase_started_at == T0
    assert workshop.deadline == at(40)
    assert clock_of(workshop).remaining(at(5)) == datetime.timedelta(minutes=35)


def test_it_can_end_the_running_phase_by_making_it_shorter(running):
    first = running.phases.get(kind=Phase.Kind.FORMULATION)
    first.duration_minutes = 5

    phases.phase_save(running, first, now=at(10))

    workshop = reloaded(running)
    assert workshop.deadline == at(10)  # ends now, not 5 minutes in the past
    assert clock_of(workshop).is_time_up(at(10))


def test_it_keeps_the_deadline_when_only_the_running_phase_text_changes(running):
    first = running.phases.get(kind=Phase.Kind.FORMULATION)
    first.instructions = "Une idée par post-it."
    version = reloaded(running).clock_version

    phases.phase_save(running, first, now=at(5))

    workshop = reloaded(running)
    assert workshop.deadline == at(30)
    assert workshop.current_phase.instructions == "Une idée par post-it."
    assert workshop.clock_version == version + 1


# phase_move and phase_delete ---------------------------------------------------------


def test_it_moves_a_phase_up_and_down(running):
    formulation, negotiation, conditions, plenary = ordered(running)

    phases.phase_move(running, conditions, -1)
    assert ordered(running) == [formulation, conditions, negotiation, plenary]

    phases.phase_move(running, formulation, 1)
    assert ordered(running) == [conditions, formulation, negotiation, plenary]
    assert [phase.position for phase in ordered(running)] == [0, 1, 2, 3]


def test_it_leaves_the_order_alone_when_moving_past_either_end(running):
    before = ordered(running)
    version = reloaded(running).clock_version

    phases.phase_move(running, before[0], -1)
    phases.phase_move(running, before[-1], 1)

    assert ordered(running) == before
    assert reloaded(running).clock_version == version


def test_it_deletes_a_waiting_phase(running):
    plenary = running.phases.get(kind=Phase.Kind.PLENARY)

    phases.phase_delete(running, plenary)

    assert [phase.kind for phase in ordered(running)] == KINDS[:3]


def test_it_refuses_to_delete_the_running_phase(running):
    first = reloaded(running).current_phase

    with pytest.raises(ValidationError):
        phases.phase_delete(running, first)

    assert Phase.objects.filter(pk=first.pk).exists()
    assert reloaded(running).current_phase == first


def test_it_keeps_at_least_one_phase(running):
    phases.clock_command(running, phases.ClockCommand.STOP, now=at(1))
    *others, last = ordered(running)
    for phase in others:
        phases.phase_delete(running, phase)

    with pytest.raises(ValidationError):
        phases.phase_delete(running, last)

    assert ordered(running) == [last]


# Every change is announced, once committed ---------------------------------------------


def _add_phase(workshop):
    phases.phase_save(
        workshop, Phase(kind=Phase.Kind.OTHER, name="Pause", duration_minutes=5), now=at(1)
    )


def _lengthen_running_phase(workshop):
    first = workshop.phases.get(kind=Phase.Kind.FORMULATION)
    first.duration_minutes = 35
    phases.phase_save(workshop, first, now=at(1))


CHANGES = {
    "pause": lambda w: phases.clock_command(w, phases.ClockCommand.PAUSE, now=at(1)),
    "next": lambda w: phases.clock_command(w, phases.ClockCommand.NEXT, now=at(1)),
    "shift": lambda w: phases.clock_command(w, phases.ClockCommand.SHIFT, now=at(1), minutes=5),
    "set the time left": lambda w: phases.clock_command(
        w, phases.ClockCommand.SET_REMAINING, now=at(1), minutes=12
    ),
    "stop": lambda w: phases.clock_command(w, phases.ClockCommand.STOP, now=at(1)),
    "close": lambda w: phases.set_status(w, Workshop.Status.CLOSED),
    "add a phase": _add_phase,
    "lengthen the running phase": _lengthen_running_phase,
    "move a phase": lambda w: phases.phase_move(w, w.phases.get(kind=Phase.Kind.PLENARY), -1),
    "delete a phase": lambda w: phases.phase_delete(w, w.phases.get(kind=Phase.Kind.PLENARY)),
    "change the grace period": lambda w: services.workshop_update(
        w, territories=list(w.territories.all()), table_count=3, grace_seconds=0
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_it_announces_the_new_state_to_everyone_once_committed(
    running, other_workshop, change, listen, django_capture_on_commit_callbacks
):
    everyone = listen(broadcast.workshop_group(running.pk))
    elsewhere = listen(broadcast.workshop_group(other_workshop.pk))
    version = reloaded(running).clock_version

    # The one broadcast is the on-commit callback: nothing is sent before the commit.
    # (Each listener is read once: on Redis a second read can miss what came between.)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CHANGES[change](running)

    assert len(callbacks) == 1
    new_version = reloaded(running).clock_version
    assert new_version > version
    [html] = everyone.html()
    assert 'id="phase-state"' in html
    assert f'data-version="{new_version}"' in html
    assert 'hx-swap-oob="true"' in html
    assert elsewhere.messages() == []


@pytest.mark.parametrize(
    "change", ["add a phase", "lengthen the running phase", "move a phase", "delete a phase"]
)
def test_it_tells_the_consoles_to_fetch_their_list_of_phases_again_after_an_edit(
    running, change, listen, django_capture_on_commit_callbacks
):
    consoles = listen(broadcast.console_group(running.pk))

    with django_capture_on_commit_callbacks(execute=True):
        CHANGES[change](running)

    assert consoles.html() == [broadcast.CONSOLE_STALE]


def test_it_sends_the_phase_now_running_with_its_instructions(
    running, listen, django_capture_on_commit_callbacks
):
    negotiation = running.phases.get(kind=Phase.Kind.NEGOTIATION)
    everyone = listen(broadcast.workshop_group(running.pk))

    with django_capture_on_commit_callbacks(execute=True):
        phases.clock_command(running, phases.ClockCommand.NEXT, now=at(30))

    [html] = everyone.html()
    assert f'data-phase="{negotiation.pk}"' in html
    assert 'data-kind="negotiation"' in html
    assert f'data-deadline="{int(at(75).timestamp() * 1000)}"' in html
    assert negotiation.name in html
    assert '<span class="phase-number">2</span>/4' in html


def test_it_announces_nothing_when_a_command_is_refused(
    running, listen, django_capture_on_commit_callbacks
):
    everyone = listen(broadcast.workshop_group(running.pk))
    version = reloaded(running).clock_version

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            phases.clock_command(running, phases.ClockCommand.PREVIOUS, now=at(1))

    assert callbacks == []
    assert everyone.messages() == []
    assert reloaded(running).clock_version == version


REFUSED = {
    "previous from the first phase": lambda w: phases.clock_command(
        w, phases.ClockCommand.PREVIOUS, now=at(1)
    ),
    # Another facilitator moved on while this console still showed phase 1.
    "next from a phase no longer current": lambda w: phases.clock_command(
        w,
        phases.ClockCommand.NEXT,
        now=at(1),
        seen_phase_id=w.phases.get(kind=Phase.Kind.NEGOTIATION).pk,
    ),
    "a command on a closed workshop": lambda w: phases.clock_command(
        phases.set_status(w, Workshop.Status.CLOSED), phases.ClockCommand.SHIFT, minutes=5
    ),
}


@pytest.mark.parametrize("command", REFUSED)
def test_it_refuses_a_command_that_would_surprise_the_room(running, command):
    before = reloaded(running)
    with pytest.raises(ValidationError):
        REFUSED[command](running)
    after = reloaded(running)
    assert (after.current_phase_id, after.deadline, after.paused_at) == (
        before.current_phase_id,
        before.deadline,
        before.paused_at,
    )


def test_it_moves_on_when_the_console_saw_the_current_phase(running):
    first = running.current_phase_id
    moved = phases.clock_command(running, phases.ClockCommand.NEXT, now=at(1), seen_phase_id=first)
    assert moved.current_phase.kind == Phase.Kind.NEGOTIATION


@pytest.mark.parametrize(
    "command", [phases.ClockCommand.RESUME, phases.ClockCommand.PAUSE], ids=["resume", "pause"]
)
def test_it_tells_nobody_when_a_command_changes_nothing(
    running, command, listen, django_capture_on_commit_callbacks
):
    if command == phases.ClockCommand.PAUSE:  # pausing a paused clock
        phases.clock_command(running, phases.ClockCommand.PAUSE, now=at(1))
    everyone = listen(broadcast.workshop_group(running.pk))
    version = reloaded(running).clock_version

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        phases.clock_command(running, command, now=at(2))

    assert callbacks == []
    assert everyone.messages() == []
    assert reloaded(running).clock_version == version


# set_status --------------------------------------------------------------------------


def test_it_closes_and_reopens_a_workshop_keeping_its_clock(running):
    phases.set_status(running, Workshop.Status.CLOSED)
    assert reloaded(running).status == Workshop.Status.CLOSED
    assert reloaded(running).deadline == at(30)

    phases.set_status(running, Workshop.Status.OPEN)
    assert reloaded(running).status == Workshop.Status.OPEN


def test_it_opens_the_doors_of_a_workshop_being_prepared(owner, territories):
    workshop = services.workshop_create(
        created_by=owner, title="Atelier", territories=territories, table_count=1
    )

    phases.set_status(workshop, Workshop.Status.OPEN)

    assert reloaded(workshop).status == Workshop.Status.OPEN
    assert reloaded(workshop).current_phase is None


@pytest.mark.parametrize("status", [Workshop.Status.PREPARING, "", "archived"])
def test_it_refuses_any_other_status(running, status):
    version = reloaded(running).clock_version

    with pytest.raises(ValidationError):
        phases.set_status(running, status)

    assert reloaded(running).status == Workshop.Status.OPEN
    assert reloaded(running).clock_version == version
