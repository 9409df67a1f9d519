"""Writes of the restitution: the report's background builds (ReportBuild), and the
restitution editor's curation.

Builds: a facilitator asks for a build (``request_build``): the build under way for that
workshop and language is joined, or a new one is queued with its task in the same
transaction. The worker (restitution/tasks.py) then claims it, records its progress and
ends it ready or failed (restitution/builds.py).

Editor: the organiser's texts, featured baskets, and the draft action list. Who may
call them is decided by the views (facilitators of the workshop, ``workshops.access``);
the objects arrive already checked to belong to it. A text equal to the generated
default is stored empty, so that it keeps following the workshop's data; a text is
stripped and capped (the model's validators refuse more).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.transaction import atomic
from django.utils import timezone
from django.utils.translation import gettext as _

from baskets.models import Basket, Transaction
from restitution.models import (
    ACTION_TITLE_MAX_LENGTH,
    PENDING,
    TEXT_MAX_LENGTH,
    ActionChoice,
    ActionStatus,
    BasketChoice,
    ReportBuild,
    Section,
    SectionText,
)
from restitution.tasks import build_report
from territories.models import Territory
from workshops.models import Workshop

logger = logging.getLogger(__name__)


class BuildRefused(Exception):
    """A build cannot be queued now (fairness between organisers); the message says when
    it can, for the facilitator. ``status`` is the HTTP answer (409 or 429)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _pending(workshop):
    return ReportBuild.objects.without_pdf().pending().filter(workshop=workshop)


def _live_builds_of(user) -> int:
    """The user's queued or running builds that still move (a stale one no longer counts)."""
    alive_since = timezone.now() - timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS)
    return ReportBuild.objects.pending().filter(requested_by=user, touched__gte=alive_since).count()


def _join_or_refuse(current: ReportBuild, language: str) -> tuple[ReportBuild, bool]:
    if current.language == language:
        return current, False
    raise BuildRefused(
        _(
            "The report in another language is being built: ask for this one as soon as "
            "it is ready."
        ),
        status=409,
    )


def request_build(*, workshop, language: str, user) -> tuple[ReportBuild, bool]:
    """The build under way for this workshop, or a new one queued: ``(build, created)``.
    A stale one (its worker died) is marked failed and replaced.

    Fair between organisers (a few builds run one after the other on one worker): one
    queued or running build per workshop (another language waits for it: ``BuildRefused``
    409), and at most ``REPORT_BUILDS_PER_USER`` per facilitator (429)."""
    with transaction.atomic():
        if user is not None:  # one facilitator's requests, one after the other
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        current = _pending(workshop).select_for_update().first()
        if current is not None and not current.stale:
            return _join_or_refuse(current, language)
        if current is not None:
            _abandon(current)
        if user is not None and _live_builds_of(user) >= settings.REPORT_BUILDS_PER_USER:
            raise BuildRefused(
                _(
                    "You already have %(count)s reports being built: ask for this one as "
                    "soon as one of them is ready."
                )
                % {"count": settings.REPORT_BUILDS_PER_USER},
                status=429,
            )
        build = ReportBuild(workshop=workshop, language=language, requested_by=user)
        # The database enforces one pending build per workshop (a partial unique index);
        # two clicks at once end in the IntegrityError below.
        build.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                build.save()
        except IntegrityError:
            pass
        else:
            # Same database, same transaction: the task exists exactly when the build does.
            build.task_id = str(build_report.enqueue(build.pk).id)
            build.save(update_fields=["task_id"])
            return build, True
    # Another request queued one between our read and our insert: join it.
    return _join_or_refuse(_pending(workshop).get(), language)


def _abandon(build: ReportBuild) -> None:
    ReportBuild.objects.filter(pk=build.pk, status__in=PENDING).update(
        status=ReportBuild.Status.FAILED,
        error=_("This build stopped making progress (its worker may have stopped)."),
        finished=timezone.now(),
    )


# The restitution editor ----------------------------------------------------------


def _clean_text(text: str, default: str, limit: int) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationError(
            _("At most %(limit)s characters, please.") % {"limit": limit}, code="too_long"
        )
    return "" if text == (default or "").strip() else text


@atomic
def section_text_set(
    *,
    workshop: Workshop,
    section: str,
    text: str,
    territory: Territory | None = None,
    default: str = "",
) -> SectionText:
    """The organiser's text of a section (or of a territory in phase 1's synthesis);
    an empty text, or the default itself, means "use the generated default"."""
    if section not in Section.values:
        raise ValidationError(_("Unknown section."), code="section")
    if territory is not None:
        if section != Section.SYNTHESIS:
            raise ValidationError(_("Only phase 1 has a text per territory."), code="territory")
        if not workshop.territories.filter(pk=territory.pk).exists():
            raise ValidationError(_("This territory is not in the workshop."), code="territory")
    row, _created = SectionText.objects.select_for_update().get_or_create(
        workshop=workshop, section=section, territory=territory
    )
    row.text = _clean_text(text, default, TEXT_MAX_LENGTH)
    row.full_clean()
    row.save()
    return row


def _basket_choice(basket: Basket) -> BasketChoice:
    choice, _created = BasketChoice.objects.select_for_update().get_or_create(basket=basket)
    return choice


@atomic
def basket_feature(*, basket: Basket, featured: bool) -> BasketChoice:
    """Feature a basket in the report or leave it out; the choice sticks, whatever
    transactions are added or removed later."""
    choice = _basket_choice(basket)
    choice.featured = bool(featured)
    choice.full_clean()
    choice.save()
    return choice


@atomic
def basket_synthesis_set(*, basket: Basket, text: str, default: str = "") -> BasketChoice:
    """The organiser's synthesis of a basket (phase 3)."""
    choice = _basket_choice(basket)
    choice.synthesis = _clean_text(text, default, TEXT_MAX_LENGTH)
    choice.full_clean()
    choice.save()
    return choice


@atomic
def action_update(
    *,
    transaction: Transaction,
    status: str,
    title: str = "",
    included: bool = True,
    default_title: str = "",
) -> ActionChoice:
    """A candidate action's status, title (empty: the offer's text) and inclusion."""
    if status not in ActionStatus.values:
        raise ValidationError(_("Unknown status."), code="status")
    choice, _created = ActionChoice.objects.select_for_update().get_or_create(
        transaction=transaction
    )
    choice.status = status
    choice.title = _clean_text(title, default_title, ACTION_TITLE_MAX_LENGTH)
    choice.included = bool(included)
    choice.full_clean()
    choice.save()
    return choice
