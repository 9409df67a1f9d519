"""The plenary: the feedback questions and their answers, the sticky dots, and the
presenter's current slide.

``Plenary`` holds one workshop's settings and state (created on first use); answers
are anonymous on the wall (``shown`` by a facilitator); a participant's dots are rows of
``Dot``, and ``DotBudget`` is the row their writes lock, so that parallel requests
cannot spend more than the budget (services.py).
"""

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baskets.models import Basket, Transaction
from workshops.models import Participant, Workshop

ANSWER_MAX_LENGTH = 500
QUESTION_MAX_LENGTH = 200
MAX_QUESTIONS = 8
MAX_DOTS = 20

DEFAULT_QUESTIONS = [
    _("Did you manage to build baskets?"),
    _("What was difficult?"),
    _("Was the data you were given enough?"),
]


def default_questions() -> list[str]:
    return [str(question) for question in DEFAULT_QUESTIONS]


class Plenary(models.Model):
    class Order(models.TextChoices):
        TABLES = "tables", _("Table by table")
        PAIRS = "pairs", _("Pair by pair across tables")

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="plenary")
    questions = models.JSONField(_("questions"), default=default_questions, blank=True)
    dots_per_participant = models.PositiveSmallIntegerField(
        _("dots per participant"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DOTS)],
    )
    dots_per_item = models.PositiveSmallIntegerField(
        _("dots on one item at most"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DOTS)],
    )
    voting_open = models.BooleanField(default=False)
    results_shown = models.BooleanField(default=False)
    # The presenter: the slide (a basket, plenary/selectors.py: slides) and its part; a
    # basket too long for the screen is cut into ``parts`` by the presenter's browser,
    # which measures it (presenter.js) and says how many here.
    slide = models.PositiveIntegerField(default=0)
    part = models.PositiveSmallIntegerField(default=0)
    parts = models.PositiveSmallIntegerField(default=1)
    # Counts the presenter's moves: a screen never swaps a slide for an older one (paniers.js).
    slide_version = models.PositiveIntegerField(default=0)
    include_empty = models.BooleanField(_("show the empty baskets too"), default=False)
    order = models.CharField(max_length=10, choices=Order.choices, default=Order.TABLES)

    class Meta:
        verbose_name = _("plenary")
        verbose_name_plural = _("plenaries")

    def __str__(self) -> str:
        return str(self.workshop)


class Answer(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="answers")
    # Never shown on the wall: the console shows who wrote, to moderate.
    author = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    question = models.PositiveSmallIntegerField()
    text = models.TextField(
        max_length=ANSWER_MAX_LENGTH, validators=[MaxLengthValidator(ANSWER_MAX_LENGTH)]
    )
    shown = models.BooleanField(default=False)
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="answer_written_once_per_client_id",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class DotBudget(models.Model):
    """One row per voter: every dot write locks it first (select_for_update)."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("dot budget")
        verbose_name_plural = _("dot budgets")

    def __str__(self) -> str:
        return f"dots of {self.participant_id}"


class Dot(models.Model):
    """One sticky dot on a basket or on one transaction (exactly one of the two)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    basket = models.ForeignKey(
        Basket, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Drawn by the phone's item form (a fresh one each time the item is drawn): a tap sent
    # again, because its answer never came, finds its dot instead of spending another.
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sticky dot")
        verbose_name_plural = _("sticky dots")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(basket__isnull=False, transaction__isnull=True)
                | models.Q(basket__isnull=True, transaction__isnull=False),
                name="dot_on_one_item",
            ),
            models.UniqueConstraint(
                fields=["participant", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="dot_placed_once_per_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"dot {self.pk}"
