from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    sheet = models.TextField(
        _("territory sheet"),
        blank=True,
        help_text=_("A short profile of the territory: facts and stakes, for the sub-group."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name
