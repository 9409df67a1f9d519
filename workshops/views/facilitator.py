"""Laptop views for facilitators: their workshops, creating one, the projector."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from workshops import access, selectors, services
from workshops.forms import WorkshopForm
from workshops.links import is_loopback, join_url
from workshops.panels import render_panels
from workshops.qr import qr_svg


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


@login_required
def projector(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    table = _focused_table(request, workshop)
    context = {
        "workshop": workshop,
        "focused_table": table,
        "boards": selectors.workshop_board(workshop, table=table),
        "joined_count": workshop.participants.count(),
        "panels": render_panels("projector", request, workshop=workshop, table=table),
        **_join_context(request, workshop),
        **_screen_context(workshop),
    }
    return render(request, "workshops/projector.html", context)


def screen_state_context(workshop) -> dict:
    """The phase and clock on a facilitator's screen, and where it fetches them again."""
    return {
        "state": selectors.phase_state(workshop),
        "state_url": reverse("workshops:screen_state", args=[workshop.pk]),
    }


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
    territory = get_object_or_404(
        workshop.territories.prefetch_related("key_facts"), pk=territory_pk
    )
    context = {"workshop": workshop, "territory": territory, **_screen_context(workshop)}
    return render(request, "workshops/projector_sheet.html", context)


@login_required
def projector_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The grids on show, fetched again whenever the projector's socket (re)opens."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    boards = selectors.workshop_board(workshop, table=_focused_table(request, workshop))
    return render(request, "workshops/_projector_board.html", {"boards": boards})
