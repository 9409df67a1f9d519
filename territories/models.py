from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from territories.markdown import render_markdown

SHEET_MAX_LENGTH = 10_000
KEY_FACTS_MAX = 20


class Territory(models.Model):
    """A territory of the reusable library, played by one sub-group per table."""

    class Kind(models.TextChoices):
        METROPOLE = "metropole", _("Métropole")
        PAYS = "pays", _("Pays / PETR")
        EPCI = "epci", _("EPCI")
        PNR = "pnr", _("Parc naturel régional")
        COMMUNE = "commune", _("Commune")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#2f5d8a",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #2f5d8a."))],
    )
    # The presentation of the territory sheet ("fiche territoire"); its key facts are KeyFact rows.
    sheet = models.TextField(
        _("presentation"),
        blank=True,
        validators=[
            MaxLengthValidator(
                SHEET_MAX_LENGTH,
                _(
                    "The presentation holds at most %(limit_value)d characters "
                    "(it has %(show_value)d): shorten it."
                ),
            )
        ],
        help_text=_(
            "The territory sheet's presentation, written in Markdown: **bold**, *italics*, "
            "lists, ## headings, [links](https://…), tables."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """What the room's screens call it: its short name, or its name when it has none."""
        return self.short_name or self.name

    @property
    def sheet_html(self) -> SafeString:
        """The presentation as HTML that is safe to show: raw HTML is escaped."""
        return render_markdown(self.sheet)


class KeyFact(models.Model):
    """One line of a territory sheet's key facts: "Population: 210,000 (INSEE 2021)"."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="key_facts", verbose_name=_("territory")
    )
    label = models.CharField(_("label"), max_length=120)
    value = models.CharField(_("value"), max_length=120)
    source = models.CharField(_("source"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("key fact")
        verbose_name_plural = _("key facts")

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"
