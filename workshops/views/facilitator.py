"""Laptop views for facilitators: their workshops, creating one, the projector."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from workshops import access, selectors, services
from workshops import projector as screen
from workshops.forms import WorkshopForm
from workshops.links import is_loopback, join_url
from workshops.panels import render_panels
from workshops.qr import qr_svg
from workshops.screens import projector_live_context, projector_switch_context, screen_state_context


@login_required
def workshop_list(request: HttpRequest) -> HttpResponse:
    workshops = access.facilitated_workshops(request.user).prefetch_related("territories")
    return render(request, "workshops/workshop_list.html", {"workshops": workshops})


@login_required
@require_http_methods(["GET", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workshop = services.workshop_create(created_by=request.user, **form.cleaned_data)
        return redirect("workshops:detail", pk=workshop.pk)
    return render(request, "workshops/workshop_form.html", {"form": form})


def _join_context(request: HttpRequest, workshop) -> dict:
    url = join_url(workshop, request)
    return {"join_url": url, "join_qr": qr_svg(url), "join_url_is_loopback": is_loopback(url)}


@login_required
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    tables = workshop.tables.prefetch_related("subgroups__territory", "subgroups__participants")
    context = {"workshop": workshop, "tables": tables, **_join_context(request, workshop)}
    return render(request, "workshops/workshop_detail.html", context)


def _focused_table(request: HttpRequest, workshop):
    """?table=N shows one table, large enough for a big room; otherwise every table."""
    number = request.GET.get("table", "")
    if not number.isdecimal():  # isdigit() lets "²" through, which int() refuses
        return None
    return get_object_or_404(workshop.tables, number=int(number))


def _chosen_view(request: HttpRequest, workshop) -> screen.View:
    """What this projector page shows: ?table=N or ?view=all|join|follow when a link asked
    for it, else the choice stored on the workshop (workshops/projector.py)."""
    table = _focused_table(request, workshop)
    if table is not None:
        return screen.View(screen.TABLE, table.number)
    if "table" in request.GET:  # ?table=deux: every table, as before
        return screen.View(screen.ALL)
    asked = request.GET.get("view", "")
    if asked in (screen.FOLLOW, screen.ALL, screen.JOIN):
        return screen.View(asked)
    view = screen.current(workshop)
    try:
        screen.check(workshop, view)
    except ValidationError:  # the table or territory has gone since: follow the workshop
        return screen.View(screen.FOLLOW)
    return view


@login_required
def projector(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    view = _chosen_view(request, workshop)
    registered = screen.kind_of(view)
    if registered is not None:  # a view an app adds (the baskets): its own page
        return redirect(registered.url(workshop, view))
    if view.kind == screen.FOLLOW:
        phase = workshop.current_phase
        shown = screen.followed(phase.kind) if phase else None
        if shown is not None:  # e.g. the negotiation: its page, which follows the phase on
            return redirect(shown.url(workshop, screen.View(shown.name)) + "?follow=1")
    if view.kind == screen.SHEET:
        return _render_sheet(request, workshop, view.number)
    table = workshop.tables.get(number=view.number) if view.kind == screen.TABLE else None
    context = {
        "workshop": workshop,
        "view": view,
        "focused_table": table,
        "boards": selectors.workshop_board(workshop, table=table),
        "joined_count": workshop.participants.count(),
        "panels": render_panels("projector", request, workshop=workshop, table=table),
        **_join_context(request, workshop),
        **_screen_context(workshop),
        **projector_live_context(
            workshop, view, follow="board" if view.kind == screen.FOLLOW else ""
        ),
    }
    return render(request, "workshops/projector.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def projector_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the marker of what the projectors should show (fetched when their socket opens).
    POST ``view``: switch what they show, from the console or the projector's keyboard."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    if request.method == "GET":
        return render(request, "workshops/_projector_view.html", {"workshop": workshop})
    error = ""
    try:
        workshop = screen.set_view(workshop=workshop, value=request.POST.get("view", ""))
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("workshops:console", pk=workshop.pk)
    context = {**projector_switch_context(workshop), "message": error}
    return render(
        request, "workshops/_console_projector.html", context, status=422 if error else 200
    )


def _screen_context(workshop) -> dict:
    """What every projector page shows around its content: the phase, the clock, the sheets."""
    return {
        **screen_state_context(workshop),
        "sound_default": "on",
        "sheet_territories": workshop.territories.order_by("name"),
        "table_numbers": workshop.tables.values_list("number", flat=True),
    }


@login_required
def projector_sheet(request: HttpRequest, pk: int, territory_pk: int) -> HttpResponse:
    """One territory sheet, large, for the room to read."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    return _render_sheet(request, workshop, territory_pk)


def _render_sheet(request: HttpRequest, workshop, territory_pk: int) -> HttpResponse:
    territory = get_object_or_404(
        workshop.territories.prefetch_related("key_facts"), pk=territory_pk
    )
    context = {
        "workshop": workshop,
        "territory": territory,
        **_screen_context(workshop),
        **projector_live_context(workshop, screen.View(screen.SHEET, territory.pk)),
    }
    return render(request, "workshops/projector_sheet.html", context)


@login_required
def projector_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The grids on show, fetched again whenever the projector's socket (re)opens."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    boards = selectors.workshop_board(workshop, table=_focused_table(request, workshop))
    return render(request, "workshops/_projector_board.html", {"boards": boards})
