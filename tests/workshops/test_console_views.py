"""The facilitator's console (workshops/views/console.py): the page, the clock's commands,
the time left, opening and closing the workshop."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import fr, phase_state_tag, reloaded, request_problem
from workshops import phases, services
from workshops.broadcast import CONSOLE_STALE, console_group, workshop_group
from workshops.models import Connection, Phase, Workshop
from workshops.phases import ClockCommand

pytestmark = pytest.mark.django_db


@pytest.fixture
def console_htmx(laptop):
    """The console's buttons post through htmx."""
    laptop.defaults["HTTP_HX_REQUEST"] = "true"
    return laptop


def phase_of(workshop: Workshop, kind: str) -> Phase:
    return workshop.phases.get(kind=kind)


# The console page -------------------------------------------------------------------


def test_it_shows_the_phases_the_clock_s_controls_and_the_tables(laptop, workshop, alice):
    response = laptop.get(f"/w/{workshop.pk}/console/")

    assert response.status_code == 200
    content = response.content.decode()
    for phase in workshop.phases.all():
        assert phase.name in content
        assert f'name="phase" value="{phase.pk}"' in content
    for command in ("start", "pause", "resume", "shift", "previous", "next", "goto"):
        assert f'value="{command}"' in content
    assert f'hx-post="/w/{workshop.pk}/clock/"' in content
    assert f'ws-connect="/ws/w/{workshop.pk}/console/"' in content
    assert 'data-status="open"' in phase_state_tag(content)
    assert 'id="console-stale"' in content
    for number in (1, 2, 3):
        assert f'data-table="{number}"' in content
    assert f'data-subgroup="{alice.subgroup_id}"' in content
    assert 'value="closed"' in content  # open: it can be closed


@pytest.mark.parametrize("status", [Workshop.Status.PREPARING, Workshop.Status.CLOSED])
def test_it_offers_to_open_a_workshop_that_is_not_open(laptop, workshop, status):
    Workshop.objects.filter(pk=workshop.pk).update(status=status)
    content = laptop.get(f"/w/{workshop.pk}/console/").content.decode()
    assert 'name="status" value="open"' in content
    assert 'name="status" value="closed"' not in content


def test_it_counts_joined_and_connected_phones_per_subgroup(
    laptop, workshop, alice, bruno, make_postit
):
    Connection.objects.create(channel_name="alive", participant=alice, last_seen=timezone.now())
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Connection.objects.create(channel_name="dead", participant=bruno, last_seen=long_ago)
    make_postit(alice, kind="offer")
    make_postit(alice, kind="need")
    make_postit(alice, kind="need")

    response = laptop.get(f"/w/{workshop.pk}/console/tables/")

    assert response.status_code == 200
    statuses = {
        status.subgroup.pk: status
        for row in response.context["overview"]
        for status in row.subgroups
    }
    assert (statuses[alice.subgroup_id].connected, statuses[alice.subgroup_id].joined) == (
        ["Alice"],
        1,
    )
    assert (statuses[alice.subgroup_id].offers, statuses[alice.subgroup_id].needs) == (1, 2)
    assert (statuses[bruno.subgroup_id].connected, statuses[bruno.subgroup_id].joined) == ([], 1)
    content = response.content.decode()
    assert "<html" not in content  # a fragment, fetched again when the console hears of a change
    assert 'title="Alice"' in content


def test_it_brings_the_phase_list_along_when_another_facilitator_edited_it(
    laptop, workshop, cofacilitator, listen, django_capture_on_commit_callbacks
):
    consoles = listen(console_group(workshop.pk))
    with django_capture_on_commit_callbacks(execute=True):
        phases.phase_save(
            workshop, Phase(kind=Phase.Kind.OTHER, name="Café <au> lait", duration_minutes=10)
        )
    assert consoles.html() == [CONSOLE_STALE]  # every console re-fetches its overview

    content = laptop.get(f"/w/{workshop.pk}/console/tables/").content.decode()

    [phase_list] = re.findall(r'<ol class="phase-list" id="console-phases"[^>]*>', content)
    assert 'hx-swap-oob="true"' in phase_list
    assert escape("Café <au> lait") in content
    assert content.count("data-phase-id=") == 5


