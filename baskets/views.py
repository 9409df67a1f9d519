"""Phone views: the table's grid and baskets, and building a transaction by taps.

Who may read or change a basket: ``access.py``. Writes: ``services.py``, whose gate
refusals (``PhaseClosed``) answer 409 with the form and what was typed, like the
post-its. Without scripts every view is a page of its own; with htmx, a fragment.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baskets import access, broadcast, forms, panels, selectors, services
from baskets.models import Basket, Transaction
from workshops import access as room_access
from workshops import ratelimit
from workshops.gate import Action, PhaseClosed, closed_reason
from workshops.models import Participant, SubGroup, Workshop
from workshops.problem import problem_response
from workshops.views.participant import with_workshop

PHASE_CLOSED = 409
STALE = 409
INVALID = 422
TOO_MANY = 429


def _page_or_fragment(request, template: str, context: dict, status: int = 200):
    if not request.htmx:  # without scripts: the fragment in a page of its own
        context = {**context, "fragment": template}
        template = "baskets/page.html"
    return render(request, template, context, status=status)


def over_write_budget(participant: Participant) -> bool:
    """Basket writes (transactions, scores, conditions), per participant per minute."""
    return ratelimit.over_write_budget("basket", participant.pk)


def _back_to_basket(workshop: Workshop, basket: Basket) -> HttpResponse:
    return redirect("baskets:basket", code=workshop.code, pk=basket.pk)


# Reading ---------------------------------------------------------------------


@require_GET
@with_workshop
def grid(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = room_access.require_participant(request, workshop)
    context = {"workshop": workshop, "participant": participant}
    context.update(panels.grid_context(participant, request.GET))
    return _page_or_fragment(request, "baskets/_phone_grid.html", context)


@require_GET
@with_workshop
def basket(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    basket, participant = access.basket_for_reading(request, workshop, pk)
    view = selectors.table_negotiation(basket.table).basket(basket.pk)
    return _page_or_fragment(
        request, "baskets/_basket_detail.html", _basket_context(view, participant)
    )


def _basket_context(view, participant: Participant) -> dict:
    workshop = participant.workshop
    return {
        "workshop": workshop,
        "participant": participant,
        "us": participant.subgroup_id,
        "view": view,
        "basket": view.basket,
        "editable": panels.editable(workshop) and access.can_edit(participant, view.basket),
    }


@require_GET
@with_workshop
def slot(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """The "add a transaction" button again: cancel."""
    basket, participant = access.basket_for_writing(request, workshop, pk)
    if not request.htmx:
        return _back_to_basket(workshop, basket)
    return render(request, "baskets/_add_button.html", {"workshop": workshop, "basket": basket})


# Building a transaction ------------------------------------------------------


def _giver(basket: Basket, participant: Participant, sent) -> SubGroup:
    """The giving side: as chosen, or the participant's own by default."""
    chosen = {str(basket.side_a_id): basket.side_a, str(basket.side_b_id): basket.side_b}
    own = basket.side_a if basket.side_of(participant.subgroup_id) == "a" else basket.side_b
    return chosen.get(str(sent), own)


def _form_context(participant, basket, form, *, giver, transaction=None, stale=None):
    workshop = participant.workshop
    receiver = basket.side_b if giver.pk == basket.side_a_id else basket.side_a
    other = basket.side_b if participant.subgroup_id == basket.side_a_id else basket.side_a
    return {
        "workshop": workshop,
        "participant": participant,
        "basket": basket,
        "form": form,
        "giver": giver,
        "receiver": receiver,
        "sides": [(participant.subgroup, True), (other, False)],
        "mine_gives": giver.pk == participant.subgroup_id,
        "transaction": transaction,
        "stale": stale,
        "gate_reason": closed_reason(workshop, Action.BASKETS),
    }


def _render_form(request, context: dict, status: int = 200) -> HttpResponse:
    return _page_or_fragment(request, "baskets/_transaction_form.html", context, status=status)


