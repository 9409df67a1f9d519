"""The facilitator's console: the clock's controls and a live view of every table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from workshops import access, phases, selectors
from workshops.forms import ClockCommandForm
from workshops.links import is_loopback, join_url
from workshops.models import Workshop
from workshops.panels import render_panels
from workshops.screens import projector_switch_context, screen_state_context


def _tables_context(workshop: Workshop) -> dict:
    """The overview of the tables, the list of phases and what the projector shows."""
    return {
        **projector_switch_context(workshop),
        "overview": selectors.console_overview(workshop),
        "territories": workshop.territories.order_by("name"),
        "phases": workshop.phases.all(),
        "panels": render_panels("console", workshop=workshop),
    }


def _console_context(
    request: HttpRequest, workshop: Workshop, remaining: dict | None = None
) -> dict:
    return {
        "workshop": workshop,
        "join_url_is_loopback": is_loopback(join_url(workshop, request)),
        **_tables_context(workshop),
        "signed": True,
        "shifts": [-5, -1, 1, 5],
        "remaining": remaining or {},
        "max_remaining": phases.MAX_REMAINING_MINUTES,
        "sound_default": "on",
        **screen_state_context(workshop),
    }


@login_required
def console(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    return render(request, "workshops/console.html", _console_context(request, workshop))


@login_required
def console_tables(request: HttpRequest, pk: int) -> HttpResponse:
    """The tables' overview, fetched again when something changed and every few seconds;
    the list of phases comes along out of band, for when another facilitator edited it."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    context = {"workshop": workshop, **_tables_context(workshop)}
    return render(request, "workshops/_console_refresh.html", context)


@login_required
def screen_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The phase and clock, fetched again whenever a screen's socket (re)opens."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    return render(request, "workshops/_phase_state.html", screen_state_context(workshop))


def _after_command(
    request: HttpRequest, workshop: Workshop, error: str = "", remaining: dict | None = None
) -> HttpResponse:
    """htmx gets the new state straight away (the socket may be down), or the error.

    ``remaining`` is the "set the time left" form as typed, when that was the command:
    it comes back with its value and error, so a wrong number can be corrected in place.
    """
    status = 409 if error else 200
    if not request.htmx:  # the forms still work without scripts: the error shows on the page
        if error and remaining is not None:
            context = _console_context(request, workshop, remaining)
            return render(request, "workshops/console.html", context, status=status)
        if error:
            messages.error(request, error)
        return redirect("workshops:console", pk=workshop.pk)
    context = {
        **screen_state_context(workshop),
        "workshop": workshop,
        "oob": True,
        "message": error,
        "remaining": remaining,
        "max_remaining": phases.MAX_REMAINING_MINUTES,
    }
    return render(request, "workshops/_console_command_result.html", context, status=status)


@login_required
@require_POST
def clock(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    form = ClockCommandForm(request.POST, workshop=workshop)
    error = ""
    if not form.is_valid():
        error = form.error_message()
    else:
        try:
            workshop = phases.clock_command(workshop, **form.command_kwargs())
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    remaining = None
    if request.POST.get("command") == phases.ClockCommand.SET_REMAINING:
        # Refused: the number comes back as typed, with why. Done: the field empties.
        remaining = {"value": request.POST.get("minutes", ""), "error": error} if error else {}
    return _after_command(request, workshop, error, remaining)


@login_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    try:
        workshop = phases.set_status(workshop, request.POST.get("status", ""))
    except ValidationError as error:
        return _after_command(request, workshop, error=" ".join(error.messages))
    return redirect("workshops:console", pk=workshop.pk)