def test_it_answers_the_screen_state_as_a_fragment_not_out_of_band(laptop, workshop):
    response = laptop.get(f"/w/{workshop.pk}/state/")

    tag = phase_state_tag(response.content.decode())
    assert "hx-swap-oob" not in tag
    assert f'data-phase="{workshop.current_phase_id}"' in tag
    assert f'data-version="{workshop.clock_version}"' in tag


# Clock commands -----------------------------------------------------------------------


def paused(workshop):
    return workshop.paused_at is not None


@pytest.mark.parametrize(
    ("prepare", "data", "check"),
    [
        ([], {"command": "pause"}, lambda w, before: paused(w) and w.deadline == before.deadline),
        ([ClockCommand.PAUSE], {"command": "resume"}, lambda w, before: not paused(w)),
        (
            [],
            {"command": "next"},
            lambda w, before: w.current_phase.kind == "negotiation" and not paused(w),
        ),
        (
            [ClockCommand.NEXT],
            {"command": "previous"},
            lambda w, before: w.current_phase.kind == "formulation",
        ),
        (
            [],
            {"command": "shift", "minutes": "5"},
            lambda w, before: w.deadline - before.deadline == datetime.timedelta(minutes=5),
        ),
        (
            [],
            {"command": "shift", "minutes": "-1"},
            lambda w, before: w.deadline - before.deadline == datetime.timedelta(minutes=-1),
        ),
        ([], {"command": "stop"}, lambda w, before: w.current_phase is None and w.deadline is None),
        (
            [ClockCommand.STOP],
            {"command": "start"},
            lambda w, before: w.current_phase.kind == "formulation" and w.deadline is not None,
        ),
    ],
    ids=["pause", "resume", "next", "previous", "shift-plus-5", "shift-minus-1", "stop", "start"],
)
def test_it_runs_a_clock_command_and_answers_the_new_state_out_of_band(
    console_htmx, workshop, prepare, data, check, django_capture_on_commit_callbacks
):
    for command in prepare:
        phases.clock_command(workshop, command)
    before = reloaded(workshop)

    with django_capture_on_commit_callbacks() as callbacks:
        response = console_htmx.post(f"/w/{workshop.pk}/clock/", data)

    assert response.status_code == 200
    after = reloaded(workshop)
    assert check(after, before)
    assert after.clock_version == before.clock_version + 1
    content = response.content.decode()
    tag = phase_state_tag(content)
    assert 'hx-swap-oob="true"' in tag
    assert f'data-version="{after.clock_version}"' in tag
    assert request_problem(content) == ""
    assert len(callbacks) == 1  # every screen hears of it once committed


def test_it_goes_to_the_phase_asked_for(console_htmx, workshop):
    plenary = phase_of(workshop, Phase.Kind.PLENARY)

    response = console_htmx.post(
        f"/w/{workshop.pk}/clock/", {"command": "goto", "phase": plenary.pk}
    )

    assert response.status_code == 200
    assert reloaded(workshop).current_phase == plenary
    assert f'data-phase="{plenary.pk}"' in phase_state_tag(response.content.decode())


def test_it_sends_the_new_state_to_every_screen_of_the_workshop(
    console_htmx, workshop, listen, django_capture_on_commit_callbacks
):
    everyone = listen(workshop_group(workshop.pk))

    with django_capture_on_commit_callbacks(execute=True):
        console_htmx.post(f"/w/{workshop.pk}/clock/", {"command": "next"})

    [html] = everyone.html()
    negotiation = phase_of(workshop, Phase.Kind.NEGOTIATION)
    assert f'data-phase="{negotiation.pk}"' in phase_state_tag(html)
    assert 'hx-swap-oob="true"' in phase_state_tag(html)


