"""A participant's writes outside their phase: refused by the server, whatever the phone shows.

The phone greys its form on time, but a late or forged POST must still be refused
(409), with the form given back holding the typed text and the reason, and nothing
saved or broadcast.
"""

import datetime
import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import fr, request_problem
from workshops import phases
from workshops.models import Phase, PostIt, Workshop
from workshops.phases import ClockCommand

pytestmark = pytest.mark.django_db

TYPED = "Une chaufferie bois à partager"

NOT_OPEN_YET = "The workshop has not opened yet."
CLOSED = "The workshop is closed: everything is read-only now."
NO_PHASE_YET = "The facilitator has not started the first phase yet. Your text is kept."
WRONG_PHASE = "%(action)s are closed during this phase (%(phase)s). Your text is kept."
TIME_UP = (
    "Time is up for this phase. Your text is kept: it can be sent if the "
    "facilitator gives more time."
)


def gate_message(content: str) -> str:
    found = re.search(r'<p class="gate-message"([^>]*)>(.*?)</p>', content, re.DOTALL)
    assert found, "no gate message in the form"
    assert "hidden" not in found.group(1)
    return found.group(2)


def move_clock(workshop: Workshop, minutes: int) -> None:
    phases.clock_command(workshop, ClockCommand.SHIFT, minutes=minutes)


def started_ago(workshop: Workshop, minutes: int) -> None:
    """The running phase (30 minutes) restarted as if ``minutes`` ago: "−5 min" stops at
    zero left, so only time itself puts a deadline in the past."""
    current = Workshop.objects.get(pk=workshop.pk).current_phase
    since = timezone.now() - datetime.timedelta(minutes=minutes)
    phases.clock_command(workshop, ClockCommand.GOTO, phase=current, now=since)


def set_grace(workshop: Workshop, seconds: int) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(grace_seconds=seconds)


# Each situation changes the shared workshop (open, formulation running) and says why
# post-its are closed in it.


def in_phase(kind: str) -> Callable[[Workshop], str]:
    def go(workshop: Workshop) -> str:
        phase = workshop.phases.filter(kind=kind).first()
        if phase is None:
            phase = phases.phase_save(
                workshop, Phase(kind=kind, name="Pause café", duration_minutes=10)
            )
        phases.clock_command(workshop, ClockCommand.GOTO, phase=phase)
        return fr(WRONG_PHASE, action=fr("Post-its"), phase=phase.name)

    return go


def before_the_first_phase(workshop: Workshop) -> str:
    phases.clock_command(workshop, ClockCommand.STOP)
    assert Workshop.objects.get(pk=workshop.pk).status == Workshop.Status.OPEN
    return fr(NO_PHASE_YET)


def preparing(workshop: Workshop) -> str:
    # No command takes a workshop back to "preparing": a phone only writes here with a
    # session made by hand. The gate does not trust it either.
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.PREPARING)
    return fr(NOT_OPEN_YET)


def closed(workshop: Workshop) -> str:
    phases.set_status(workshop, Workshop.Status.CLOSED)
    return fr(CLOSED)


def after_the_grace_period(workshop: Workshop) -> str:
    started_ago(workshop, 60)  # 30 minutes past the deadline, with a minute of grace
    return fr(TIME_UP)


def right_after_the_deadline_without_grace(workshop: Workshop) -> str:
    set_grace(workshop, 0)
    started_ago(workshop, 30)  # the deadline is the instant the phase was restarted
    return fr(TIME_UP)


SITUATIONS = [
    pytest.param(in_phase(Phase.Kind.CONDITIONS), id="conditions"),
    pytest.param(in_phase(Phase.Kind.PLENARY), id="plenary"),
    pytest.param(in_phase(Phase.Kind.OTHER), id="other"),
    pytest.param(before_the_first_phase, id="no-phase-yet"),
    pytest.param(preparing, id="preparing"),
    pytest.param(closed, id="closed"),
    pytest.param(after_the_grace_period, id="time-up"),
    pytest.param(right_after_the_deadline_without_grace, id="no-grace"),
]


def postit_row(postit: PostIt) -> tuple:
    return PostIt.objects.values_list("kind", "text", "theme", "updated_at").get(pk=postit.pk)


# Refused --------------------------------------------------------------------------


@pytest.mark.parametrize("situation", SITUATIONS)
def test_it_refuses_a_new_postit_and_gives_the_text_back_with_the_reason(
    phone, alice, workshop, situation, django_capture_on_commit_callbacks
):
    reason = situation(workshop)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = phone.post(f"/j/{workshop.code}/postits/", {"kind": "need", "text": TYPED})

    assert response.status_code == 409
    content = response.content.decode()
    assert escape(TYPED) in content
    assert gate_message(content) == escape(reason)
    assert 'id="postit-form"' in content
    assert f'hx-post="/j/{workshop.code}/postits/"' in content
    assert "hx-swap-oob" not in content  # no cell changed
    assert not PostIt.objects.exists()
    assert callbacks == []


@pytest.mark.parametrize("situation", SITUATIONS)
def test_it_refuses_an_edit_and_keeps_the_postit_as_it_was(
    phone, alices_postit, workshop, situation, django_capture_on_commit_callbacks
):
    before = postit_row(alices_postit)
    reason = situation(workshop)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = phone.post(f"/p/{alices_postit.pk}/edit/", {"kind": "need", "text": TYPED})

    assert response.status_code == 409
    content = response.content.decode()
    assert escape(TYPED) in content
    assert gate_message(content) == escape(reason)
    assert f'hx-post="/p/{alices_postit.pk}/edit/"' in content  # still editing this one
    assert postit_row(alices_postit) == before
    assert callbacks == []


