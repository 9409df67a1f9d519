"""Writes of the report's background builds (ReportBuild).

A facilitator asks for a build (``request_build``): the build under way for that
workshop and language is joined, or a new one is queued with its task in the same
transaction. The worker (restitution/tasks.py) claims it, records its progress, and ends
it ready or failed. Every state change is a conditional UPDATE on the expected status,
so a build taken over after a worker died is never overwritten by that old worker.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from restitution.models import PENDING, ReportBuild

logger = logging.getLogger(__name__)

STEP_PROGRESS = {
    ReportBuild.Step.READING: 10,
    ReportBuild.Step.LAYOUT: 35,
    ReportBuild.Step.WRITING: 80,
}


class BuildFailed(Exception):
    """A build ended in failure with a message meant for the facilitator."""


def _pending(workshop, language: str):
    return ReportBuild.objects.without_pdf().pending().filter(workshop=workshop, language=language)


def request_build(*, workshop, language: str, user) -> tuple[ReportBuild, bool]:
    """The build under way for this workshop and language, or a new one queued:
    ``(build, created)``. A stale one (its worker died) is marked failed and replaced."""
    from restitution.tasks import build_report  # the task calls this module: import late

    with transaction.atomic():
        current = _pending(workshop, language).select_for_update().first()
        if current is not None and not current.stale:
            return current, False
        if current is not None:
            _abandon(current)
        build = ReportBuild(workshop=workshop, language=language, requested_by=user)
        # The database enforces one pending build per workshop and language (a partial
        # unique index); two clicks at once end in the IntegrityError below.
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
    return _pending(workshop, language).get(), False


def _abandon(build: ReportBuild) -> None:
    ReportBuild.objects.filter(pk=build.pk, status__in=PENDING).update(
        status=ReportBuild.Status.FAILED,
        error=_("This build stopped making progress (its worker may have stopped)."),
        finished=timezone.now(),
    )


def claim(*, build_id: int) -> bool:
    """The worker takes the queued build; False when it is gone or no longer queued."""
    now = timezone.now()
    return bool(
        ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.QUEUED).update(
            status=ReportBuild.Status.RUNNING, started=now, touched=now
        )
    )


def record_step(*, build_id: int, step: str) -> None:
    ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.RUNNING).update(
        step=step, progress=STEP_PROGRESS[step], touched=timezone.now()
    )


def finish(*, build_id: int, pdf: bytes) -> None:
    """Keeps the PDF, and drops this report's older finished builds: only the latest
    ready PDF is kept. Refuses a PDF larger than REPORT_PDF_MAX_BYTES."""
    limit = settings.REPORT_PDF_MAX_BYTES
    if len(pdf) > limit:
        raise BuildFailed(
            _(
                "The PDF weighs %(size)s, more than the %(limit)s this server keeps. "
                "Ask whoever runs it to raise REPORT_PDF_MAX_BYTES."
            )
            % {"size": filesizeformat(len(pdf)), "limit": filesizeformat(limit)}
        )
    now = timezone.now()
    with transaction.atomic():
        done = ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.RUNNING).update(
            status=ReportBuild.Status.READY,
            pdf=pdf,
            size=len(pdf),
            progress=100,
            finished=now,
            touched=now,
            error="",
        )
        if not done:
            return  # taken over as stale meanwhile: the newer build decides
        build = ReportBuild.objects.only("workshop_id", "language", "created").get(pk=build_id)
        ReportBuild.objects.filter(
            workshop_id=build.workshop_id,
            language=build.language,
            status__in=(ReportBuild.Status.READY, ReportBuild.Status.FAILED),
            created__lte=build.created,
        ).exclude(pk=build_id).delete()


def fail(*, build_id: int, message: str) -> None:
    now = timezone.now()
    ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.RUNNING).update(
        status=ReportBuild.Status.FAILED, error=message, finished=now, touched=now
    )
