"""The facilitator's console: the clock's controls and a live view of every table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from workshops import access, phases, selectors
from workshops.forms import ClockCommandForm
from workshops.models import Workshop
from workshops.views.facilitator import screen_state_context


def _tables_context(workshop: Workshop) -> dict:
    """The overview of the tables and the list of phases, as the console shows them."""
    return {
        "overview": selectors.console_overview(workshop),
        "territories": workshop.territories.order_by("name"),
        "phases": workshop.phases.all(),
    }


@login_required
def console(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    context = {
        "workshop": workshop,
        **_tables_context(workshop),
        "signed": True,
        "shifts": [-5, -1, 1, 5],
        "sound_default": "on",
        **screen_state_context(workshop),
    }
    return render(request, "workshops/console.html", context)


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


def _after_command(request: HttpRequest, workshop: Workshop, error: str = "") -> HttpResponse:
    """htmx gets the new state straight away (the socket may be down), or the error."""
    if not request.htmx:  # the forms still work without scripts: the error shows on the page
        if error:
            messages.error(request, error)
        return redirect("workshops:console", pk=workshop.pk)
    context = {**screen_state_context(workshop), "oob": True, "message": error}
    return render(request, "workshops/_command_result.html", context, status=409 if error else 200)


@login_required
@require_POST
def clock(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    form = ClockCommandForm(request.POST, workshop=workshop)
    if not form.is_valid():
        return _after_command(request, workshop, error=form.error_message())
    try:
        workshop = phases.clock_command(workshop, **form.command_kwargs())
    except ValidationError as error:
        return _after_command(request, workshop, error=" ".join(error.messages))
    return _after_command(request, workshop)


@login_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    try:
        workshop = phases.set_status(workshop, request.POST.get("status", ""))
    except ValidationError as error:
        return _after_command(request, workshop, error=" ".join(error.messages))
    return redirect("workshops:console", pk=workshop.pk)
