"""Phone views of the plenary: answer the questions, place and take back dots.

The voter is always the session's participant (``access.voter``). Writes go through
``services.py``; its gate refusals (``PhaseClosed``) answer 409 and keep what was typed.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from plenary import access, forms, panels, selectors, services
from workshops.gate import PhaseClosed
from workshops.models import Workshop
from workshops.ratelimit import over_write_budget
from workshops.views.participant import with_workshop

PHASE_CLOSED, INVALID, TOO_MANY = 409, 422, 429


def _panel(request, participant, workshop, *, status=200, forms_=None, problem=""):
    context = panels.phone_context(
        participant=participant, workshop=workshop, forms_=forms_, problem=problem
    )
    if context is None:
        return HttpResponse('<div id="plenary-phone"></div>', status=status)
    if not request.htmx:
        return redirect("workshops:join", code=workshop.code)
    return render(request, "plenary/_phone_panel.html", context, status=status)


@require_GET
@with_workshop
def phone(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = access.voter(request, workshop)
    return _panel(request, participant, workshop)


@require_POST
@with_workshop
def answer(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = access.voter(request, workshop)
    question = request.POST.get("question", "")
    prefix = f"q{question}" if question.isdecimal() else None
    form = forms.AnswerForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _panel(request, participant, workshop, status=INVALID, forms_={question: form})
    if over_write_budget("answer", participant.pk):
        form.add_error(None, _("Too many answers at once: wait a minute, your text is kept."))
        return _panel(request, participant, workshop, status=TOO_MANY, forms_={question: form})
    try:
        services.answer_create(
            participant=participant,
            question=form.cleaned_data["question"],
            text=form.cleaned_data["text"],
            client_id=form.cleaned_data["client_id"],
        )
    except PhaseClosed as closed:
        form.add_error(None, closed.reason)
        return _panel(request, participant, workshop, status=PHASE_CLOSED, forms_={question: form})
    except ValidationError as error:
        form.add_error(None, error)
        return _panel(request, participant, workshop, status=INVALID, forms_={question: form})
    return _panel(request, participant, workshop)


def _dot_answer(request, participant, workshop, value: str, *, status=200, problem=""):
    """The item redrawn, the dots left and the problem line (out of band): a few
    queries, not the whole room's list; without scripts, the phone's page again."""
    if not request.htmx:
        return redirect("workshops:join", code=workshop.code)
    dots, item = selectors.phone_item(participant, value)
    context = {"workshop": workshop, "dots": dots, "item": item, "problem": problem, "oob": True}
    html = render_to_string("plenary/_dot_item.html", context, request=request) if item else ""
    html += render_to_string("plenary/_dots_left.html", context)
    html += render_to_string("plenary/_phone_problem.html", context)
    return HttpResponse(html, status=status)


@require_POST
@with_workshop
def dot(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = access.voter(request, workshop)
    item = services.parse_item(request.POST.get("item", ""))
    if item is None:
        return _panel(request, participant, workshop, status=INVALID)
    take_back = request.POST.get("action") == "take"
    if over_write_budget("dot", participant.pk):
        # Each dot redraws the room's chart: a phone tapping in a loop would keep it busy.
        problem = _("Too many taps at once: wait a minute.")
        return _dot_answer(
            request, participant, workshop, item.value, status=TOO_MANY, problem=problem
        )
    try:
        if take_back:
            services.dot_take_back(participant=participant, item=item)
        else:
            services.dot_place(participant=participant, item=item)
    except PhaseClosed as closed:
        return _dot_answer(
            request, participant, workshop, item.value, status=PHASE_CLOSED, problem=closed.reason
        )
    except ValidationError as error:
        return _dot_answer(
            request,
            participant,
            workshop,
            item.value,
            status=INVALID,
            problem=" ".join(error.messages),
        )
    return _dot_answer(request, participant, workshop, item.value)
