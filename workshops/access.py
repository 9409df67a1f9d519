"""Who may see or change what: the one place that decides, for views and consumers alike.

Facilitators: ``get_workshop_for_facilitator`` (404 for others' workshops), ``..._for_owner``.
Phones: ``with_workshop`` (a view's URL code to its workshop, wrong codes counted),
``require_participant``, ``get_postit_for_writing``. Each app built on the room has its
own ``access.py`` for its objects (``baskets/access.py``, ``plenary/access.py``).
"""

import math
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from workshops.codes import looks_like_code, normalise_code
from workshops.models import Participant, PostIt, Workshop
from workshops.ratelimit import CACHE_ERRORS, client_address, is_over, over_limit, seconds_left
from workshops.redis_breaker import breaker

SESSION_KEY = "paniers_participants"


# Facilitators ---------------------------------------------------------------


def facilitated_workshops(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Workshop]:
    if not user.is_authenticated:
        return Workshop.objects.none()
    return Workshop.objects.filter(facilitators=user)


def can_facilitate(user, workshop: Workshop) -> bool:
    return facilitated_workshops(user).filter(pk=workshop.pk).exists()


def get_workshop_for_facilitator(request: HttpRequest, pk: int) -> Workshop:
    """404 rather than 403: a facilitator does not learn that other workshops exist."""
    return get_object_or_404(
        facilitated_workshops(request.user).select_related("current_phase"), pk=pk
    )


def is_owner(user, workshop: Workshop) -> bool:
    return user.is_authenticated and workshop.created_by_id == user.pk


def get_workshop_for_owner(request: HttpRequest, pk: int) -> Workshop:
    """Co-facilitators run the workshop; only its owner chooses who they are."""
    workshop = get_workshop_for_facilitator(request, pk)
    if not is_owner(request.user, workshop):
        raise PermissionDenied
    return workshop


# Participants ----------------------------------------------------------------


def with_workshop(view):
    """Resolves the URL's code to its workshop, for every phone view that takes one (the
    views of every app): ``view(request, workshop, **kwargs)``.

    Wrong codes count toward the join page's limit (``get_workshop_for_visitor``). A
    loosely typed code (any case, spaces, dashes) is redirected to the canonical URL on GET.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, **kwargs) -> HttpResponse:
        try:
            workshop = get_workshop_for_visitor(request, code)
        except GuessingCodes:
            return guessing_response(request)
        if code != workshop.code and request.method == "GET":
            return redirect(request.path.replace(f"/{code}/", f"/{workshop.code}/", 1))
        return view(request, workshop, **kwargs)

    return wrapper


def guessing_response(request: HttpRequest) -> HttpResponse:
    """Refused until the window ends, whatever the code: says when to come back."""
    seconds = seconds_left(settings.JOIN_ATTEMPTS_WINDOW_SECONDS)
    context = {"minutes": math.ceil(seconds / 60)}
    response = render(request, "workshops/join_throttled.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def get_workshop_by_code(raw_code: str) -> Workshop:
    code = normalise_code(raw_code)
    if not looks_like_code(code):
        raise Http404
    return get_object_or_404(Workshop.objects.select_related("current_phase"), code=code)


class GuessingCodes(Exception):
    """This address typed too many wrong codes: no code is looked up for it for a while."""


def get_workshop_for_visitor(request: HttpRequest, raw_code: str) -> Workshop:
    """The workshop of a code typed or followed by anyone, phones and strangers alike.

    Wrong codes count per address: a 404 here against a 403 there would otherwise tell
    a guesser which codes exist. Past ``JOIN_ATTEMPTS_PER_WINDOW`` of them, every code is
    refused until the window ends, the right ones too (``GuessingCodes``), so a guesser
    learns nothing. Phones that joined the workshop are not guessing: they go on, and
    without a trip to the cache, which most requests of a room are.
    """
    limit, window = settings.JOIN_ATTEMPTS_PER_WINDOW, settings.JOIN_ATTEMPTS_WINDOW_SECONDS
    key = f"wrong-codes:{client_address(request)}"
    try:
        workshop = get_workshop_by_code(raw_code)
    except Http404:
        workshop = None
    if workshop is not None and knows_workshop(request, workshop):
        return workshop
    # Right or wrong, the same one look-up once over the limit: nothing to time either.
    if is_over(key, limit, window):
        raise GuessingCodes
    if workshop is None:
        # A code that cannot exist (O for 0, a letter short) is a typo, not a guess; nor is
        # the code of a workshop just deleted, which its phones still ask for: not counting
        # them spares a room of phones behind one address.
        code = normalise_code(raw_code)
        if looks_like_code(code) and not was_deleted(code) and over_limit(key, limit, window):
            raise GuessingCodes
        raise Http404
    return workshop


DELETED_CODE_SECONDS = 7 * 24 * 3600


def _deleted_code_key(code: str) -> str:
    return f"deleted-code:{code}"


def remember_deleted(workshop: Workshop) -> None:
    """Its phones get a plain 404 for a week, not counted as guesses (a code once used
    tells a guesser nothing about the codes in use)."""
    if not breaker.allows_a_call():
        return  # the cache is away: its phones count as guesses, as any wrong code
    try:
        cache.set(_deleted_code_key(workshop.code), True, DELETED_CODE_SECONDS)
    except CACHE_ERRORS as error:
        breaker.failed("deleted code", error)
    else:
        breaker.answered()


def was_deleted(code: str) -> bool:
    if not breaker.allows_a_call():
        return False
    try:
        deleted = bool(cache.get(_deleted_code_key(code)))
    except CACHE_ERRORS as error:
        breaker.failed("deleted code", error)
        return False
    breaker.answered()
    return deleted


def knows_workshop(request: HttpRequest, workshop: Workshop) -> bool:
    """Joined it from this session (which only joining writes to), or facilitates it."""
    if str(workshop.pk) in request.session.get(SESSION_KEY, {}):
        return True
    return can_facilitate(request.user, workshop)


def participant_in_session(session, workshop: Workshop) -> Participant | None:
    participant_id = session.get(SESSION_KEY, {}).get(str(workshop.pk))
    if participant_id is None:
        return None
    return (
        Participant.objects.select_related(
            "subgroup__table", "subgroup__territory", "workshop__current_phase"
        )
        .filter(pk=participant_id, workshop=workshop)
        .first()
    )


def remember_participant(session, participant: Participant) -> None:
    known = dict(session.get(SESSION_KEY, {}))
    known[str(participant.workshop_id)] = participant.pk
    session[SESSION_KEY] = known


def forget_participant(session, workshop: Workshop) -> None:
    known = dict(session.get(SESSION_KEY, {}))
    known.pop(str(workshop.pk), None)
    session[SESSION_KEY] = known


def require_participant(request: HttpRequest, workshop: Workshop) -> Participant:
    participant = participant_in_session(request.session, workshop)
    if participant is None:
        raise PermissionDenied
    return participant


def can_edit_postit(participant: Participant | None, postit: PostIt) -> bool:
    return participant is not None and postit.author_id == participant.pk


def get_postit_for_writing(request: HttpRequest, pk: int) -> tuple[PostIt, Participant]:
    postit = get_object_or_404(PostIt.objects.select_related("subgroup__table__workshop"), pk=pk)
    participant = participant_in_session(request.session, postit.subgroup.table.workshop)
    if not can_edit_postit(participant, postit):
        raise PermissionDenied
    return postit, participant
