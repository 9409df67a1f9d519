"""A report build's life on the worker's side (restitution/tasks.py): claimed, each step
recorded, then ready or failed. Every state change is a conditional UPDATE on the expected
status, so a build taken over after its worker died is never overwritten by that old worker.
Queuing a build is a facilitator's write: ``services.request_build``."""

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from restitution.models import ReportBuild

STEP_PROGRESS = {
    ReportBuild.Step.READING: 10,
    ReportBuild.Step.LAYOUT: 35,
    ReportBuild.Step.WRITING: 80,
}


class BuildFailed(Exception):
    """A build ended in failure with a message meant for the facilitator."""


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
