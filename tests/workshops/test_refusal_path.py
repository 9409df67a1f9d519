"""One refusal path for every participant write (workshops/refusals.py).

The URL conf is walked as the permission matrices do: every phone URL (``j/<code>/…``,
``p/<pk>/…``) is either a participant write that wears ``@participant_write``, or a read
named below; a new URL that is neither fails here.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from workshops import refusals
from workshops.gate import PhaseClosed
from workshops.models import PostIt

# Phone URLs that write nothing a participant authored: reads, and the door in and out.
NOT_PARTICIPANT_WRITES = {
    "workshops:join": "the join form: a visitor becomes a participant",
    "workshops:leave": "forgets the session's participant, writes no content",
    "workshops:phone_board": "read",
    "workshops:phone_state": "read",
    "workshops:phone_panels": "read",
    "workshops:compose_form": "read: a blank compose form",
    "baskets:grid": "read",
    "baskets:suggestions": "read: the table's match suggestions",
    "baskets:basket": "read",
    "baskets:slot": "read: the add button again",
    "baskets:transaction_new": "read: a blank transaction form",
    "baskets:conditions_slot": "read: the fill-in button again",
    "plenary:phone": "read",
}
PARTICIPANT_WRITES = {
    "workshops:postit_create",
    "workshops:postit_edit",
    "workshops:postit_delete",
    "baskets:transaction_create",
    "baskets:transaction_edit",
    "baskets:transaction_delete",
    "baskets:transaction_score",
    "baskets:conditions",
    "plenary:answer",
    "plenary:dot",
}


def phone_urls(resolver=None, prefix="", namespace=""):
    """(route, name, view) of every URL a phone uses."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from phone_urls(entry, route, inner)
        elif isinstance(entry, URLPattern) and route.startswith(("j/", "p/")):
            yield route, f"{namespace}{entry.name}", entry.callback


def test_every_participant_write_view_goes_through_the_one_refusal_path():
    seen = {name: view for _route, name, view in phone_urls()}
    writes = {name for name, view in seen.items() if refusals.is_participant_write(view)}
    unknown = set(seen) - writes - set(NOT_PARTICIPANT_WRITES)
    assert not unknown, f"phone URLs that neither go through @participant_write nor read: {unknown}"
    assert writes == PARTICIPANT_WRITES
    assert not writes & set(NOT_PARTICIPANT_WRITES)


def test_the_walk_finds_the_phone_urls():
    routes = [route for route, _name, _view in phone_urls()]
    assert "j/<str:code>/postits/" in routes
    assert "j/<str:code>/plenary/dot/" in routes
    assert len(routes) == len(PARTICIPANT_WRITES) + len(NOT_PARTICIPANT_WRITES)


@pytest.mark.parametrize(
    ("raised", "status"),
    [
        (PhaseClosed("Le temps est écoulé."), 409),
        (refusals.Stale(current=None, message="Quelqu'un a enregistré avant vous."), 409),
        (ValidationError("Texte trop long."), 422),
        (refusals.Invalid("Texte trop long."), 422),
        (refusals.TooMany("Patientez une minute."), 429),
    ],
)
def test_a_refusal_without_a_form_is_said_in_the_problem_banner_with_its_status(rf, raised, status):
    @refusals.participant_write
    def view(request):
        raise raised

    request = rf.post("/", HTTP_HX_REQUEST="true")
    request.htmx = True
    answer = view(request)

    assert answer.status_code == status
    html = answer.content.decode()
    assert 'id="request-problem"' in html and 'hx-swap-oob="true"' in html
    message = raised.messages[0] if isinstance(raised, ValidationError) else raised.message
    assert message.replace("'", "&#x27;") in html


def test_a_refusal_is_answered_as_the_view_registered(rf):
    @refusals.participant_write
    def view(request):
        refusals.answer_with(request, lambda refusal: refusals.banner(request, refusal))
        raise refusals.TooMany("Patientez.")

    request = rf.post("/")
    request.htmx = True
    assert view(request).status_code == 429


def test_a_phase_closed_save_without_scripts_comes_back_as_a_page_with_the_text_and_why(
    participant_client, alice, workshop
):
    workshop.grace_seconds = 0
    workshop.deadline = workshop.phase_started_at  # time is up
    workshop.save()

    response = participant_client(alice).post(
        f"/j/{workshop.code}/postits/", {"kind": "offer", "text": "Gardé sans script"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "Gardé sans script" in html
    assert 'class="gate-message"' in html and response.context["gate_reason"]
    assert not PostIt.objects.exists()


@override_settings(WRITES_PER_MINUTE=1)
def test_the_gate_spends_the_write_budget_once_a_write_is_let_through(
    participant_client, alice, workshop
):
    phone = participant_client(alice)
    url = f"/j/{workshop.code}/postits/"
    assert (
        phone.post(url, {"kind": "offer", "text": "Un"}, HTTP_HX_REQUEST="true").status_code == 200
    )
    # An invalid form never reaches the gate: it spends nothing and says what is wrong.
    assert phone.post(url, {"kind": "offer", "text": ""}, HTTP_HX_REQUEST="true").status_code == 422
    refused = phone.post(url, {"kind": "offer", "text": "Deux"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert refused.context["form"].non_field_errors()
    assert PostIt.objects.count() == 1


def test_a_banner_refusal_leaves_what_is_on_screen_as_it_is(rf):
    request = rf.post("/")
    request.htmx = True
    answer = refusals.banner(request, refusals.TooMany("Patientez."))
    assert answer["HX-Reswap"] == "none"
