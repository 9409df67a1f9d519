"""Phone views of the plenary: answer the questions, place and take back dots.

The voter is always the session's participant (``access.voter``). Writes go through
``services.py``; their refusals (``workshops/refusals.py``) answer with the form and what
was typed, or, for a dot, the reason in the item tapped.
"""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from plenary import access, dot_selectors, forms, panels, services
from workshops import refusals
from workshops.access import with_workshop
from workshops.models import Workshop
from workshops.pages import fragment_or_page


def _panel(request, participant, workshop, *, status=200, forms_=None, problem=""):
    context = panels.phone_context(
        participant=participant, workshop=workshop, forms_=forms_, problem=problem
    )
    if context is None:
        return HttpResponse('<div id="plenary-phone"></div>', status=status)
    if not request.htmx and status < 400:
        return redirect("workshops:join", code=workshop.code)
    # Refused without scripts: the form again, in a page of its own.
    return fragment_or_page(request, "plenary/_phone_panel.html", context, status=status)


@require_GET
@with_workshop
def phone(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = access.voter(request, workshop)
    return _panel(request, participant, workshop)


@require_POST
@with_workshop
@refusals.participant_write
def answer(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = access.voter(request, workshop)
    question = request.POST.get("question", "")
    prefix = f"q{question}" if question.isdecimal() else None
    form = forms.AnswerForm(request.POST, prefix=prefix)

    def refused(refusal: refusals.Refusal) -> HttpResponse:
        if not panels.in_plenary(workshop):  # moved on meanwhile: keep the answer on screen
            return refusals.banner(request, refusal)
        refusals.on_form(form, None, refusal)
        return _panel(
            request, participant, workshop, status=refusal.status, forms_={question: form}
        )

    refusals.answer_with(request, refused)
    refusals.require_valid(form)
    services.answer_create(
        participant=participant,
        question=form.cleaned_data["question"],
        text=form.cleaned_data["text"],
        client_id=form.cleaned_data["client_id"],
    )
    return _panel(request, participant, workshop)


def _dot_answer(request, participant, workshop, value: str, *, status=200, problem=""):
    """The item redrawn (with the problem in it, where the tap was), the dots left and the
    panel's problem line cleared (out of band): a few queries, not the whole room's list;
    without scripts, the phone's page again."""
    if not request.htmx:
        if problem:  # refused without scripts: said on the phone's page
            messages.error(request, problem)
        return redirect("workshops:join", code=workshop.code)
    dots, item = dot_selectors.phone_item(participant, value)
    context = {"workshop": workshop, "dots": dots, "item": item, "item_problem": problem}
    html = render_to_string("plenary/_dot_item.html", context, request=request) if item else ""
    context = {"workshop": workshop, "dots": dots, "problem": "" if item else problem, "oob": True}
    html += render_to_string("plenary/_dots_left.html", context)
    html += render_to_string("plenary/_phone_problem.html", context)
    return HttpResponse(html, status=status)


@require_POST
@with_workshop
@refusals.participant_write
def dot(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = access.voter(request, workshop)
    item = services.parse_item(request.POST.get("item", ""))
    if item is None:
        return _panel(request, participant, workshop, status=refusals.INVALID)
    refusals.answer_with(
        request,
        lambda refusal: _dot_answer(
            request,
            participant,
            workshop,
            item.value,
            status=refusal.status,
            problem=refusal.message,
        ),
    )
    if request.POST.get("action") == "take":
        services.dot_take_back(participant=participant, item=item)
    else:
        services.dot_place(participant=participant, item=item, client_id=_sent_client_id(request))
    return _dot_answer(request, participant, workshop, item.value)


def _sent_client_id(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None
