"""Phone views: join with a code, write, edit and delete one's own post-its.

Writes wear ``@refusals.participant_write``: a refusal (closed, invalid, too many) comes
back as the compose form with the reason and the text as typed (``workshops/refusals.py``).
"""

import math

from django.conf import settings
from django.contrib import messages
from django.db.models import RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from workshops import access, refusals, selectors, services
from workshops.access import with_workshop
from workshops.forms import JoinCodeForm, JoinForm, PostItForm
from workshops.gate import Action, closed_reason, phase_actions
from workshops.models import Participant, PostIt, Workshop
from workshops.panels import render_panels
from workshops.ratelimit import client_address, over_limit, seconds_left


def _minutes_left(seconds: int) -> int:
    return math.ceil(seconds / 60)


@require_http_methods(["GET", "HEAD", "POST"])
def join_start(request: HttpRequest) -> HttpResponse:
    """Home page: type the code shown on the projector."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = access.get_workshop_for_visitor(request, form.cleaned_data["code"])
        except access.GuessingCodes:
            return access.guessing_response(request)
        except Http404:
            form.add_error("code", _("No workshop has this code. Check the projector."))
        else:
            return redirect("workshops:join", code=workshop.code)
    return render(request, "workshops/join_start.html", {"form": form})


@require_http_methods(["GET", "POST"])
@with_workshop
def join(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The URL in the QR code: the join form, or the phone view once joined."""
    if workshop.status == Workshop.Status.PREPARING:
        return render(request, "workshops/join_waiting.html", {"workshop": workshop})
    participant = access.participant_in_session(request.session, workshop)
    if participant is not None:
        return _phone_page(request, participant)
    if workshop.status == Workshop.Status.CLOSED:
        return render(request, "workshops/join_closed.html", {"workshop": workshop})

    form = JoinForm(request.POST or None, workshop=workshop)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _too_many_joins(request):
            form.add_error(None, _too_many_joins_message())
            status = 429
        else:
            participant = services.participant_join(
                subgroup=form.subgroup(), first_name=form.cleaned_data["first_name"]
            )
            # A session id planted before joining must not become the participant's.
            request.session.cycle_key()
            access.remember_participant(request.session, participant)
            return redirect("workshops:join", code=workshop.code)
    context = {"workshop": workshop, "form": form}
    return render(request, "workshops/join.html", context, status=status)


def _too_many_joins(request: HttpRequest) -> bool:
    """Joins per address: high, as a whole room may share the venue's one address."""
    return over_limit(
        f"joins:{client_address(request)}",
        settings.JOINS_PER_WINDOW,
        settings.JOIN_ATTEMPTS_WINDOW_SECONDS,
    )


def _too_many_joins_message() -> str:
    minutes = _minutes_left(seconds_left(settings.JOIN_ATTEMPTS_WINDOW_SECONDS))
    return ngettext(
        "Too many phones joined from this connection just now. Try again in %(minutes)d "
        "minute: what you typed is kept.",
        "Too many phones joined from this connection just now. Try again in %(minutes)d "
        "minutes: what you typed is kept.",
        minutes,
    ) % {"minutes": minutes}


def _gate_form(form: PostItForm, workshop: Workshop) -> str | None:
    """Why post-its are closed now, if they are; the form then shows its text read-only."""
    reason = closed_reason(workshop, Action.POSTITS)
    if reason:
        form.fields["text"].widget.attrs["readonly"] = True
    return reason


def _postits_first(workshop: Workshop) -> bool:
    """Whether writing post-its is what the phase is about (the compose form unfolded):
    not once baskets, conditions or feedback are open."""
    return phase_actions(workshop) <= {Action.POSTITS}


def _phone_page(request: HttpRequest, participant: Participant) -> HttpResponse:
    workshop = participant.workshop
    form = PostItForm.blank(themes=workshop.themes, kind=PostIt.Kind.OFFER)
    context = {
        "workshop": workshop,
        "participant": participant,
        "territory": participant.subgroup.territory,
        "board": selectors.workshop_board(workshop, table=participant.subgroup.table)[0],
        "form": form,
        "gate_reason": _gate_form(form, workshop),
        "compose_open": _postits_first(workshop),
        "state": selectors.phase_state(workshop),
        "state_url": reverse("workshops:phone_state", args=[workshop.code]),
        "panels": render_panels("phone", request, participant=participant, workshop=workshop),
    }
    return render(request, "workshops/phone.html", context)