@pytest.mark.parametrize("situation", SITUATIONS)
def test_it_refuses_a_deletion_with_the_reason_out_of_band(
    phone, alices_postit, workshop, situation, django_capture_on_commit_callbacks
):
    reason = situation(workshop)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = phone.post(f"/p/{alices_postit.pk}/delete/")

    assert response.status_code == 409
    assert request_problem(response.content.decode()) == escape(reason)
    assert PostIt.objects.filter(pk=alices_postit.pk).exists()
    assert callbacks == []


def test_it_refuses_a_deletion_without_javascript_and_says_why_on_the_phone_page(
    participant_client, alice, alices_postit, workshop
):
    reason = in_phase(Phase.Kind.CONDITIONS)(workshop)

    response = participant_client(alice).post(f"/p/{alices_postit.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/j/{workshop.code}/", 302)]
    assert [str(message) for message in response.context["messages"]] == [reason]
    assert PostIt.objects.filter(pk=alices_postit.pk).exists()


@pytest.mark.parametrize("situation", SITUATIONS)
def test_it_refuses_without_javascript_too(participant_client, alice, workshop, situation):
    situation(workshop)

    response = participant_client(alice).post(
        f"/j/{workshop.code}/postits/", {"kind": "offer", "text": TYPED}
    )

    assert response.status_code == 409
    assert not PostIt.objects.exists()


def test_an_empty_form_in_the_wrong_phase_still_says_why_it_is_closed(phone, workshop):
    """The gate is the service's (workshops/gate.py): an invalid form never reaches it,
    but the form that comes back says why post-its are closed, above its error."""
    reason = in_phase(Phase.Kind.PLENARY)(workshop)

    response = phone.post(f"/j/{workshop.code}/postits/", {"kind": "offer", "text": ""})

    assert response.status_code == 422
    assert not PostIt.objects.exists()
    assert gate_message(response.content.decode()) == escape(reason)


# What the phone shows before it sends -------------------------------------------------


def test_it_shows_the_reason_on_the_phone_page_and_greys_the_form(
    participant_client, alice, workshop
):
    reason = in_phase(Phase.Kind.CONDITIONS)(workshop)

    content = participant_client(alice).get(f"/j/{workshop.code}/").content.decode()

    assert gate_message(content) == escape(reason)
    assert re.search(r"<textarea[^>]*readonly", content)
    assert re.search(r'<button type="submit" class="primary big" disabled', content)


def test_it_shows_the_reason_on_the_edit_form(phone, alices_postit, workshop):
    reason = after_the_grace_period(workshop)

    response = phone.get(f"/p/{alices_postit.pk}/edit/")

    assert response.status_code == 200
    assert gate_message(response.content.decode()) == escape(reason)


def test_it_hides_the_gate_message_while_postits_are_open(participant_client, alice, workshop):
    content = participant_client(alice).get(f"/j/{workshop.code}/").content.decode()
    assert re.search(r'<p class="gate-message"[^>]* hidden', content)
    assert not re.search(r"<textarea[^>]*readonly", content)


# Accepted ----------------------------------------------------------------------------


def write_edit_delete(phone, workshop, postit) -> list[int]:
    return [
        phone.post(f"/j/{workshop.code}/postits/", {"kind": "need", "text": TYPED}).status_code,
        phone.post(f"/p/{postit.pk}/edit/", {"kind": "need", "text": "Changé"}).status_code,
        phone.post(f"/p/{postit.pk}/delete/").status_code,
    ]


def test_it_accepts_postits_during_the_negotiation(phone, alices_postit, workshop):
    in_phase(Phase.Kind.NEGOTIATION)(workshop)

    assert write_edit_delete(phone, workshop, alices_postit) == [200, 200, 200]
    assert list(PostIt.objects.values_list("text", flat=True)) == [TYPED]


def test_it_accepts_postits_within_the_grace_period(phone, alices_postit, workshop):
    set_grace(workshop, 600)
    started_ago(workshop, 35)  # five minutes past the deadline, of ten minutes of grace

    assert write_edit_delete(phone, workshop, alices_postit) == [200, 200, 200]
    assert list(PostIt.objects.values_list("text", flat=True)) == [TYPED]


def test_it_accepts_postits_right_after_the_deadline_with_the_default_grace(
    phone, alices_postit, workshop
):
    started_ago(workshop, 30)

    assert write_edit_delete(phone, workshop, alices_postit) == [200, 200, 200]


def test_it_accepts_the_kept_text_once_the_facilitator_gives_more_time(phone, workshop):
    after_the_grace_period(workshop)
    url = f"/j/{workshop.code}/postits/"
    assert phone.post(url, {"kind": "need", "text": TYPED}).status_code == 409

    move_clock(workshop, 60)

    assert phone.post(url, {"kind": "need", "text": TYPED}).status_code == 200
    assert PostIt.objects.get().text == TYPED


def test_it_accepts_postits_again_once_a_closed_workshop_reopens(phone, workshop):
    closed(workshop)
    phases.set_status(workshop, Workshop.Status.OPEN)

    response = phone.post(f"/j/{workshop.code}/postits/", {"kind": "need", "text": TYPED})

    assert response.status_code == 200
    assert PostIt.objects.get().text == TYPED
