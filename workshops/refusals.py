"""The one refusal path of participant writes.

A participant's write is refused for four reasons, each a ``Refusal`` with its status
and a message for the participant:

- ``PhaseClosed`` (409), raised by the gate (``gate.require_open``), which every
  participant service asks first;
- ``Stale`` (409), raised by a service whose row someone else saved meanwhile, with what
  it says now (``current``);
- ``Invalid`` (422): a form that does not validate, or a service's ``ValidationError``;
- ``TooMany`` (429), raised by the write budget (``ratelimit.spend_write_budget``),
  which the gate spends once the write is let through.

Views do not catch them. ``@participant_write`` turns any of them into the answer the
view registered with ``answer_with`` (its form again, with the message and the text as
typed), or into the page's problem banner; ``RefusalMiddleware`` does the same for a
refusal that a view without the decorator let through. On the phone, ``paniers.js``
brings the refused form, its message and the typed text into view and focuses them.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from workshops.problem import problem_response

PHASE_CLOSED = 409
STALE = 409
INVALID = 422
TOO_MANY = 429


class Refusal(Exception):
    """A participant's write the server refuses: nothing was written."""

    status = 409

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class PhaseClosed(Refusal):
    """The gate's refusal: the phase, the clock or the workshop's status."""

    status = PHASE_CLOSED

    @property
    def reason(self) -> str:
        return self.message


class Stale(Refusal):
    """Someone saved the same thing since this form was drawn; ``current`` is what is there."""

    status = STALE

    def __init__(self, current, message: str = ""):
        super().__init__(message)
        self.current = current


class Invalid(Refusal):
    """What was sent does not hold; ``error`` keeps the fields it names, if any."""

    status = INVALID

    def __init__(self, error: ValidationError | str = ""):
        if isinstance(error, str):
            error = ValidationError(error) if error else None
        super().__init__(" ".join(error.messages) if error is not None else "")
        self.error = error


class TooMany(Refusal):
    """Over the write budget: wait for the next minute."""

    status = TOO_MANY


def refusal_of(exception: Exception) -> Refusal:
    return exception if isinstance(exception, Refusal) else Invalid(exception)


def require_valid(form) -> None:
    """Raise ``Invalid`` when the form does not validate (its errors stay in it)."""
    if not form.is_valid():
        raise Invalid()


Answer = Callable[[Refusal], HttpResponse]


def answer_with(request: HttpRequest, answer: Answer) -> None:
    """How this request answers a refusal: usually its form drawn again with the reason."""
    request.refusal_answer = answer


def on_form(form, context: dict | None, refusal: Refusal) -> None:
    """Put the refusal where a form shows it: the gate's message in ``gate_reason`` (among
    the form's errors when there is no context), a stale version left to the view (it
    draws what is there now), anything else among the form's errors, above the fields or
    under the ones it names."""
    if isinstance(refusal, PhaseClosed) and context is not None:
        context["gate_reason"] = refusal.message
    elif isinstance(refusal, Invalid):
        if refusal.error is not None:
            form.add_error(None, refusal.error)
    elif not isinstance(refusal, Stale) and refusal.message:
        form.add_error(None, refusal.message)


def banner(request: HttpRequest, refusal: Refusal, back: str | None = None) -> HttpResponse:
    """No form to draw again (a deletion, a score, a tap): the reason in the page's problem
    banner, whatever is on screen stays; without scripts, back to ``back`` with it."""
    if not getattr(request, "htmx", False) and back:
        messages.error(request, refusal.message)
        return redirect(back)
    response = problem_response(request, refusal.message, refusal.status)
    response["HX-Reswap"] = "none"  # the banner only (out of band): the form stays as typed
    return response


def participant_write(view):
    """Every participant write view wears it: a refusal raised below it becomes the
    answer the view registered (``answer_with``), else the problem banner."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (Refusal, ValidationError) as exception:
            refusal = refusal_of(exception)
            answer = getattr(request, "refusal_answer", None)
            return answer(refusal) if answer else banner(request, refusal)

    wrapper.participant_write = True
    return wrapper


def is_participant_write(view) -> bool:
    """Whether ``view`` (through the decorators around it) goes through the refusal path."""
    while view is not None:
        if getattr(view, "participant_write", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


class RefusalMiddleware:
    """A refusal that a view let through is still a refusal, never a 500: its status, and
    the reason in the page's problem banner (the phone keeps what was typed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Refusal):
            return None
        return banner(request, exception)
