"""The gate's answers to the screens (workshops/gate.py): open now, the phase for it,
reached, planned; asked by every panel instead of reading the phase's kind."""

import pytest

from workshops import gate, phases, selectors
from workshops.gate import Action
from workshops.models import Phase, Workshop

pytestmark = pytest.mark.django_db


def go_to(workshop, kind) -> Workshop:
    phase = workshop.phases.get(kind=kind)
    return phases.clock_command(workshop, phases.ClockCommand.GOTO, phase=phase)


def test_it_says_a_phase_is_reached_while_it_runs_and_after_it(workshop):
    assert not gate.phase_reached(workshop, Action.BASKETS)  # formulation
    negotiating = go_to(workshop, Phase.Kind.NEGOTIATION)
    assert gate.phase_reached(negotiating, Action.BASKETS)
    assert not gate.phase_reached(negotiating, Action.CONDITIONS)
    in_plenary = go_to(workshop, Phase.Kind.PLENARY)
    assert gate.phase_reached(in_plenary, Action.BASKETS)
    assert gate.phase_reached(in_plenary, Action.CONDITIONS)


def test_it_keeps_the_last_phase_s_own_once_the_workshop_is_closed(workshop):
    closed = phases.set_status(go_to(workshop, Phase.Kind.PLENARY), Workshop.Status.CLOSED)
    assert gate.in_phase_of(closed, Action.FEEDBACK)  # the plenary's panels, read-only
    assert not gate.is_open(closed, Action.FEEDBACK)
    assert gate.current_phase_opens(closed) == {Action.FEEDBACK}


def test_it_plans_nothing_for_an_action_whose_phase_was_removed(workshop):
    phases.phase_delete(workshop, workshop.phases.get(kind=Phase.Kind.PLENARY))
    workshop = Workshop.objects.get(pk=workshop.pk)
    assert not gate.has_phase_for(workshop, Action.FEEDBACK)
    assert gate.has_phase_for(workshop, Action.BASKETS)


def test_the_phase_state_tells_the_same_as_the_gate_without_a_query_of_its_own(
    workshop, django_assert_num_queries
):
    negotiating = go_to(workshop, Phase.Kind.NEGOTIATION)
    with django_assert_num_queries(1):  # the phases, which it read before too
        state = selectors.phase_state(negotiating)
    assert state.reached == sorted(a for a in Action if gate.phase_reached(negotiating, a))
    assert state.opens == sorted(gate.current_phase_opens(negotiating))
    assert state.actions == ["baskets", "postits"]


def test_it_reaches_every_action_of_the_phases_up_to_the_current_one():
    kinds = [Phase.Kind.FORMULATION, Phase.Kind.NEGOTIATION, Phase.Kind.CONDITIONS]
    assert gate.reached_actions(kinds, None) == frozenset()
    assert gate.reached_actions(kinds, 0) == {Action.POSTITS}
    assert gate.reached_actions(kinds, 2) == {Action.POSTITS, Action.BASKETS, Action.CONDITIONS}
