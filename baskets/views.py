"""Phone views: the table's grid and baskets, and building a transaction by taps.

Who may read or change a basket: ``access.py``. Writes: ``services.py``; their refusals
(closed, stale, invalid, too many: ``workshops/refusals.py``) come back as the form with
the reason and what was typed, like the post-its'. Without scripts every view is a page
of its own; with htmx, a fragment.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baskets import access, broadcast, forms, panels, selectors, services, suggestions
from baskets.models import Basket, Transaction
from workshops import access as room_access
from workshops import refusals
from workshops.access import with_workshop
from workshops.gate import Action, closed_reason
from workshops.models import Participant, SubGroup, Workshop
from workshops.pages import fragment_or_page

SAVED_EVENT = "paniers:transaction-saved"


def _back_to_basket(workshop: Workshop, basket: Basket) -> HttpResponse:
    return redirect("baskets:basket", code=workshop.code, pk=basket.pk)


# Reading ---------------------------------------------------------------------


@require_GET
@with_workshop
def grid(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = room_access.require_participant(request, workshop)
    context = {"workshop": workshop, "participant": participant}
    context.update(panels.grid_context(participant, request.GET))
    return fragment_or_page(request, "baskets/_phone_grid.html", context)


@require_GET
@with_workshop
def suggestions_of_table(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """What our table's offers and needs may answer (baskets/suggestions.py): fetched after
    the page, so the page never waits for the model; again when a post-it changes."""
    participant = room_access.require_participant(request, workshop)
    needs, offers = suggestions.for_phone(participant.subgroup_id, participant.subgroup.table)
    context = {
        "workshop": workshop,
        "participant": participant,
        "needs": needs,
        "offers": offers,
        "sections": [
            (_("Our needs, and the offers that may answer them"), needs),
            (_("Our offers, and the needs they may answer"), offers),
        ],
        "editable": panels.editable(workshop),
    }
    return fragment_or_page(request, "baskets/_suggestions.html", context)


@require_GET
@with_workshop
def basket(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    basket, participant = access.basket_for_reading(request, workshop, pk)
    view = selectors.table_negotiation(basket.table).basket(basket.pk)
    return fragment_or_page(
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
    return fragment_or_page(request, "baskets/_transaction_form.html", context, status=status)


@require_GET
@with_workshop
def transaction_new(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """A blank form; again with another giver, keeping what was typed (``?giver=``); from
    a suggestion, with its offer and need chosen (``?offer=&needs=``: the participant still
    confirms, and the form's choices hold only the giver's offers and the other's needs)."""
    basket, participant = access.basket_for_writing(request, workshop, pk)
    giver = _giver(basket, participant, request.GET.get("giver"))
    typed = {
        name: request.GET[name]
        for name in ("note", "new_offer_text", "new_offer_theme", "client_id", "offer")
        if request.GET.get(name)
    }
    if request.GET.getlist("needs"):
        typed["needs"] = request.GET.getlist("needs")
    form = forms.TransactionCreateForm.blank(
        basket=basket, giver=giver, themes=workshop.themes, initial=typed
    )
    return _render_form(request, _form_context(participant, basket, form, giver=giver))


@require_POST
@with_workshop
@refusals.participant_write
def transaction_create(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    basket, participant = access.basket_for_writing(request, workshop, pk)
    giver = _giver(basket, participant, request.POST.get("giver"))
    form = forms.TransactionCreateForm(
        request.POST, basket=basket, giver=giver, themes=workshop.themes
    )
    if selectors.transaction_written_by(participant, form.sent_client_id()):
        # The same form again (a retry after a lost answer): it was saved, answered as saved.
        return _written(request, participant, basket)
    _answer_refusals_with_the_form(request, _form_context(participant, basket, form, giver=giver))
    refusals.require_valid(form)
    fields = form.create_fields(mine_gives=giver.pk == participant.subgroup_id)
    with broadcast.capturing(basket.pk) as sent:
        services.transaction_create(basket=basket, by=participant, giver=giver, **fields)
    return _written(request, participant, basket, sent.html)


def _answer_refusals_with_the_form(request, context: dict) -> None:
    """A refusal draws the form again, with the reason and what was typed."""

    def answer(refusal: refusals.Refusal) -> HttpResponse:
        refusals.on_form(context["form"], context, refusal)
        return _render_form(request, context, status=refusal.status)

    refusals.answer_with(request, answer)


def _basket_html(basket: Basket, participant: Participant, sent: str | None) -> str:
    """What changed, out of band, for a phone whose socket is down: ``sent``, the HTML its
    broadcast just sent the table's phones (the transaction, its controls, the balance: no
    second render), else the whole basket rendered for this phone (a retry of a saved form)."""
    if sent is not None:
        return sent
    view = selectors.table_negotiation(basket.table).basket(basket.pk)
    return selectors.render_basket(view, oob=True, us=participant.subgroup_id)


def _written(request, participant: Participant, basket: Basket, sent=None) -> HttpResponse:
    """The "add" button again, and the basket out of band."""
    workshop = participant.workshop
    if not request.htmx:
        return _back_to_basket(workshop, basket)
    context = {"workshop": workshop, "basket": basket}
    button = render_to_string("baskets/_add_button.html", context, request)
    response = HttpResponse(button + _basket_html(basket, participant, sent))
    # Before the swap, on the form: the suggestions say again what is in a basket.
    response["HX-Trigger"] = SAVED_EVENT
    return response


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


def _edit_sent(
    request, workshop: Workshop, pk: int
) -> tuple[Transaction, Participant, forms.TransactionEditForm]:
    """The transaction written from its edit form (saved or deleted), and the form as sent:
    what refuses the write from here on answers with the form (``_answer_refusals_of_an_edit``)."""
    transaction, participant = access.transaction_for_writing(request, workshop, pk)
    form = _edit_form(transaction, request.POST)
    _answer_refusals_of_an_edit(
        request, participant, transaction, _edit_context(participant, transaction, form)
    )
    return transaction, participant, form


def _answer_refusals_of_an_edit(request, participant, transaction, context: dict) -> None:
    """Refused (gate, invalid, too many): the edit form as it was; stale: what the
    transaction says now above it, the typed text kept and the version moved on, so that
    "save" again replaces it knowingly."""

    def answer(refusal: refusals.Refusal) -> HttpResponse:
        if isinstance(refusal, services.StaleEdit):
            current = refusal.current
            current.basket = transaction.basket
            form = _edit_form(current, request.POST, version=current.version)
            stale_context = _edit_context(participant, transaction, form, stale=current)
            return _render_form(request, stale_context, status=refusal.status)
        refusals.on_form(context["form"], context, refusal)
        return _render_form(request, context, status=refusal.status)

    refusals.answer_with(request, answer)


@require_http_methods(["GET", "POST"])
@with_workshop
@refusals.participant_write
def transaction_edit(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    if request.method == "GET":
        transaction, participant = access.transaction_for_writing(request, workshop, pk)
        form = _edit_form(transaction)
        return _render_form(request, _edit_context(participant, transaction, form))
    transaction, participant, form = _edit_sent(request, workshop, pk)
    refusals.require_valid(form)
    with broadcast.capturing(transaction.basket_id) as sent:
        services.transaction_update(
            transaction_=transaction,
            by=participant,
            version=form.cleaned_data["version"],
            **form.content(),
        )
    return _written(request, participant, transaction.basket, sent.html)


@require_POST
@with_workshop
@refusals.participant_write
def transaction_delete(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """From the edit form: a refusal brings the form back as it was."""
    transaction, participant, _form = _edit_sent(request, workshop, pk)
    sent = forms.DeleteForm(request.POST)
    refusals.require_valid(sent)
    with broadcast.capturing(transaction.basket_id) as broadcasts:
        services.transaction_delete(
            transaction_=transaction, by=participant, version=sent.cleaned_data["version"]
        )
    return _written(request, participant, transaction.basket, broadcasts.html)


@require_POST
@with_workshop
@refusals.participant_write
def transaction_score(request: HttpRequest, workshop: Workshop, pk: int) -> HttpResponse:
    """One tap: my side's number, the value if we receive, the effort if we give. A
    refusal says why in the page's problem banner."""
    transaction, participant = access.transaction_for_writing(request, workshop, pk)
    back = reverse("baskets:basket", args=[workshop.code, transaction.basket_id])
    refusals.answer_with(request, lambda refusal: refusals.banner(request, refusal, back))
    form = forms.ScoreForm(request.POST)
    if not form.is_valid():
        raise refusals.Invalid(_("Choose a number from 1 to 5."))
    score = form.cleaned_data["score"]
    name = "effort" if access.may_set_effort(participant, transaction) else "value"
    with broadcast.capturing(transaction.basket_id) as sent:
        services.transaction_score(transaction_=transaction, by=participant, **{name: score})
    if not request.htmx:
        return _back_to_basket(workshop, transaction.basket)
    return HttpResponse(_basket_html(transaction.basket, participant, sent.html))
