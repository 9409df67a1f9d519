from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workshops.models import Workshop

PENDING = ("queued", "running")


class ReportBuildQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status__in=PENDING)

    def without_pdf(self):
        # The PDF's bytes are read only by the download.
        return self.defer("pdf")


class ReportBuild(models.Model):
    """One build of a workshop's report as a PDF, run by a background worker
    (restitution/tasks.py). Its state and its PDF live here, so that every Daphne
    process shows the same progress and serves the same file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        READING = "reading", _("Reading the workshop's data")
        LAYOUT = "layout", _("Laying out the pages")
        WRITING = "writing", _("Writing the PDF")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="report_builds", verbose_name=_("workshop")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices, blank=True)
    pdf = models.BinaryField(_("PDF"), default=b"", blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # The last sign of life: a pending build that has not moved for long is stale.
    touched = models.DateTimeField(_("last progress"), default=timezone.now)

    objects = ReportBuildQuerySet.as_manager()

    class Meta:
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        ordering = ["-created", "-pk"]
        constraints = [
            # A second click while one is building joins it rather than start another.
            models.UniqueConstraint(
                fields=["workshop", "language"],
                condition=Q(status__in=PENDING),
                name="one_pending_report_build",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_max"),
        ]
        indexes = [models.Index(fields=["workshop", "language", "status"])]

    def __str__(self) -> str:
        return f"{self.workshop_id}/{self.language}: {self.status}"

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def stale(self) -> bool:
        """Pending with no progress for REPORT_BUILD_STALE_SECONDS: its worker died, or
        none is running. It may be started again."""
        limit = timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS)
        return self.pending and timezone.now() - self.touched > limit