@with_workshop
def phone_panels(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """What other apps add to the phone (workshops/panels.py), fetched again whenever the
    socket (re)opens and the phase changes."""
    participant = access.require_participant(request, workshop)
    panels = render_panels("phone", request, participant=participant, workshop=workshop)
    return HttpResponse("".join(panels))


@with_workshop
def phone_state(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The phase and clock, fetched again whenever the phone's socket (re)opens."""
    access.require_participant(request, workshop)
    return render(
        request, "workshops/_phase_state.html", {"state": selectors.phase_state(workshop)}
    )


@with_workshop
def phone_board(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The table grid of the phone view, fetched again whenever the socket (re)opens."""
    participant = access.require_participant(request, workshop)
    return HttpResponse(
        selectors.phone_board_html(workshop, participant.subgroup.table, participant.subgroup_id)
    )


@require_POST
@with_workshop
def leave(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    access.forget_participant(request.session, workshop)
    return redirect("workshops:join", code=workshop.code)


def _render_form(request, participant, form, postit=None, status=200, changed=(), refusal=None):
    """The compose form, plus the changed cells out of band (for when the socket is down).

    Editing without htmx (the "Edit" link followed as a link), or a refused post without
    it, gets a page of its own.
    """
    template = "workshops/_postit_form.html"
    if not request.htmx and (postit is not None or refusal is not None):
        template = "workshops/postit_edit_page.html"
    context = {
        "workshop": participant.workshop,
        "participant": participant,
        "form": form,
        "postit": postit,
        "changed_cells": _changed_cells(participant, changed),
        "gate_reason": _gate_form(form, participant.workshop),
    }
    if refusal is not None:
        refusals.on_form(form, context, refusal)
        status = refusal.status
    return render(request, template, context, status=status)


def _answer_refusals_with_the_form(request, participant, form, postit=None) -> None:
    refusals.answer_with(
        request,
        lambda refusal: _render_form(request, participant, form, postit=postit, refusal=refusal),
    )


def _changed_cells(participant: Participant, kinds) -> list[str]:
    return [
        selectors.render_cell(participant.subgroup, kind, oob=True) for kind in dict.fromkeys(kinds)
    ]


def _fresh_form(participant: Participant, kind: str = PostIt.Kind.OFFER) -> PostItForm:
    return PostItForm.blank(themes=participant.workshop.themes, kind=kind)


@require_POST
@with_workshop
@refusals.participant_write
def postit_create(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    participant = access.require_participant(request, workshop)
    form = PostItForm(request.POST, themes=workshop.themes)
    if written := selectors.postit_written_by(participant, form.sent_client_id()):
        # The same form again (a retry after a lost answer, a queued write): it was
        # saved, so it is answered as saved, whatever the phase or the budget say now.
        return _written(request, participant, written)
    _answer_refusals_with_the_form(request, participant, form)
    refusals.require_valid(form)
    postit = services.postit_create(
        subgroup=participant.subgroup, author=participant, **form.cleaned_data
    )
    return _written(request, participant, postit)


def _written(request: HttpRequest, participant: Participant, postit: PostIt) -> HttpResponse:
    if not request.htmx:  # the form still works when scripts fail
        return redirect("workshops:join", code=participant.workshop.code)
    return _render_form(
        request, participant, _fresh_form(participant, postit.kind), changed=[postit.kind]
    )


@require_http_methods(["GET", "POST"])
@refusals.participant_write
def postit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    postit, participant = access.get_postit_for_writing(request, pk)
    themes = participant.workshop.themes
    if request.method == "GET":
        form = PostItForm(
            themes=themes, initial={"kind": postit.kind, "text": postit.text, "theme": postit.theme}
        )
        return _render_form(request, participant, form, postit=postit)
    form = PostItForm(request.POST, themes=themes)
    _answer_refusals_with_the_form(request, participant, form, postit)
    refusals.require_valid(form)
    previous_kind = postit.kind
    services.postit_update(postit=postit, by=participant, **form.postit_fields())
    if not request.htmx:
        messages.success(request, _("Post-it saved."))
        return redirect("workshops:join", code=participant.workshop.code)
    return _render_form(
        request, participant, _fresh_form(participant), changed=[previous_kind, postit.kind]
    )


def _in_baskets(error: RestrictedError) -> str:
    """The post-it is in baskets (what restricted it says which; see baskets/models.py)."""
    names = sorted({str(obj) for obj in error.restricted_objects})
    return _("This post-it is in a basket (%(baskets)s): take it out of the basket first.") % {
        "baskets": "; ".join(names)
    }


@require_POST
@refusals.participant_write
def postit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A refusal says why in the page's problem banner; the compose form stays as it is."""
    postit, participant = access.get_postit_for_writing(request, pk)
    back = reverse("workshops:join", args=[participant.workshop.code])
    refusals.answer_with(request, lambda refusal: refusals.banner(request, refusal, back))
    kind = postit.kind
    try:
        services.postit_delete(postit=postit, by=participant)
    except RestrictedError as error:  # a post-it a basket shows: it stays (baskets/models.py)
        raise refusals.Refusal(_in_baskets(error)) from None
    if not request.htmx:
        messages.success(request, _("Post-it deleted."))
        return redirect(back)
    # Only the cell changes: the compose form, and whatever is being typed in it, stays.
    return HttpResponse("".join(_changed_cells(participant, [kind])))


@with_workshop
def compose_form(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """An empty compose form: 'cancel' while editing."""
    participant = access.require_participant(request, workshop)
    return _render_form(request, participant, _fresh_form(participant))
