"""The facilitator's screens of the negotiation: every table's baskets (a table a page),
a table's baskets side by side, and one pair of territories across every table.
Facilitators only (404 for the others, as the room's projector does); the live fragments
come through the screens' socket. They are the projector's registered views
(baskets/panels.py): they follow what the console or the keys choose next, and, reached by
following the workshop (?follow=1), the phase."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from baskets import screen_selectors, selectors, suggestions
from baskets.panels import BASKETS, PAIR
from workshops import access
from workshops.projector import View
from workshops.screens import projector_live_context, screen_state_context


def _screen_context(request: HttpRequest, workshop, view: View) -> dict:
    following = view == View(BASKETS) and "follow" in request.GET
    return {
        "workshop": workshop,
        "table_numbers": list(workshop.tables.values_list("number", flat=True)),
        "pairs": screen_selectors.pairs(workshop),
        "sound_default": "on",
        **screen_state_context(workshop),
        **projector_live_context(workshop, view, follow=BASKETS if following else ""),
    }


@login_required
def tables_screen(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    context = {
        **_screen_context(request, workshop, View(BASKETS)),
        "entries": selectors.negotiation(workshop),
        "all_tables": True,
        "content_url": reverse("baskets_screens:tables_content", args=[pk]),
    }
    return render(request, "baskets/screen_tables.html", context)


@login_required
def tables_screen_content(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    context = {"workshop": workshop, "entries": selectors.negotiation(workshop)}
    return render(request, "baskets/_screen_tables_content.html", context)


def _table(request: HttpRequest, pk: int, number: int):
    workshop = access.get_workshop_for_facilitator(request, pk)
    return workshop, get_object_or_404(workshop.tables, number=number)


def _pair(request: HttpRequest, pk: int, a: int, b: int):
    workshop = access.get_workshop_for_facilitator(request, pk)
    territories = workshop.territories.all()
    first = get_object_or_404(territories, pk=a)
    second = get_object_or_404(territories, pk=b)
    if first == second:
        raise Http404
    if (first.name, first.pk) > (second.name, second.pk):  # A first, as in the baskets
        first, second = second, first
    return workshop, first, second


@login_required
def table_screen(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    workshop, table = _table(request, pk, number)
    context = {
        **_screen_context(request, workshop, View(BASKETS, table.number)),
        "entry": selectors.table_negotiation(table),
        "table": table,
        "content_url": reverse("baskets_screens:table_content", args=[pk, number]),
    }
    return render(request, "baskets/screen_table.html", context)


@login_required
def table_screen_content(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Fetched again whenever the screen's socket (re)opens: what it missed meanwhile."""
    workshop, table = _table(request, pk, number)
    context = {"workshop": workshop, "entry": selectors.table_negotiation(table)}
    return render(request, "baskets/_screen_table_content.html", context)


@login_required
def pair_screen(request: HttpRequest, pk: int, a: int, b: int) -> HttpResponse:
    workshop, first, second = _pair(request, pk, a, b)
    context = {
        **_screen_context(request, workshop, View(PAIR, first.pk, second.pk)),
        "pair": (first, second),
        "views": screen_selectors.pair_view(workshop, first, second),
        "content_url": reverse("baskets_screens:pair_content", args=[pk, first.pk, second.pk]),
    }
    return render(request, "baskets/screen_pair.html", context)


@login_required
def pair_screen_content(request: HttpRequest, pk: int, a: int, b: int) -> HttpResponse:
    workshop, first, second = _pair(request, pk, a, b)
    views = screen_selectors.pair_view(workshop, first, second)
    context = {"workshop": workshop, "pair": (first, second), "views": views}
    return render(request, "baskets/_screen_pair_content.html", context)


@login_required
def unanswered_needs(request: HttpRequest, pk: int) -> HttpResponse:
    """The console's list, per table, of the needs no offer at the table seems to answer
    (baskets/suggestions.py): fetched after the console, which never waits for the model."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    tables = [
        (found.table, found.unanswered_needs()) for found in suggestions.for_workshop(workshop)
    ]
    context = {"workshop": workshop, "tables": tables}
    return render(request, "baskets/_console_unanswered.html", context)
