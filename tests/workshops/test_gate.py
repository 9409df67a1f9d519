"""The gate: whether a participant may write, at chosen instants of a real workshop."""

import datetime

import pytest
from django.utils import translation

from tests.conftest import T0, at, command, goto
from workshops import phases, services
from workshops.gate import OPEN_ACTIONS, Action, clock_of, closed_reason, open_actions
from workshops.models import Phase, Workshop

pytestmark = pytest.mark.django_db


def new_workshop(owner, territories, **options) -> Workshop:
    """Being prepared, its four default phases waiting."""
    return services.workshop_create(
        created_by=owner, title="Atelier", territories=territories, table_count=1, **options
    )


def started(owner, territories, **options) -> Workshop:
    """Open, its first phase (formulation, 30 min) started at T0."""
    return command(new_workshop(owner, territories, **options), "start", T0)


def is_open(workshop, action, when) -> bool:
    reason = closed_reason(workshop, action, when)
    # The screens' list and the server's answer must never disagree.
    assert (reason is None) == (action in open_actions(workshop, when))
    return reason is None


def open_set(workshop, when) -> set[Action]:
    return {action for action in Action if is_open(workshop, action, when)}


def reason_in_english(workshop, action, when) -> str:
    with translation.override("en"):
        return closed_reason(workshop, action, when)


def test_it_closes_everything_while_the_workshop_is_being_prepared(owner, territories):
    workshop = new_workshop(owner, territories)

    assert workshop.status == Workshop.Status.PREPARING
    assert open_set(workshop, T0) == set()
    assert "not opened" in reason_in_english(workshop, Action.POSTITS, T0)


def test_it_closes_everything_once_the_workshop_is_closed(owner, territories):
    workshop = phases.set_status(started(owner, territories), Workshop.Status.CLOSED)

    assert open_set(workshop, at(5)) == set()
    assert "read-only" in reason_in_english(workshop, Action.POSTITS, at(5))


def test_it_waits_for_the_first_phase_once_the_doors_are_open(owner, territories):
    workshop = phases.set_status(new_workshop(owner, territories), Workshop.Status.OPEN)

    assert workshop.current_phase is None
    assert open_set(workshop, T0) == set()
    assert "first phase" in reason_in_english(workshop, Action.POSTITS, T0)


def test_it_tells_apart_why_things_are_closed(owner, territories):
    preparing = new_workshop(owner, territories)
    no_phase = phases.set_status(new_workshop(owner, territories), Workshop.Status.OPEN)
    closed = phases.set_status(started(owner, territories), Workshop.Status.CLOSED)
    running = started(owner, territories)

    reasons = [
        closed_reason(preparing, Action.POSTITS, at(5)),
        closed_reason(no_phase, Action.POSTITS, at(5)),
        closed_reason(closed, Action.POSTITS, at(5)),
        closed_reason(running, Action.BASKETS, at(5)),  # not in this phase
        closed_reason(running, Action.POSTITS, at(40)),  # time is up
    ]

    assert all(reasons)
    assert len(set(reasons)) == len(reasons)


@pytest.mark.parametrize(
    "kind, expected",
    [
        (Phase.Kind.FORMULATION, {Action.POSTITS}),
        (Phase.Kind.NEGOTIATION, {Action.POSTITS, Action.BASKETS}),
        (Phase.Kind.CONDITIONS, {Action.CONDITIONS}),
        (Phase.Kind.PLENARY, {Action.FEEDBACK}),
        (Phase.Kind.OTHER, set()),
    ],
)
def test_it_opens_what_each_kind_of_phase_allows(owner, territories, kind, expected):
    workshop = started(owner, territories)
    if kind == Phase.Kind.OTHER:
        phases.phase_save(
            workshop, Phase(kind=kind, name="Pause café", duration_minutes=10), now=T0
        )
    phase = workshop.phases.get(kind=kind)

    workshop = command(workshop, "goto", at(1), phase=phase)

    assert OPEN_ACTIONS[kind] == expected
    assert open_set(workshop, at(2)) == expected
    for action in set(Action) - expected:
        assert phase.name in closed_reason(workshop, action, at(2))


def test_it_opens_post_its_in_formulation_and_negotiation_only(owner, territories):
    workshop = started(owner, territories)
    open_in = set()
    for phase in workshop.phases.order_by("position"):
        workshop = command(workshop, "goto", at(1), phase=phase)
        if is_open(workshop, Action.POSTITS, at(2)):
            open_in.add(phase.kind)

    assert open_in == {Phase.Kind.FORMULATION, Phase.Kind.NEGOTIATION}


def test_it_stays_open_during_the_grace_after_time_is_up(owner, territories):
    workshop = started(owner, territories)  # 30 minutes, 60 seconds of grace

    assert is_open(workshop, Action.POSTITS, at(29, 59))
    assert is_open(workshop, Action.POSTITS, at(30))
    assert is_open(workshop, Action.POSTITS, at(30, 30))
    assert is_open(workshop, Action.POSTITS, at(31))


