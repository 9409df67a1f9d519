"""The restitution's own rows: the report's background builds (``ReportBuild``), and what
the organiser curates in the restitution editor: their own synthesis texts, which
baskets the report features, and the draft action list's statuses and titles.

The curation lives beside the workshop's data, never in it: the report is regenerated
from the workshop every time and these choices are laid over it, so regenerating never
overwrites a word the organiser wrote. An empty text means "the generated default".
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baskets.models import Basket, Transaction
from territories.models import Territory
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
            # One at a time per workshop, whatever the language: fair between organisers.
            models.UniqueConstraint(
                fields=["workshop"],
                condition=Q(status__in=PENDING),
                name="one_pending_report_build_per_workshop",
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


# The restitution editor's curation ------------------------------------------------

TEXT_MAX_LENGTH = 5000
ACTION_TITLE_MAX_LENGTH = 200


class Section(models.TextChoices):
    """The report's sections that carry an organiser's text, in the report's order."""

    PRESENTATION = "presentation", _("Presentation")
    SYNTHESIS = "synthesis", _("Phase 1: offers and needs")
    BASKETS = "baskets", _("Phase 2: the baskets")
    CONDITIONS = "conditions", _("Phase 3: verdicts and conditions")
    PLENARY = "plenary", _("Phase 4: feedback and dots")
    ACTIONS = "actions", _("Draft action list")
    CONCLUSION = "conclusion", _("Conclusion")


class SectionText(models.Model):
    """The organiser's text of one section, or of one territory in phase 1's synthesis."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])

    class Meta:
        # Two partial constraints: a NULL territory would not collide in one unique index.
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "section"],
                condition=Q(territory__isnull=True),
                name="one_text_per_section",
            ),
            models.UniqueConstraint(
                fields=["workshop", "section", "territory"],
                condition=Q(territory__isnull=False),
                name="one_text_per_section_and_territory",
            ),
        ]
        verbose_name = _("section text")
        verbose_name_plural = _("section texts")

    def __str__(self) -> str:
        return self.section


class BasketChoice(models.Model):
    """Whether a basket is featured in the report, and the organiser's synthesis of it
    (phase 3). ``featured`` None: the default, featured when it has a transaction."""

    basket = models.OneToOneField(Basket, on_delete=models.CASCADE, related_name="+")
    featured = models.BooleanField(_("featured"), null=True, blank=True)
    synthesis = models.TextField(
        _("organiser's synthesis"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )

    class Meta:
        verbose_name = _("basket choice")
        verbose_name_plural = _("basket choices")

    def __str__(self) -> str:
        return str(self.basket)


class ActionStatus(models.TextChoices):
    """The three groups of a reciprocity contract's actions, in the contract's order."""

    OPERATIONAL = "operational", _("Operational projects")
    PREPARATION = "preparation", _("Projects in preparation")
    REFLECTION = "reflection", _("Themes under reflection")


class ActionChoice(models.Model):
    """A transaction of a featured basket as a candidate action of the contract."""

    transaction = models.OneToOneField(Transaction, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ActionStatus.choices,
        default=ActionStatus.REFLECTION,
    )
    title = models.CharField(_("action"), max_length=ACTION_TITLE_MAX_LENGTH, blank=True)
    included = models.BooleanField(_("included"), default=True)

    class Meta:
        verbose_name = _("candidate action")
        verbose_name_plural = _("candidate actions")

    def __str__(self) -> str:
        return self.title or str(self.transaction_id)