def at_the_last_phase(workshop):
    phases.clock_command(workshop, ClockCommand.GOTO, phase=workshop.phases.last())


def with_no_phase_running(workshop):
    phases.clock_command(workshop, ClockCommand.STOP)


@pytest.mark.parametrize(
    ("prepare", "data", "message"),
    [
        (at_the_last_phase, {"command": "next"}, fr("This is already the last phase.")),
        (None, {"command": "previous"}, fr("This is already the first phase.")),
        (None, {"command": "explode"}, fr("Unknown command.")),
        (None, {}, fr("Unknown command.")),
        (None, {"command": "shift", "minutes": "beaucoup"}, fr("Give a whole number of minutes.")),
        (
            None,
            {"command": "shift", "minutes": "0"},
            fr("Add or remove between 1 and %(max)s minutes.", max=60),
        ),
        (
            None,
            {"command": "shift", "minutes": "61"},
            fr("Add or remove between 1 and %(max)s minutes.", max=60),
        ),
        (
            None,
            {"command": "shift", "minutes": "-61"},
            fr("Add or remove between 1 and %(max)s minutes.", max=60),
        ),
        (None, {"command": "goto", "phase": "deux"}, fr("Choose a phase of this workshop.")),
        (with_no_phase_running, {"command": "pause"}, fr("Start the first phase first.")),
        (
            with_no_phase_running,
            {"command": "shift", "minutes": "5"},
            fr("Start the first phase first."),
        ),
    ],
    ids=[
        "next-at-last",
        "previous-at-first",
        "unknown-command",
        "no-command",
        "minutes-not-a-number",
        "zero-minutes",
        "too-many-minutes",
        "too-many-minutes-less",
        "phase-not-a-number",
        "pause-before-start",
        "shift-before-start",
    ],
)
def test_it_refuses_a_command_that_cannot_run_and_says_why(
    console_htmx, workshop, prepare, data, message, django_capture_on_commit_callbacks
):
    if prepare:
        prepare(workshop)
    before = reloaded(workshop)

    with django_capture_on_commit_callbacks() as callbacks:
        response = console_htmx.post(f"/w/{workshop.pk}/clock/", data)

    assert response.status_code == 409
    content = response.content.decode()
    assert request_problem(content) == escape(message)
    assert f'data-version="{before.clock_version}"' in phase_state_tag(content)
    after = reloaded(workshop)
    assert (after.clock_version, after.current_phase_id, after.deadline, after.paused_at) == (
        before.clock_version,
        before.current_phase_id,
        before.deadline,
        before.paused_at,
    )
    assert callbacks == []


def test_it_refuses_to_go_to_a_phase_of_another_workshop(console_htmx, workshop, other_workshop):
    response = console_htmx.post(
        f"/w/{workshop.pk}/clock/",
        {"command": "goto", "phase": other_workshop.phases.last().pk},
    )
    assert response.status_code == 409
    assert fr("Choose a phase of this workshop.") in response.content.decode()
    assert reloaded(workshop).current_phase == phase_of(workshop, Phase.Kind.FORMULATION)


def test_it_goes_back_to_the_console_without_javascript(laptop, workshop):
    response = laptop.post(f"/w/{workshop.pk}/clock/", {"command": "next"})

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/console/"
    assert reloaded(workshop).current_phase.kind == Phase.Kind.NEGOTIATION


def test_it_says_why_a_command_failed_without_javascript_too(laptop, workshop):
    at_the_last_phase(workshop)

    response = laptop.post(f"/w/{workshop.pk}/clock/", {"command": "next"}, follow=True)

    assert response.redirect_chain == [(f"/w/{workshop.pk}/console/", 302)]
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [fr("This is already the last phase.")]


def test_it_refuses_clock_commands_by_get(laptop, workshop):
    assert laptop.get(f"/w/{workshop.pk}/clock/", {"command": "next"}).status_code == 405
    assert reloaded(workshop).current_phase.kind == Phase.Kind.FORMULATION


