"""The room's clock, driven by chosen instants: never a sleep, never the wall clock.

The first half tests the pure ``Clock``; the second goes through
``phases.clock_command`` and the database, as the console does.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import T0, at, command, reloaded
from workshops import services
from workshops.clock import ZERO, Clock
from workshops.gate import Action, clock_of, closed_reason, grace_of
from workshops.models import Phase, Workshop

GRACE = datetime.timedelta(seconds=60)


def mins(value: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=value)


def running(duration: float = 30) -> Clock:
    return Clock().start(T0, mins(duration))


# The pure clock ------------------------------------------------------------------


def test_it_reads_nothing_before_a_phase_starts():
    clock = Clock()

    assert not clock.is_set and not clock.is_paused
    assert clock.remaining(T0) is None
    assert clock.elapsed(T0) is None
    assert not clock.is_time_up(T0)
    assert not clock.accepts_input(T0, GRACE)


def test_it_ignores_pause_resume_and_shift_while_no_phase_runs():
    clock = Clock()

    assert clock.pause(T0) == clock
    assert clock.resume(T0) == clock
    assert clock.shift(mins(5), T0) == clock
    assert clock.set_remaining(T0, mins(5)) == clock


def test_it_counts_down_from_the_full_duration_once_started():
    clock = running(30)

    assert clock == Clock(started_at=T0, deadline=at(30), paused_at=None)
    assert clock.remaining(T0) == mins(30)
    assert clock.remaining(at(10)) == mins(20)
    assert clock.elapsed(at(10)) == mins(10)
    assert not clock.is_time_up(at(29, 59))
    assert clock.accepts_input(at(10), GRACE)


def test_it_freezes_remaining_and_elapsed_while_paused():
    clock = running(30).pause(at(10))

    assert clock.is_paused
    for later in (at(10), at(25), at(600)):
        assert clock.remaining(later) == mins(20)
        assert clock.elapsed(later) == mins(10)
        assert not clock.is_time_up(later)


def test_it_keeps_the_first_pause_instant_when_paused_twice():
    clock = running(30).pause(at(10))

    assert clock.pause(at(20)) == clock


def test_it_goes_on_where_it_stopped_when_resumed():
    clock = running(30).pause(at(10)).resume(at(25))

    assert not clock.is_paused
    assert clock.remaining(at(25)) == mins(20)
    assert clock.remaining(at(30)) == mins(15)
    assert clock.elapsed(at(30)) == mins(15)  # the 15 paused minutes are not counted
    assert clock.deadline == at(45)


def test_it_changes_nothing_when_resuming_a_running_clock():
    clock = running(30)

    assert clock.resume(at(10)) == clock


def test_it_gives_more_time_when_extended():
    clock = running(30).shift(mins(5), at(10))

    assert clock.remaining(at(10)) == mins(25)
    assert clock.elapsed(at(10)) == mins(10)
    assert clock.started_at == T0


def test_it_extends_a_paused_clock_without_resuming_it():
    clock = running(30).pause(at(10)).shift(mins(5), at(20))

    assert clock.is_paused
    assert clock.remaining(at(40)) == mins(25)


def test_it_stops_at_zero_when_shrunk_past_the_time_left():
    clock = running(30).shift(mins(-5), at(27))  # 3 minutes left

    assert clock.deadline == at(27)
    assert clock.remaining(at(27)) == ZERO
    assert clock.is_time_up(at(27))
    assert clock.accepts_input(at(27), GRACE)


def test_it_never_puts_the_deadline_in_the_past_however_often_shrunk():
    clock = running(45)
    for seconds in range(7):  # seven "−5 min" on 15 minutes left: it once ended 20 in the past
        clock = clock.shift(mins(-5), at(30, seconds=seconds))

    assert clock.deadline == at(30, seconds=2)  # the third press reached zero
    clock = clock.shift(mins(5), at(30, seconds=10))
    assert clock.remaining(at(30, seconds=10)) == mins(5) - datetime.timedelta(seconds=8)
    assert clock.accepts_input(at(30, seconds=10), GRACE)


def test_it_gives_five_minutes_back_after_being_shrunk_to_zero():
    clock = running(30).shift(mins(-5), at(27)).shift(mins(5), at(27))

    assert clock.remaining(at(27)) == mins(5)
    assert clock.accepts_input(at(31), GRACE)


def test_it_leaves_a_deadline_already_passed_where_it_is_when_shrunk():
    clock = running(30)

    assert clock.shift(mins(-5), at(40)) == clock  # no time given back by "less time"
    assert clock.shift(mins(5), at(40)).remaining(at(40)) == mins(-5)


def test_it_stops_a_paused_clock_at_zero_left_and_keeps_it_paused():
    clock = running(30).pause(at(27)).shift(mins(-5), at(40))

    assert clock.is_paused
    assert clock.deadline == at(27)
    assert clock.remaining(at(50)) == ZERO
    assert clock.shift(mins(5), at(50)).remaining(at(60)) == mins(5)


def test_it_sets_the_time_left_from_now_while_running():
    clock = running(30).set_remaining(at(10), mins(7))

    assert clock.deadline == at(17)
    assert clock.started_at == T0
    assert clock.remaining(at(10)) == mins(7)


def test_it_sets_the_time_left_of_a_paused_clock_without_resuming_it():
    clock = running(30).pause(at(10)).set_remaining(at(25), mins(7))

    assert clock.is_paused
    assert clock.remaining(at(40)) == mins(7)
    assert clock.resume(at(40)).remaining(at(40)) == mins(7)


def test_it_reopens_an_overrun_phase_when_the_time_left_is_set():
    clock = running(30)
    assert not clock.accepts_input(at(45), GRACE)

    clock = clock.set_remaining(at(45), mins(5))

    assert clock.remaining(at(45)) == mins(5)
    assert clock.accepts_input(at(45), GRACE)


def test_it_sets_the_time_left_to_zero_and_never_below():
    assert running(30).set_remaining(at(10), ZERO).deadline == at(10)
    assert running(30).set_remaining(at(10), mins(-3)).deadline == at(10)


def test_it_is_time_up_at_the_deadline_and_accepts_input_until_the_grace_runs_out():
    clock = running(30)

    assert clock.is_time_up(at(30))
    assert clock.accepts_input(at(30), GRACE)
    assert clock.accepts_input(at(31), GRACE)
    assert not clock.accepts_input(at(31, seconds=1), GRACE)


def test_it_closes_right_after_the_deadline_with_no_grace():
    clock = running(30)

    assert clock.accepts_input(at(29, 59), datetime.timedelta(0))
    assert not clock.accepts_input(at(30, seconds=1), datetime.timedelta(0))


def test_it_restarts_a_phase_with_its_full_duration_and_running():
    clock = running(30).pause(at(10)).start(at(40), mins(45))

    assert clock == Clock(started_at=at(40), deadline=at(85), paused_at=None)
    assert clock.remaining(at(40)) == mins(45)


def test_it_forgets_everything_when_stopped():
    clock = running(30).pause(at(10)).stop()

    assert clock == Clock()
    assert clock.remaining(at(10)) is None


# The clock in the database, through the facilitator's commands ---------------------


@pytest.fixture
def room(db, owner, territories):
    """A workshop still being prepared: its four default phases, none started."""
    return services.workshop_create(
        created_by=owner, title="Atelier du 14 mars", territories=territories, table_count=1
    )


def snapshot(workshop) -> tuple:
    workshop = reloaded(workshop)
    return (
        workshop.status,
        workshop.current_phase_id,
        workshop.phase_started_at,
        workshop.deadline,
        workshop.paused_at,
        workshop.clock_version,
    )


def remaining(workshop, when) -> datetime.timedelta | None:
    return clock_of(reloaded(workshop)).remaining(when)


def test_it_starts_the_first_phase_and_opens_the_doors(room):
    first = room.phases.get(position=0)
    version = room.clock_version

    command(room, "start", T0)

    workshop = reloaded(room)
    assert workshop.status == Workshop.Status.OPEN
    assert workshop.current_phase == first
    assert workshop.current_phase.kind == Phase.Kind.FORMULATION
    assert (workshop.phase_started_at, workshop.deadline, workshop.paused_at) == (
        T0,
        at(30),
        None,
    )
    assert workshop.clock_version == version + 1
    assert remaining(room, at(10)) == mins(20)


def test_it_pauses_and_resumes_at_the_chosen_instants(room):
    command(room, "start", T0)

    command(room, "pause", at(10))
    workshop = reloaded(room)
    assert workshop.paused_at == at(10)
    assert clock_of(workshop).remaining(at(25)) == mins(20)
    assert clock_of(workshop).elapsed(at(25)) == mins(10)

    command(room, "resume", at(25))
    workshop = reloaded(room)
    assert workshop.paused_at is None
    assert workshop.deadline == at(45)
    assert clock_of(workshop).remaining(at(30)) == mins(15)
    assert clock_of(workshop).elapsed(at(30)) == mins(15)


def test_it_counts_every_command_in_the_clock_version(room):
    versions = [reloaded(room).clock_version]
    for name, when in (("start", T0), ("pause", at(1)), ("resume", at(2)), ("stop", at(3))):
        command(room, name, when)
        versions.append(reloaded(room).clock_version)

    assert versions == sorted(set(versions))
    assert len(versions) == 5


def test_it_walks_the_phases_forward_then_back_each_with_its_full_duration(room):
    order = list(room.phases.order_by("position"))
    command(room, "start", T0)

    command(room, "next", at(30))
    assert reloaded(room).current_phase == order[1]
    assert remaining(room, at(30)) == mins(45)

    command(room, "next", at(75))
    command(room, "next", at(90))
    workshop = reloaded(room)
    assert workshop.current_phase == order[3]
    assert workshop.current_phase.kind == Phase.Kind.PLENARY
    assert (workshop.phase_started_at, workshop.deadline) == (at(90), at(110))

    command(room, "previous", at(95))
    assert reloaded(room).current_phase == order[2]
    assert remaining(room, at(95)) == mins(15)


def test_it_refuses_next_at_the_last_phase_and_changes_nothing(room):
    command(room, "start", T0)
    last = room.phases.order_by("position").last()
    command(room, "goto", at(5), phase=last)
    command(room, "pause", at(10))
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, "next", at(12))

    assert snapshot(room) == before


def test_it_refuses_previous_at_the_first_phase_and_changes_nothing(room):
    command(room, "start", T0)
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, "previous", at(5))

    assert snapshot(room) == before


def test_it_refuses_to_start_again_while_a_phase_runs(room):
    # A double click, or a second console that has not heard of the first start yet.
    command(room, "start", T0)
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, "start", at(0, seconds=1))

    assert snapshot(room) == before


def test_it_refuses_previous_before_any_phase_started(room):
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, "previous", T0)

    assert snapshot(room) == before


def test_it_starts_the_next_phase_running_even_from_a_paused_one(room):
    command(room, "start", T0)
    command(room, "pause", at(10))

    command(room, "next", at(20))

    workshop = reloaded(room)
    assert workshop.paused_at is None
    assert clock_of(workshop).remaining(at(25)) == mins(40)


def test_it_goes_to_any_phase_of_the_workshop_and_restarts_it(room):
    conditions = room.phases.get(kind=Phase.Kind.CONDITIONS)
    command(room, "start", T0)

    command(room, "goto", at(3), phase=conditions)
    assert reloaded(room).current_phase == conditions
    assert remaining(room, at(3)) == mins(15)

    command(room, "goto", at(10), phase=conditions)
    assert remaining(room, at(10)) == mins(15)


def test_it_refuses_to_go_to_a_phase_of_another_workshop(room, other_workshop):
    command(room, "start", T0)
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, "goto", at(1), phase=other_workshop.phases.first())
    with pytest.raises(ValidationError):
        command(room, "goto", at(1), phase=None)

    assert snapshot(room) == before


@pytest.mark.parametrize("name", ["pause", "resume", "shift", "set_remaining"])
def test_it_refuses_clock_commands_before_the_first_phase(room, name):
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, name, T0, minutes=5)

    assert snapshot(room) == before


@pytest.mark.parametrize("minutes", [0, 61, -61])
def test_it_refuses_a_shift_of_no_time_or_of_more_than_an_hour(room, minutes):
    command(room, "start", T0)
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, "shift", at(1), minutes=minutes)

    assert snapshot(room) == before


def test_it_extends_the_running_phase(room):
    command(room, "start", T0)

    command(room, "shift", at(10), minutes=5)

    assert remaining(room, at(10)) == mins(25)
    assert reloaded(room).phase_started_at == T0


def test_it_shrinks_to_zero_at_most_and_closes_input_once_the_grace_is_over(room):
    command(room, "start", T0)

    command(room, "shift", at(10), minutes=-25)

    workshop = reloaded(room)
    clock = clock_of(workshop)
    assert clock.remaining(at(10)) == ZERO
    assert clock.is_time_up(at(10))
    assert grace_of(workshop) == GRACE
    assert clock.accepts_input(at(11), grace_of(workshop))
    assert not clock.accepts_input(at(11, seconds=1), grace_of(workshop))


def test_it_accepts_input_during_the_grace_after_time_is_up(room):
    command(room, "start", T0)

    command(room, "shift", at(10), minutes=-20)  # time is up at 10 min exactly

    workshop = reloaded(room)
    clock = clock_of(workshop)
    assert clock.is_time_up(at(10))
    assert clock.accepts_input(at(10, seconds=59), grace_of(workshop))
    assert clock.accepts_input(at(11), grace_of(workshop))
    assert not clock.accepts_input(at(11, seconds=1), grace_of(workshop))


def test_it_closes_input_right_after_time_is_up_with_no_grace(owner, territories):
    workshop = services.workshop_create(
        created_by=owner,
        title="Sans délai de grâce",
        territories=territories,
        table_count=1,
        grace_seconds=0,
    )
    command(workshop, "start", T0)

    command(workshop, "shift", at(10), minutes=-20)

    workshop = reloaded(workshop)
    clock = clock_of(workshop)
    assert clock.accepts_input(at(10), grace_of(workshop))
    assert not clock.accepts_input(at(10, seconds=1), grace_of(workshop))


def test_it_reopens_input_when_time_is_given_back_after_it_ran_out(room):
    command(room, "start", T0)
    assert not clock_of(reloaded(room)).accepts_input(at(40), GRACE)

    command(room, "shift", at(40), minutes=15)

    assert remaining(room, at(40)) == mins(5)
    assert clock_of(reloaded(room)).accepts_input(at(40), GRACE)


def test_it_gives_five_minutes_back_after_the_time_left_reached_zero(room):
    command(room, "start", T0)
    for _ in range(7):  # 30 minutes left, seven times "−5 min": zero, never less
        command(room, "shift", at(10), minutes=-5)
    assert reloaded(room).deadline == at(10)
    assert closed_reason(reloaded(room), Action.POSTITS, at(10)) is None  # the grace
    assert closed_reason(reloaded(room), Action.POSTITS, at(11, seconds=1)) is not None

    command(room, "shift", at(10), minutes=5)

    assert remaining(room, at(10)) == mins(5)
    assert closed_reason(reloaded(room), Action.POSTITS, at(14)) is None


def test_it_sets_the_time_left_of_the_running_phase(room):
    command(room, "start", T0)
    version = reloaded(room).clock_version

    command(room, "set_remaining", at(40), minutes=12)  # 10 minutes over, then 12 more

    workshop = reloaded(room)
    assert workshop.deadline == at(52)
    assert workshop.phase_started_at == T0
    assert workshop.clock_version == version + 1
    assert closed_reason(workshop, Action.POSTITS, at(40)) is None


def test_it_sets_the_time_left_of_a_paused_phase_and_keeps_it_paused(room):
    command(room, "start", T0)
    command(room, "pause", at(10))

    command(room, "set_remaining", at(20), minutes=7)

    workshop = reloaded(room)
    assert workshop.paused_at == at(10)
    assert clock_of(workshop).remaining(at(90)) == mins(7)
    command(room, "resume", at(30))
    assert remaining(room, at(30)) == mins(7)


def test_it_sets_the_time_left_to_zero(room):
    command(room, "start", T0)

    command(room, "set_remaining", at(10), minutes=0)

    assert reloaded(room).deadline == at(10)


@pytest.mark.parametrize("minutes", [-1, 181, None])
def test_it_refuses_to_set_the_time_left_below_zero_or_above_three_hours(room, minutes):
    command(room, "start", T0)
    before = snapshot(room)

    with pytest.raises(ValidationError):
        command(room, "set_remaining", at(1), minutes=minutes)

    assert snapshot(room) == before


def test_it_accepts_three_hours_left_at_most(room):
    command(room, "start", T0)

    command(room, "set_remaining", at(1), minutes=180)

    assert remaining(room, at(1)) == mins(180)


def test_it_stops_the_clock_and_can_start_again_from_the_first_phase(room):
    first = room.phases.order_by("position").first()
    command(room, "start", T0)
    command(room, "next", at(30))

    command(room, "stop", at(40))

    workshop = reloaded(room)
    assert workshop.status == Workshop.Status.OPEN
    assert workshop.current_phase is None
    assert (workshop.phase_started_at, workshop.deadline, workshop.paused_at) == (None,) * 3
    assert clock_of(workshop).remaining(at(40)) is None

    command(room, "start", at(50))
    assert reloaded(room).current_phase == first
    assert remaining(room, at(50)) == mins(30)


# A restart of the server: the clock lives in the database, nothing ticks in memory ------


def test_it_shows_the_same_remaining_time_after_a_restart(room):
    workshop = command(room, "start", T0)
    before = clock_of(workshop).remaining(at(12))

    after_restart = Workshop.objects.get(pk=room.pk)

    assert clock_of(after_restart).remaining(at(12)) == before == mins(18)
    assert clock_of(after_restart).elapsed(at(12)) == mins(12)


def test_it_stays_paused_across_a_restart_and_resumes_after_it(room):
    command(room, "start", T0)
    command(room, "pause", at(10))

    after_restart = Workshop.objects.get(pk=room.pk)
    assert clock_of(after_restart).is_paused
    assert clock_of(after_restart).remaining(at(25)) == mins(20)

    command(after_restart, "resume", at(25))

    after_another = Workshop.objects.get(pk=room.pk)
    assert not clock_of(after_another).is_paused
    assert clock_of(after_another).remaining(at(30)) == mins(15)
    assert clock_of(after_another).elapsed(at(30)) == mins(15)
