"""Conditions views. On a phone: the form for the basket's two sub-groups, in the slot
under the live fragment. For facilitators: the same form for any basket, and the checklist
and cards of the workshop (the projector's view: ``screen_views.py``).

Who may: ``baskets/access.py``. Writes: ``services.py``; a refusal (``workshops/refusals.py``)
answers with the form as typed and the reason, a stale version (409) with what is there now
above it and the typed text kept.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from baskets import access
from baskets import selectors as basket_selectors
from baskets.conditions import forms, selectors, services
from baskets.models import Basket
from workshops import access as room_access
from workshops import refusals
from workshops.access import with_workshop
from workshops.gate import Action, closed_reason
from workshops.models import Participant, Workshop
from workshops.pages import fragment_or_page

INVALID = 422


def _views(basket: Basket):
    """The basket with its gauge, and its conditions."""
    view = basket_selectors.table_negotiation(basket.table).basket(basket.pk)
    return view, selectors.conditions_by_basket(basket.table.workshop, [basket])[basket.pk]


def _form(basket: Basket, conditions, data=None, version=None) -> forms.ConditionsForm:
    if data is not None and version is not None:
        data = data.copy()
        data["version"] = version  # "save" again: mine replaces what it says now
    choices = selectors.card_choices(basket.table.workshop)
    return forms.ConditionsForm(data, conditions=conditions, choices=choices)


def _context(workshop, basket, form, *, action, cancel, stale=None, gate_reason=None) -> dict:
    return {
        "workshop": workshop,
        "basket": basket,
        "form": form,
        "action": action,
        "cancel": cancel,
        "stale": stale,
        "gate_reason": gate_reason,
    }


def _save(request, basket: Basket, by: Participant | None, context: dict, render_form):
    """Save the sent form; a refusal answers ``render_form(context, status)``: the form
    with the reason, or what is there now above it when the other side saved meanwhile."""

    def answer(refusal: refusals.Refusal) -> HttpResponse:
        if isinstance(refusal, services.StaleConditions):
            view, current = _views(basket)
            context["form"] = _form(basket, current, request.POST, version=current.version)
            context["stale"] = (view, current)
        else:
            refusals.on_form(context["form"], context, refusal)
        return render_form(context, refusal.status)

    refusals.answer_with(request, answer)
    form = context["form"]
    refusals.require_valid(form)
    services.conditions_save(basket=basket, by=by, **form.content())


# On a phone -------------------------------------------------------------------


def _phone_form(request, context: dict, status: int = 200) -> HttpResponse:
    return fragment_or_page(request, "baskets/_conditions_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@with_workshop
@refusals.participant_write
def edit(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    basket, participant = access.basket_for_writing(request, workshop, pk)
    action = reverse("baskets:conditions", args=[workshop.code, basket.pk])
    cancel = reverse("baskets:conditions_slot", args=[workshop.code, basket.pk])
    gate_reason = closed_reason(workshop, Action.CONDITIONS)
    if request.method == "GET":
        form = _form(basket, _views(basket)[1])
        context = _context(
            workshop, basket, form, action=action, cancel=cancel, gate_reason=gate_reason
        )
        return _phone_form(request, context)
    form = _form(basket, _views(basket)[1], request.POST)
    context = _context(workshop, basket, form, action=action, cancel=cancel)
    _save(request, basket, participant, context, lambda c, s: _phone_form(request, c, s))
    return _written(request, workshop, basket)


@require_GET
@with_workshop
def slot(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """The "fill in" button again (cancel), with the conditions as they are now."""
    basket, _participant = access.basket_for_writing(request, workshop, pk)
    return _written(request, workshop, basket)


def _written(request, workshop: Workshop, basket: Basket) -> HttpResponse:
    if not request.htmx:
        return redirect(reverse("workshops:join", args=[workshop.code]))
    view, conditions = _views(basket)
    html = render(
        request, "baskets/_conditions_button.html", {"workshop": workshop, "basket": basket}
    ).content.decode()
    return HttpResponse(html + selectors.render_conditions(view, conditions, oob=True))


# Facilitators -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@refusals.participant_write
def facilitator_edit(request: HttpRequest, pk: int, basket_pk: int) -> HttpResponse:
    """A facilitator fills in or corrects a basket's conditions (no gate: the room's); a
    stale or invalid save answers like a participant's, through the same path."""
    basket = access.basket_for_facilitator(request, pk, basket_pk)
    workshop = basket.table.workshop
    screen = reverse("baskets_screens:conditions", args=[pk, basket.pk])
    action = reverse("baskets_screens:conditions_edit", args=[pk, basket.pk])

    def render_form(context, status=200):
        return render(request, "baskets/conditions_edit.html", context, status=status)

    form = _form(basket, _views(basket)[1], request.POST if request.method == "POST" else None)
    context = _context(workshop, basket, form, action=action, cancel=screen)
    if request.method == "GET":
        return render_form(context)
    _save(request, basket, None, context, render_form)
    return redirect(screen)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    """The workshop's checklist and cards."""
    workshop = room_access.get_workshop_for_facilitator(request, pk)
    items = list(workshop.condition_items.all())
    choices = selectors.card_choices(workshop)
    form = forms.SetupForm(
        request.POST if request.method == "POST" else None,
        initial=forms.SetupForm.initial_for(items, choices),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_items_set(workshop=workshop, items=form.cleaned_data["items"])
            for family, _label in selectors.CARD_FAMILIES:
                services.alliance_choices_set(
                    workshop=workshop, family=family, labels=form.cleaned_data[family]
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("baskets_screens:conditions_setup", pk=workshop.pk)
    status = INVALID if form.errors else 200
    context = {"workshop": workshop, "form": form, "saved": request.GET.get("saved")}
    return render(request, "baskets/conditions_setup.html", context, status=status)