# Setting the time left -----------------------------------------------------------------

REMAINING_ERROR = "Set the time left to a whole number of minutes, from 0 to %(max)s."


def remaining_form(content: str) -> str:
    found = re.search(r'<form id="console-remaining".*?</form>', content, re.DOTALL)
    assert found, "no set-the-time-left form"
    return found.group(0)


def typed_value(form: str) -> str:
    found = re.search(r'<input type="number"[^>]*value="([^"]*)"', form)
    assert found, "no number field"
    return found.group(1)


def test_it_shows_the_set_the_time_left_form_in_french_and_english(laptop, workshop):
    french = remaining_form(laptop.get(f"/w/{workshop.pk}/console/").content.decode())
    english = remaining_form(
        laptop.get(f"/w/{workshop.pk}/console/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )

    assert "Temps restant (min)" in french and "Régler le temps restant" in french
    assert "Time left (min)" in english and "Set the time left" in english
    for form in (french, english):
        assert 'name="command" value="set_remaining"' in form
        assert 'min="0" max="180" step="1"' in form
        assert f'hx-post="/w/{workshop.pk}/clock/"' in form
        assert typed_value(form) == ""


def test_it_sets_the_time_left_and_empties_the_field(
    console_htmx, workshop, django_capture_on_commit_callbacks
):
    before = reloaded(workshop)

    with django_capture_on_commit_callbacks() as callbacks:
        asked = timezone.now()
        response = console_htmx.post(
            f"/w/{workshop.pk}/clock/", {"command": "set_remaining", "minutes": "12"}
        )
        answered = timezone.now()

    assert response.status_code == 200
    after = reloaded(workshop)
    twelve = datetime.timedelta(minutes=12)
    assert asked + twelve <= after.deadline <= answered + twelve
    assert after.clock_version == before.clock_version + 1
    assert len(callbacks) == 1  # every screen hears of it once committed
    content = response.content.decode()
    assert f'data-version="{after.clock_version}"' in phase_state_tag(content)
    assert request_problem(content) == ""
    form = remaining_form(content)
    assert 'hx-swap-oob="true"' in form
    assert typed_value(form) == ""
    assert "aria-invalid" not in form


def test_it_sets_the_time_left_of_a_paused_phase(console_htmx, workshop):
    phases.clock_command(workshop, ClockCommand.PAUSE)

    console_htmx.post(f"/w/{workshop.pk}/clock/", {"command": "set_remaining", "minutes": "3"})

    after = reloaded(workshop)
    assert after.paused_at is not None
    assert after.deadline - after.paused_at == datetime.timedelta(minutes=3)


@pytest.mark.parametrize(
    ("typed", "prepare", "message"),
    [
        ("", None, fr(REMAINING_ERROR, max=180)),
        ("beaucoup", None, fr(REMAINING_ERROR, max=180)),
        ("2.5", None, fr(REMAINING_ERROR, max=180)),
        ("-1", None, fr(REMAINING_ERROR, max=180)),
        ("181", None, fr(REMAINING_ERROR, max=180)),
        ("10", with_no_phase_running, fr("Start the first phase first.")),
    ],
    ids=["empty", "not-a-number", "not-whole", "below-zero", "above-three-hours", "no-phase"],
)
def test_it_keeps_the_typed_time_left_with_why_it_was_refused(
    console_htmx, workshop, typed, prepare, message, django_capture_on_commit_callbacks
):
    if prepare:
        prepare(workshop)
    before = reloaded(workshop)

    with django_capture_on_commit_callbacks() as callbacks:
        response = console_htmx.post(
            f"/w/{workshop.pk}/clock/", {"command": "set_remaining", "minutes": typed}
        )

    assert response.status_code == 409
    content = response.content.decode()
    assert request_problem(content) == escape(message)
    form = remaining_form(content)
    assert 'hx-swap-oob="true"' in form
    assert typed_value(form) == escape(typed)
    assert 'aria-invalid="true"' in form
    assert escape(message) in form
    after = reloaded(workshop)
    assert (after.clock_version, after.deadline, after.paused_at) == (
        before.clock_version,
        before.deadline,
        before.paused_at,
    )
    assert callbacks == []


def test_it_keeps_the_typed_time_left_without_javascript_too(laptop, workshop):
    response = laptop.post(
        f"/w/{workshop.pk}/clock/", {"command": "set_remaining", "minutes": "500"}
    )

    assert response.status_code == 409
    form = remaining_form(response.content.decode())
    assert typed_value(form) == "500"
    assert escape(fr(REMAINING_ERROR, max=180)) in form
    assert "hx-swap-oob" not in form


def test_it_sets_the_time_left_without_javascript(laptop, workshop):
    response = laptop.post(f"/w/{workshop.pk}/clock/", {"command": "set_remaining", "minutes": "0"})

    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/console/"
    assert reloaded(workshop).deadline <= timezone.now()


def test_it_lets_only_the_workshop_s_facilitators_set_the_time_left(
    user_client, other_facilitator, phone, workshop
):
    before = reloaded(workshop)
    data = {"command": "set_remaining", "minutes": "90"}

    assert user_client(other_facilitator).post(f"/w/{workshop.pk}/clock/", data).status_code == 404
    assert phone.post(f"/w/{workshop.pk}/clock/", data).status_code == 302  # to the login page
    assert reloaded(workshop).deadline == before.deadline


def test_it_reopens_the_phones_when_five_minutes_are_given_after_zero_left(
    console_htmx, phone, workshop
):
    Workshop.objects.filter(pk=workshop.pk).update(grace_seconds=0)
    clock_url, postits_url = f"/w/{workshop.pk}/clock/", f"/j/{workshop.code}/postits/"
    for _ in range(7):  # 30 minutes left, seven times "−5 min"
        assert (
            console_htmx.post(clock_url, {"command": "shift", "minutes": "-5"}).status_code == 200
        )
    floored = reloaded(workshop).deadline
    assert floored <= timezone.now()
    assert phone.post(postits_url, {"kind": "need", "text": "Du bois"}).status_code == 409

    console_htmx.post(clock_url, {"command": "shift", "minutes": "5"})

    assert reloaded(workshop).deadline == floored + datetime.timedelta(minutes=5)
    assert phone.post(postits_url, {"kind": "need", "text": "Du bois"}).status_code == 200


# Opening and closing --------------------------------------------------------------------


def test_it_closes_and_reopens_the_workshop(laptop, workshop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = laptop.post(f"/w/{workshop.pk}/status/", {"status": "closed"})
    assert response.status_code == 302
    assert response["Location"] == f"/w/{workshop.pk}/console/"
    assert reloaded(workshop).status == Workshop.Status.CLOSED
    assert len(callbacks) == 1  # phones turn read-only at once

    laptop.post(f"/w/{workshop.pk}/status/", {"status": "open"})
    assert reloaded(workshop).status == Workshop.Status.OPEN


def test_it_opens_the_doors_of_a_workshop_being_prepared(laptop, owner, territories):
    preparing = services.workshop_create(
        created_by=owner, title="Atelier", territories=territories, table_count=1
    )

    laptop.post(f"/w/{preparing.pk}/status/", {"status": "open"})

    after = reloaded(preparing)
    assert after.status == Workshop.Status.OPEN
    assert after.current_phase is None  # the doors open; the clock waits for "start"


@pytest.mark.parametrize("status", ["preparing", "archived", ""])
def test_it_refuses_any_other_status(console_htmx, workshop, status):
    response = console_htmx.post(f"/w/{workshop.pk}/status/", {"status": status})

    assert response.status_code == 409
    assert request_problem(response.content.decode()) == escape(
        fr("A workshop can only be opened or closed.")
    )
    assert reloaded(workshop).status == Workshop.Status.OPEN