def test_it_closes_once_the_grace_is_over_and_keeps_the_text(owner, territories):
    workshop = started(owner, territories)

    assert not is_open(workshop, Action.POSTITS, at(31, 1))
    assert "Time is up" in reason_in_english(workshop, Action.POSTITS, at(31, 1))
    assert open_actions(workshop, at(45)) == frozenset()


def test_it_closes_right_after_the_deadline_with_no_grace(owner, territories):
    workshop = started(owner, territories, grace_seconds=0)

    assert is_open(workshop, Action.POSTITS, at(30))
    assert not is_open(workshop, Action.POSTITS, at(30, 1))


def test_it_stays_closed_when_paused_after_the_grace_ran_out(owner, territories):
    workshop = command(started(owner, territories), "pause", at(35))

    assert not is_open(workshop, Action.POSTITS, at(35))
    assert not is_open(workshop, Action.POSTITS, at(90))


def test_it_freezes_the_grace_too_when_paused_within_it(owner, territories):
    workshop = command(started(owner, territories), "pause", at(30, 30))

    # Paused time does not count: 30 seconds of grace are left whenever it resumes.
    assert is_open(workshop, Action.POSTITS, at(90))

    workshop = command(workshop, "resume", at(90))
    assert is_open(workshop, Action.POSTITS, at(90, 30))
    assert not is_open(workshop, Action.POSTITS, at(90, 31))


def test_it_stays_open_while_paused_before_the_deadline(owner, territories):
    workshop = command(started(owner, territories), "pause", at(10))

    assert is_open(workshop, Action.POSTITS, at(120))


def test_it_reopens_when_the_facilitator_gives_more_time_after_it_ran_out(owner, territories):
    workshop = started(owner, territories)
    assert not is_open(workshop, Action.POSTITS, at(40))

    workshop = command(workshop, "shift", at(40), minutes=15)

    assert is_open(workshop, Action.POSTITS, at(40))
    assert is_open(workshop, Action.POSTITS, at(45))
    assert not is_open(workshop, Action.POSTITS, at(46, 1))


def test_it_closes_after_the_grace_when_the_facilitator_takes_all_the_time_left(owner, territories):
    workshop = started(owner, territories)

    workshop = command(workshop, "shift", at(10), minutes=-25)  # stops at zero left

    assert is_open(workshop, Action.POSTITS, at(11))  # the minute of grace
    assert not is_open(workshop, Action.POSTITS, at(11, 1))


def test_it_reopens_with_five_minutes_after_the_time_left_reached_zero(owner, territories):
    workshop = started(owner, territories)
    for _ in range(7):  # the 30 minutes, and then some: still zero left, never less
        workshop = command(workshop, "shift", at(10), minutes=-5)
    assert not is_open(workshop, Action.POSTITS, at(12))

    workshop = command(workshop, "shift", at(12), minutes=5)

    assert clock_of(workshop).remaining(at(12)) == datetime.timedelta(minutes=3)
    assert is_open(workshop, Action.POSTITS, at(12))
    assert closed_reason(workshop, Action.POSTITS, at(16)) is None


def test_it_closes_everything_once_the_clock_is_stopped(owner, territories):
    workshop = command(started(owner, territories), "stop", at(5))

    assert open_set(workshop, at(5)) == set()


# Enforced in the services, whatever view calls them ---------------------------------


def test_every_participant_postit_write_asks_the_gate(alice, workshop):
    """In the plenary post-its are closed: the three post-it services refuse Alice, and
    write nothing; the same calls for a facilitator (no participant) go through."""
    from workshops.gate import PhaseClosed
    from workshops.models import Participant, PostIt

    goto(workshop, Phase.Kind.PLENARY)
    alice = Participant.objects.select_related("subgroup__table__workshop").get(pk=alice.pk)
    postit = services.postit_create(
        subgroup=alice.subgroup, author=None, kind="offer", text="Écrit par l'animateur"
    )

    with pytest.raises(PhaseClosed):
        services.postit_create(subgroup=alice.subgroup, author=alice, kind="offer", text="Non")
    with pytest.raises(PhaseClosed):
        services.postit_update(postit=postit, kind="need", text="Changé", by=alice)
    with pytest.raises(PhaseClosed):
        services.postit_delete(postit=postit, by=alice)

    postit.refresh_from_db()
    assert (PostIt.objects.count(), postit.kind, postit.text) == (
        1,
        "offer",
        "Écrit par l'animateur",
    )
    services.postit_delete(postit=postit, by=None)
    assert not PostIt.objects.exists()


def test_a_phase_closed_that_a_view_let_through_is_a_409_not_a_500(rf):
    from workshops.gate import PhaseClosed
    from workshops.refusals import RefusalMiddleware

    middleware = RefusalMiddleware(lambda request: None)
    refused = middleware.process_exception(rf.post("/"), PhaseClosed("Le temps est écoulé."))

    assert refused.status_code == 409
    assert "Le temps est écoulé." in refused.content.decode()
    assert middleware.process_exception(rf.post("/"), ValueError("other")) is None
