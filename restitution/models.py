"""What the organiser curates in the restitution editor: their own synthesis texts, which
baskets the report features, and the draft action list's statuses and titles.

These rows live beside the workshop's data, never in it: the report is regenerated from
the workshop every time and these choices are laid over it, so regenerating never
overwrites a word the organiser wrote. An empty text means "the generated default".
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baskets.models import Basket, Transaction
from territories.models import Territory
from workshops.models import Workshop

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