@require_GET
@with_workshop
def transaction_new(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """A blank form; again with another giver, keeping what was typed (``?giver=``)."""
    basket, participant = access.basket_for_writing(request, workshop, pk)
    giver = _giver(basket, participant, request.GET.get("giver"))
    typed = {
        name: request.GET[name]
        for name in ("note", "new_offer_text", "new_offer_theme", "client_id")
        if request.GET.get(name)
    }
    form = forms.TransactionCreateForm.blank(
        basket=basket, giver=giver, themes=workshop.themes, initial=typed
    )
    return _render_form(request, _form_context(participant, basket, form, giver=giver))


@require_POST
@with_workshop
def transaction_create(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    basket, participant = access.basket_for_writing(request, workshop, pk)
    giver = _giver(basket, participant, request.POST.get("giver"))
    form = forms.TransactionCreateForm(
        request.POST, basket=basket, giver=giver, themes=workshop.themes
    )
    if selectors.transaction_written_by(participant, form.sent_client_id()):
        # The same form again (a retry after a lost answer): it was saved, answered as saved.
        return _written(request, participant, basket)
    context = _form_context(participant, basket, form, giver=giver)
    if not form.is_valid():
        return _render_form(request, context, status=INVALID)
    if over_write_budget(participant):
        form.add_error(None, _("Too many changes at once: wait a minute, your text is kept."))
        return _render_form(request, context, status=TOO_MANY)
    fields = form.create_fields(mine_gives=giver.pk == participant.subgroup_id)
    try:
        with broadcast.capturing(basket.pk) as sent:
            services.transaction_create(basket=basket, by=participant, giver=giver, **fields)
    except PhaseClosed as closed:
        context["gate_reason"] = closed.reason
        return _render_form(request, context, status=PHASE_CLOSED)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_form(request, context, status=INVALID)
    return _written(request, participant, basket, sent.html)


def _basket_html(basket: Basket, sent: str | None) -> str:
    """The basket out of band, for a phone whose socket is down: ``sent``, the HTML its
    broadcast just sent the table (no second render), else rendered as a broadcast is
    (paniers.js marks the phone's own side, as for what the socket brings)."""
    if sent is not None:
        return sent
    view = selectors.table_negotiation(basket.table).basket(basket.pk)
    return selectors.render_basket(view, oob=True)


def _written(request, participant: Participant, basket: Basket, sent=None) -> HttpResponse:
    """The "add" button again, and the basket out of band."""
    workshop = participant.workshop
    if not request.htmx:
        return _back_to_basket(workshop, basket)
    context = {"workshop": workshop, "basket": basket}
    button = render_to_string("baskets/_add_button.html", context, request)
    return HttpResponse(button + _basket_html(basket, sent))


# Changing one ----------------------------------------------------------------


def _edit_form(transaction: Transaction, data=None, version=None) -> forms.TransactionEditForm:
    initial = {
        "offer": transaction.offer_id,
        "note": transaction.note,
        "version": transaction.version,
    }
    if data is None:  # a sent form shows what was sent: no query for what it was
        initial["needs"] = [need.pk for need in transaction.needs.all()]
    elif version is not None:
        data = data.copy()
        data["version"] = version  # "save" again: mine replaces what it says now
    return forms.TransactionEditForm(
        data, basket=transaction.basket, giver=transaction.giver, initial=initial
    )


def _edit_context(participant, transaction, form, stale=None) -> dict:
    return _form_context(
        participant,
        transaction.basket,
        form,
        giver=transaction.giver,
        transaction=transaction,
        stale=stale,
    )


def _stale_answer(request, participant, transaction, stale: services.StaleEdit):
    current = stale.current
    current.basket = transaction.basket
    form = _edit_form(current, request.POST, version=current.version)
    context = _edit_context(participant, transaction, form, stale=current)
    return _render_form(request, context, status=STALE)


@require_http_methods(["GET", "POST"])
@with_workshop
def transaction_edit(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    transaction, participant = access.transaction_for_writing(request, workshop, pk)
    if request.method == "GET":
        form = _edit_form(transaction)
        return _render_form(request, _edit_context(participant, transaction, form))
    form = _edit_form(transaction, request.POST)
    context = _edit_context(participant, transaction, form)
    if not form.is_valid():
        return _render_form(request, context, status=INVALID)
    if over_write_budget(participant):
        form.add_error(None, _("Too many changes at once: wait a minute, your text is kept."))
        return _render_form(request, context, status=TOO_MANY)
    return _versioned_write(
        request,
        participant,
        transaction,
        context,
        lambda: services.transaction_update(
            transaction_=transaction,
            by=participant,
            version=form.cleaned_data["version"],
            **form.content(),
        ),
    )


@require_POST
@with_workshop
def transaction_delete(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """From the edit form: a refusal brings the form back as it was."""
    transaction, participant = access.transaction_for_writing(request, workshop, pk)
    sent = forms.DeleteForm(request.POST)
    form = _edit_form(transaction, request.POST)
    context = _edit_context(participant, transaction, form)
    if not sent.is_valid():
        return _render_form(request, context, status=INVALID)
    if over_write_budget(participant):
        form.add_error(None, _("Too many changes at once: wait a minute, then delete it again."))
        return _render_form(request, context, status=TOO_MANY)
    return _versioned_write(
        request,
        participant,
        transaction,
        context,
        lambda: services.transaction_delete(
            transaction_=transaction, by=participant, version=sent.cleaned_data["version"]
        ),
    )


def _versioned_write(request, participant, transaction, context, write) -> HttpResponse:
    """Run an edit or a deletion made from a version of the transaction, and answer it:
    refused (stale, gate, invalid) with the edit form as it was, done with the basket."""
    form = context["form"]
    try:
        with broadcast.capturing(transaction.basket_id) as sent:
            write()
    except services.StaleEdit as stale:
        return _stale_answer(request, participant, transaction, stale)
    except PhaseClosed as closed:
        context["gate_reason"] = closed.reason
        return _render_form(request, context, status=PHASE_CLOSED)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_form(request, context, status=INVALID)
    return _written(request, participant, transaction.basket, sent.html)


@require_POST
@with_workshop
def transaction_score(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """One tap: my side's number, the value if we receive, the effort if we give."""
    transaction, participant = access.transaction_for_writing(request, workshop, pk)
    form = forms.ScoreForm(request.POST)
    if not form.is_valid():
        return problem_response(request, _("Choose a number from 1 to 5."), INVALID)
    if over_write_budget(participant):
        return problem_response(request, _("Too many changes at once: wait a minute."), TOO_MANY)
    score = form.cleaned_data["score"]
    name = "effort" if access.may_set_effort(participant, transaction) else "value"
    try:
        with broadcast.capturing(transaction.basket_id) as sent:
            services.transaction_score(transaction_=transaction, by=participant, **{name: score})
    except PhaseClosed as closed:
        return problem_response(request, closed.reason, PHASE_CLOSED)
    except ValidationError as error:
        return problem_response(request, " ".join(error.messages), INVALID)
    if not request.htmx:
        return _back_to_basket(workshop, transaction.basket)
    return HttpResponse(_basket_html(transaction.basket, sent.html))
