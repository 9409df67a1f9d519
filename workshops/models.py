from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from territories.models import Territory

POSTIT_MAX_LENGTH = 280
FIRST_NAME_MAX_LENGTH = 40
INSTRUCTIONS_MAX_LENGTH = 2000
MAX_GRACE_SECONDS = 600
MAX_PHASE_MINUTES = 240
MAX_BALANCE_TOLERANCE = 20
DEFAULT_BALANCE_TOLERANCE = 2

DEFAULT_THEMES = [
    _("Energy"),
    _("Food"),
    _("Mobility"),
    _("Health and access to care"),
    _("Housing and energy renovation"),
    _("Land and urban planning"),
    _("Economy and jobs"),
    _("Tourism"),
    _("Culture"),
    _("Training and skills"),
    _("Water"),
    _("Waste"),
    _("Digital"),
]


def default_themes() -> list[str]:
    return [str(theme) for theme in DEFAULT_THEMES]


class Workshop(models.Model):
    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    event = models.CharField(_("event"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    code = models.CharField(_("join code"), max_length=12, unique=True)
    territories = models.ManyToManyField(
        Territory, related_name="workshops", verbose_name=_("territories")
    )
    themes = models.JSONField(_("themes"), default=default_themes, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="created_workshops",
        verbose_name=_("created by"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_workshops",
        verbose_name=_("facilitators"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    grace_seconds = models.PositiveSmallIntegerField(
        _("grace period (seconds)"),
        default=60,
        validators=[MaxValueValidator(MAX_GRACE_SECONDS)],
        help_text=_("How long phones may still send once a phase's time is up. 0 closes at once."),
    )
    balance_tolerance = models.PositiveSmallIntegerField(
        _("balance tolerance"),
        default=DEFAULT_BALANCE_TOLERANCE,
        validators=[MaxValueValidator(MAX_BALANCE_TOLERANCE)],
        help_text=_(
            "A basket is shown as balanced while the two territories' gains (value received "
            "minus effort given) differ by no more than this."
        ),
    )
    # The room's clock, as timestamps (see workshops/clock.py): it survives a restart.
    current_phase = models.ForeignKey(
        "Phase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phase_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    clock_version = models.PositiveIntegerField(default=0)
    # What the projector shows, chosen from the console (workshops/projector.py): "" follows
    # the workshop by itself; the version tells a projector that the choice changed.
    projector_view = models.CharField(max_length=20, blank=True, default="")
    projector_view_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    """One timed step of a workshop. Its kind decides what participants may do during it."""

    class Kind(models.TextChoices):
        FORMULATION = "formulation", _("Formulation of offers and needs")
        NEGOTIATION = "negotiation", _("Negotiation of baskets")
        CONDITIONS = "conditions", _("Conditions of implementation")
        PLENARY = "plenary", _("Plenary feedback")
        OTHER = "other", _("Other (no input from phones)")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80)
    instructions = models.TextField(
        _("instructions"),
        blank=True,
        max_length=INSTRUCTIONS_MAX_LENGTH,
        validators=[MaxLengthValidator(INSTRUCTIONS_MAX_LENGTH)],
        help_text=_("Shown on every phone and on the projector during the phase."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PHASE_MINUTES)],
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.name


class Table(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="unique_table_number")
        ]
        verbose_name = _("table")
        verbose_name_plural = _("tables")

    def __str__(self) -> str:
        return _("Table %(number)s") % {"number": self.number}


class SubGroup(models.Model):
    """The participants of one table who play one territory."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="subgroups")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="subgroups")

    class Meta:
        ordering = ["table__number", "territory__name"]
        constraints = [
            models.UniqueConstraint(fields=["table", "territory"], name="unique_subgroup")
        ]
        verbose_name = _("sub-group")
        verbose_name_plural = _("sub-groups")

    def __str__(self) -> str:
        return f"{self.table} · {self.territory.label}"


class Participant(models.Model):
    """Someone on a phone, known by a first name and their session cookie."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    subgroup = models.ForeignKey(SubGroup, on_delete=models.CASCADE, related_name="participants")
    first_name = models.CharField(_("first name"), max_length=FIRST_NAME_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.first_name


class PostIt(models.Model):
    class Kind(models.TextChoices):
        OFFER = "offer", _("Offer")
        NEED = "need", _("Need")

    subgroup = models.ForeignKey(SubGroup, on_delete=models.CASCADE, related_name="postits")
    author = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postits",
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    # A TextField's max_length only reaches forms; the validator makes full_clean check it.
    text = models.TextField(
        _("text"),
        max_length=POSTIT_MAX_LENGTH,
        validators=[MaxLengthValidator(POSTIT_MAX_LENGTH)],
    )
    theme = models.CharField(_("theme"), max_length=80, blank=True)
    # Drawn for each compose form: the same form sent twice (a retry after a lost
    # answer, a queued write sent again) is the same post-it, written once.
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subgroup", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="postit_written_once_per_client_id",
            )
        ]
        verbose_name = _("post-it")
        verbose_name_plural = _("post-its")

    def __str__(self) -> str:
        return self.text[:40]


class Connection(models.Model):
    """One open websocket of a participant's phone: presence, as the console shows it.

    A row is kept fresh by its consumer (``last_seen``) and deleted when the socket
    closes; rows of a process that died age out instead.
    """

    channel_name = models.CharField(max_length=200, unique=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="connections"
    )
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("live connection")
        verbose_name_plural = _("live connections")

    def __str__(self) -> str:
        return self.channel_name
