from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from territories.models import Territory

POSTIT_MAX_LENGTH = 280
FIRST_NAME_MAX_LENGTH = 40

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

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title


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
        return f"{self.table} · {self.territory.short_name or self.territory.name}"


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subgroup", "kind"])]
        verbose_name = _("post-it")
        verbose_name_plural = _("post-its")

    def __str__(self) -> str:
        return self.text[:40]
