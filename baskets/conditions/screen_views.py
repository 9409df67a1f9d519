"""The projector's view of the conditions phase: every basket's verdict, condition,
rebalancing, alliance cards and filled conditions, a table at a time (every table) or one
table. A registered projector view (``panels.py``: "conditions", "conditions:N"):
facilitators only (404 for the others), the live fragments come through the screens'
socket, and ``static/baskets/conditions_screen.js`` pages through what does not fit."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from baskets import access
from baskets.conditions import selectors
from baskets.conditions.panels import CONDITIONS
from workshops import access as room_access
from workshops.projector import View
from workshops.screens import projector_live_context, screen_state_context

CONTENT_TEMPLATE = "baskets/_conditions_screen_content.html"


def _table(workshop, number: int | None):
    return None if number is None else get_object_or_404(workshop.tables, number=number)


def _content_url(pk: int, number: int | None) -> str:
    if number is None:
        return reverse("baskets_screens:conditions_tables_content", args=[pk])
    return reverse("baskets_screens:conditions_table_content", args=[pk, number])


def _asked_basket(request: HttpRequest) -> str:
    """?basket=PK: the page to start on (a basket's former full-screen page leads here)."""
    basket = request.GET.get("basket", "")
    return basket if basket.isdecimal() else ""


def _screen(request: HttpRequest, pk: int, number: int | None) -> HttpResponse:
    workshop = room_access.get_workshop_for_facilitator(request, pk)
    table = _table(workshop, number)
    view = View(CONDITIONS, number)
    following = number is None and "follow" in request.GET
    context = {
        "workshop": workshop,
        "tables": selectors.screen_tables(workshop, table=table),
        "table": table,
        "table_numbers": list(workshop.tables.values_list("number", flat=True)),
        "content_url": _content_url(pk, number),
        "start_basket": _asked_basket(request),
        "sound_default": "on",
        **screen_state_context(workshop),
        **projector_live_context(workshop, view, follow=CONDITIONS if following else ""),
    }
    return render(request, "baskets/conditions_screen.html", context)


def _content(request: HttpRequest, pk: int, number: int | None) -> HttpResponse:
    """Fetched again whenever the screen's socket (re)opens: what it missed meanwhile."""
    workshop = room_access.get_workshop_for_facilitator(request, pk)
    tables = selectors.screen_tables(workshop, table=_table(workshop, number))
    return render(request, CONTENT_TEMPLATE, {"workshop": workshop, "tables": tables})


@login_required
@require_GET
def tables_screen(request: HttpRequest, pk: int) -> HttpResponse:
    return _screen(request, pk, None)


@login_required
@require_GET
def tables_screen_content(request: HttpRequest, pk: int) -> HttpResponse:
    return _content(request, pk, None)


@login_required
@require_GET
def table_screen(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _screen(request, pk, number)


@login_required
@require_GET
def table_screen_content(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _content(request, pk, number)


@login_required
@require_GET
def basket_screen(request: HttpRequest, pk: int, basket_pk: int) -> HttpResponse:
    """The former full-screen page of one basket: the projector's view at that basket."""
    basket = access.basket_for_facilitator(request, pk, basket_pk)
    url = reverse("baskets_screens:conditions_tables", args=[pk])
    return redirect(f"{url}?basket={basket.pk}")
