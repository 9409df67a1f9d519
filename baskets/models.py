"""Bilateral baskets: what two territories of a table give each other.

A basket exists for every pair of sub-groups at a table (``services.ensure_baskets``),
as soon as the table is seated. A transaction is one thing one side gives the other:
one of the giver's offer post-its, the receiver's need post-its it answers, a note, and
two numbers each side sets for itself (value for the receiver, effort for the giver).
"""

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workshops.models import Participant, PostIt, SubGroup, Table

NOTE_MAX_LENGTH = 280
SCORE_MIN, SCORE_MAX = 1, 5
MAX_TRANSACTIONS_PER_BASKET = 40
MAX_NEEDS_PER_TRANSACTION = 10


def _score(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )


class Basket(models.Model):
    """The two sub-groups of one table that trade: side A and side B, A's territory
    first by name, so that a pair reads the same at every table."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="baskets")
    side_a = models.ForeignKey(SubGroup, on_delete=models.CASCADE, related_name="+")
    side_b = models.ForeignKey(SubGroup, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["table__number", "side_a__territory__name", "side_b__territory__name"]
        constraints = [
            models.UniqueConstraint(fields=["side_a", "side_b"], name="one_basket_per_pair")
        ]
        verbose_name = _("basket")
        verbose_name_plural = _("baskets")

    def __str__(self) -> str:
        return _("Table %(table)s: %(a)s ↔ %(b)s") % {
            "table": self.table.number,
            "a": self.side_a.territory.label,
            "b": self.side_b.territory.label,
        }

    def side_of(self, subgroup_id: int | None) -> str | None:
        """ "a", "b", or None for a sub-group that is not in this basket."""
        if subgroup_id == self.side_a_id:
            return "a"
        if subgroup_id == self.side_b_id:
            return "b"
        return None

    def other_side(self, subgroup_id: int) -> int:
        return self.side_b_id if subgroup_id == self.side_a_id else self.side_a_id


class Transaction(models.Model):
    basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="transactions")
    giver = models.ForeignKey(SubGroup, on_delete=models.CASCADE, related_name="+")
    # RESTRICT: a post-it that a basket shows cannot disappear from it (the phone says
    # which), yet a workshop deleted as a whole takes both. PROTECT would refuse that too.
    offer = models.ForeignKey(
        PostIt, on_delete=models.RESTRICT, related_name="given_in", verbose_name=_("offer")
    )
    needs = models.ManyToManyField(
        PostIt, through="AnsweredNeed", related_name="answered_by", verbose_name=_("needs")
    )
    note = models.TextField(
        _("terms or counterpart"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
    )
    value = _score(_("value for the receiver"))
    effort = _score(_("effort for the giver"))
    # Raised by every change: an edit based on an older version is refused (services).
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="transaction_written_once_per_client_id",
            )
        ]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")

    def __str__(self) -> str:
        # What a refused post-it deletion names: the basket, not the transaction.
        return str(self.basket)


class AnsweredNeed(models.Model):
    """A need post-it of the receiver that a transaction answers."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE)
    need = models.ForeignKey(PostIt, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        verbose_name = _("answered need")
        verbose_name_plural = _("answered needs")
        constraints = [
            models.UniqueConstraint(fields=["transaction", "need"], name="need_answered_once")
        ]

    def __str__(self) -> str:
        return str(self.transaction.basket)


# Conditions ------------------------------------------------------------------
# After the negotiation, each basket's two sub-groups say whether it is balanced, what it
# would take to carry it out (a checklist whose items the facilitator sets per workshop),
# and describe the alliance with the card families of "Cartes sur table".

CONDITION_TEXT_MAX_LENGTH = 280
CONDITION_ITEM_TITLE_MAX_LENGTH = 120
CONDITION_HINT_MAX_LENGTH = 300
ALLIANCE_LABEL_MAX_LENGTH = 80
MAX_CONDITION_ITEMS = 15
MAX_ALLIANCE_CHOICES = 12


class ConditionItem(models.Model):
    """One line of a workshop's checklist of implementation conditions."""

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="condition_items"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("condition"), max_length=CONDITION_ITEM_TITLE_MAX_LENGTH)
    hint = models.CharField(_("hint"), max_length=CONDITION_HINT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("implementation condition")
        verbose_name_plural = _("implementation conditions")

    def __str__(self) -> str:
        return self.title


class AllianceChoice(models.Model):
    """A preset card of one family, chosen to describe a basket's alliance."""

    class Family(models.TextChoices):
        PURPOSE = "purpose", _("Purpose")
        CARRIER = "carrier", _("Carrier")
        HORIZON = "horizon", _("Time horizon")
        INTENSITY = "intensity", _("Intensity")

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="alliance_choices"
    )
    family = models.CharField(_("family"), max_length=12, choices=Family.choices)
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("card"), max_length=ALLIANCE_LABEL_MAX_LENGTH)

    class Meta:
        ordering = ["family", "position", "id"]
        verbose_name = _("alliance card")
        verbose_name_plural = _("alliance cards")

    def __str__(self) -> str:
        return self.label


def _card(family: str):
    return models.ForeignKey(
        AllianceChoice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"family": family},
        verbose_name=AllianceChoice.Family(family).label,
    )


class BasketConditions(models.Model):
    """What a basket's two sub-groups say of it once built: their verdict beside the
    computed gauge, how to rebalance it, the alliance's cards, the conditions."""

    class Verdict(models.TextChoices):
        BALANCED = "balanced", _("Balanced")
        UNBALANCED = "unbalanced", _("Unbalanced")
        CONDITIONAL = "conditional", _("Balanced on condition")

    basket = models.OneToOneField(Basket, on_delete=models.CASCADE, related_name="conditions")
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices, blank=True)
    condition = models.TextField(
        _("on condition that"),
        blank=True,
        max_length=CONDITION_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(CONDITION_TEXT_MAX_LENGTH)],
    )
    rebalancing = models.TextField(
        _("how it was or could be rebalanced"),
        blank=True,
        max_length=CONDITION_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(CONDITION_TEXT_MAX_LENGTH)],
    )
    purpose = _card(AllianceChoice.Family.PURPOSE)
    carrier = _card(AllianceChoice.Family.CARRIER)
    horizon = _card(AllianceChoice.Family.HORIZON)
    intensity = _card(AllianceChoice.Family.INTENSITY)
    # Raised by every save: a form drawn from an older version is refused (services).
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The last save's: the same form sent again is answered as saved, not as stale.
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("basket conditions")
        verbose_name_plural = _("basket conditions")

    def __str__(self) -> str:
        return str(self.basket)


class ConditionAnswer(models.Model):
    """One checklist item for one basket: ticked, with an optional short text."""

    conditions = models.ForeignKey(
        BasketConditions, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(ConditionItem, on_delete=models.CASCADE, related_name="+")
    checked = models.BooleanField(default=False)
    text = models.TextField(
        blank=True,
        max_length=CONDITION_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(CONDITION_TEXT_MAX_LENGTH)],
    )

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [
            models.UniqueConstraint(fields=["conditions", "item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return str(self.conditions)
