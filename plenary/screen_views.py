"""The facilitator's plenary: the settings page, the presenter and the wall on the
projector, and the console's commands (moderation, voting, results, slides).
Facilitators only: 404 for anyone else, as the room's projector."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plenary import access, dot_selectors, forms, selectors, services
from plenary.panels import PRESENTER, WALL
from workshops.projector import View
from workshops.screens import projector_live_context, screen_state_context


def _done(request: HttpRequest, pk: int) -> HttpResponse:
    """The console redraws itself (CONSOLE_STALE); without scripts, back to it."""
    if request.htmx:
        return HttpResponse(status=204)
    return redirect("workshops:console", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.facilitated(request, pk)
    plenary = selectors.plenary_of(workshop)
    form = forms.SettingsForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            services.settings_update(
                workshop=workshop,
                questions=form.cleaned_data["questions"].splitlines(),
                dots_per_participant=form.cleaned_data["dots_per_participant"],
                dots_per_item=form.cleaned_data["dots_per_item"],
                order=form.cleaned_data["order"],
                include_empty=form.cleaned_data["include_empty"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("workshops:console", pk=pk)
    form = form or forms.SettingsForm.of(plenary)
    status = 422 if form.errors else 200
    return render(
        request, "plenary/settings.html", {"workshop": workshop, "form": form}, status=status
    )


def _screen_context(request: HttpRequest, workshop, name: str) -> dict:
    """A projector's view (plenary/panels.py): it follows what the console or the keys
    choose next and, reached by following the workshop (?follow=1), the phase."""
    following = name == PRESENTER and "follow" in request.GET
    return {
        "workshop": workshop,
        "sound_default": "on",
        **screen_state_context(workshop),
        **projector_live_context(workshop, View(name), follow=PRESENTER if following else ""),
    }


@login_required
def present(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.facilitated(request, pk)
    context = {
        **_screen_context(request, workshop, PRESENTER),
        "page": "present",
        "keys_slides": True,  # presenter.js: the arrows, Space and PageUp/Down turn slides
        "slide_html": selectors.render_slide(workshop),
    }
    return render(request, "plenary/present.html", context)


@login_required
def slide(request: HttpRequest, pk: int) -> HttpResponse:
    """Fetched again whenever the projector's socket (re)opens."""
    workshop = access.facilitated(request, pk)
    return HttpResponse(selectors.render_slide(workshop))


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """The console's and the presenter's keys: next, previous, first, or "go to" a table,
    a pair or a basket (``to``); another order, the empty baskets shown or skipped."""
    workshop = access.facilitated(request, pk)
    empty = request.POST.get("empty")
    measured = _measured(request)
    if measured is not None:
        services.presenter_parts(workshop=workshop, basket_id=measured[0], parts=measured[1])
    try:
        services.presenter_move(
            workshop=workshop,
            to=request.POST.get("to", ""),
            order=request.POST.get("order") or None,
            include_empty=None if empty not in ("0", "1") else empty == "1",
        )
    except ValidationError:
        return HttpResponseBadRequest()
    return _done(request, pk)


def _measured(request: HttpRequest) -> tuple[int, int] | None:
    """The basket the presenter's screen shows and the parts it cut it into, if sent."""
    basket, count = request.POST.get("basket", ""), request.POST.get("parts", "")
    if basket.isdecimal() and count.isdecimal() and len(basket + count) < 20:
        return int(basket), int(count)
    return None


@login_required
@require_POST
def parts(request: HttpRequest, pk: int) -> HttpResponse:
    """The presenter's screen says how many parts the basket on show takes (presenter.js)."""
    workshop = access.facilitated(request, pk)
    measured = _measured(request)
    if measured is None:
        return HttpResponseBadRequest()
    services.presenter_parts(workshop=workshop, basket_id=measured[0], parts=measured[1])
    return HttpResponse(status=204)


@login_required
def wall(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.facilitated(request, pk)
    context = {
        **_screen_context(request, workshop, WALL),
        "page": "wall",
        "wall_html": selectors.render_wall(workshop),
        "chart_html": dot_selectors.render_chart(workshop),
    }
    return render(request, "plenary/wall.html", context)


@login_required
def wall_content(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.facilitated(request, pk)
    return HttpResponse(selectors.render_wall(workshop) + dot_selectors.render_chart(workshop))


@login_required
@require_POST
def show(request: HttpRequest, pk: int) -> HttpResponse:
    """Show (shown=1) or hide (shown=0) one answer (answer=<pk>) or every one (answer=all)."""
    workshop = access.facilitated(request, pk)
    target = request.POST.get("answer", "")
    if target != "all" and not target.isdecimal():
        return HttpResponseBadRequest()
    ids = None if target == "all" else [int(target)]
    services.answers_show(workshop=workshop, answer_ids=ids, shown=request.POST.get("shown") == "1")
    return _done(request, pk)


# The console's two switches: the field a POST sets to "1" to turn it on, and the service.
SWITCHES = {
    "voting": ("open", lambda workshop, on: services.voting_set(workshop=workshop, open_=on)),
    "results": ("shown", lambda workshop, on: services.results_set(workshop=workshop, shown=on)),
}


@login_required
@require_POST
def switch(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Open or close the voting (open=1/0); show or hide its results (shown=1/0)."""
    workshop = access.facilitated(request, pk)
    field, set_switch = SWITCHES[name]
    set_switch(workshop, request.POST.get(field) == "1")
    return _done(request, pk)
