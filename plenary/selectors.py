"""Reads of the plenary, each in a fixed number of queries: its settings, the presenter's
slides and the anonymous wall. The dots (their chart, a phone's) are plenary/dot_selectors.py."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from baskets import selectors as baskets
from baskets.conditions.selectors import (
    CARD_FAMILIES,
    ConditionLine,
    ConditionsView,
    conditions_by_basket,
)
from baskets.models import Basket, BasketConditions, ConditionAnswer, Transaction
from plenary.models import Answer, Plenary
from workshops import stats
from workshops.models import Workshop

SLIDE_TEMPLATE = "plenary/_slide.html"
WALL_TEMPLATE = "plenary/_wall.html"


def plenary_of(workshop: Workshop) -> Plenary:
    """The workshop's plenary settings, made with their defaults on first use."""
    found = Plenary.objects.filter(workshop=workshop).first()
    if found is not None:
        return found
    try:
        # The default questions in the site's language, whoever's request comes first.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            return Plenary.objects.create(workshop=workshop)
    except IntegrityError:  # made by a parallel request meanwhile
        return Plenary.objects.get(workshop=workshop)


# Presenter ---------------------------------------------------------------------


@dataclass
class Slide:
    """One basket on the presenter, whole: its transactions, A's then B's, and its filled
    conditions. The presenter's browser cuts it into parts when it does not fit its screen
    (presenter.js measures it, as the board does): nothing shrinks below the floor."""

    view: baskets.BasketView
    conditions: ConditionsView | None = None  # the basket's verdict and conditions
    lines: list[ConditionLine] = field(default_factory=list)  # its filled conditions
    # baskets/_slide_conditions.html shows the verdict on a basket's last part: every
    # part is in the page, the browser shows them one at a time.
    part: int = 1
    parts: int = 1

    @property
    def basket(self) -> Basket:
        return self.view.basket

    @property
    def sides(self) -> list:
        """(side, given, giver, receiver), as BasketView.sides."""
        return self.view.sides

    @property
    def empty(self) -> bool:
        return not self.view.transactions and (self.conditions is None or self.conditions.empty)


@dataclass
class SlideEntry:
    """One basket in the presenter's order, light: enough to count the slides, skip the
    empty ones and find where "go to" lands. Only the slide on show is read whole."""

    basket: Basket
    empty: bool


def _with_content() -> tuple[Exists, Exists]:
    """Whether a basket has a transaction, and conditions that Slide.empty counts: a
    verdict, a chosen card, a rebalancing or a filled line (ConditionsView.empty)."""
    moves = Transaction.objects.filter(basket=OuterRef("pk"))
    filled = ConditionAnswer.objects.filter(conditions=OuterRef("pk")).filter(
        Q(checked=True) | ~Q(text="")
    )
    said = ~Q(verdict="") | ~Q(rebalancing="") | Exists(filled)
    for family, _ in CARD_FAMILIES:
        said |= Q(**{f"{family}__isnull": False})
    conditions = BasketConditions.objects.filter(basket=OuterRef("pk")).filter(said)
    return Exists(moves), Exists(conditions)


def slides(workshop: Workshop, order: str, *, include_empty: bool = False) -> list[SlideEntry]:
    """The presenter's slides, one a basket, in its order (table by table, or pair by pair
    across tables), the empty ones left out unless asked for: one query."""
    moves, conditions = _with_content()
    found = (
        Basket.objects.filter(table__workshop=workshop)
        .select_related("table", "side_a__territory", "side_b__territory")
        .annotate(has_moves=moves, has_conditions=conditions)
        .order_by("table__number", "side_a__territory__name", "side_b__territory__name")
    )
    entries = []
    for basket in found:
        basket.table.workshop = workshop  # the fragments' URLs carry the workshop's code
        entries.append(SlideEntry(basket, not (basket.has_moves or basket.has_conditions)))
    if order == Plenary.Order.PAIRS:
        entries.sort(
            key=lambda e: (
                e.basket.side_a.territory.name,
                e.basket.side_b.territory.name,
                e.basket.table.number,
            )
        )
    return entries if include_empty else [entry for entry in entries if not entry.empty]


def slides_of(workshop: Workshop, plenary: Plenary) -> list[SlideEntry]:
    return slides(workshop, plenary.order, include_empty=plenary.include_empty)


def slide_of(workshop: Workshop, basket: Basket) -> Slide:
    """One basket, whole: its table's negotiation (for the balance) and its conditions,
    in seven queries at most, whatever the workshop's size."""
    tables = baskets.negotiation(workshop, table=basket.table)
    view = next(v for entry in tables for v in entry.baskets if v.basket.pk == basket.pk)
    conditions = conditions_by_basket(workshop, [view.basket]).get(basket.pk)
    filled = [line for line in conditions.lines if line.filled] if conditions else []
    return Slide(view, conditions, filled)


@dataclass
class Target:
    """A place the console's "go to" jumps to: a table, a pair of territories (its first
    basket in the presenter's order), or one basket."""

    value: str  # what the console posts as ``to``: "table:3", "pair:4-7", "basket:12"
    label: str


@dataclass
class Presenter:
    plenary: Plenary
    slide: Slide | None
    number: int  # 1-based
    count: int
    skipped: int = 0  # empty baskets left out
    tables: list[Target] = field(default_factory=list)
    pairs: list[Target] = field(default_factory=list)
    baskets: list[Target] = field(default_factory=list)

    @property
    def part(self) -> int:
        """1-based, as far as the presenter's screen last said how many parts it has."""
        return min(self.plenary.part, max(self.plenary.parts - 1, 0)) + 1


def pair_label(basket: Basket) -> str:
    """The basket's two territories: "BM ↔ PdB"."""
    a, b = basket.side_a.territory, basket.side_b.territory
    return f"{a.label} ↔ {b.label}"


def pair_value(basket: Basket) -> str:
    return f"pair:{basket.side_a.territory_id}-{basket.side_b.territory_id}"


def targets(shown: list[SlideEntry]) -> tuple[list[Target], list[Target], list[Target]]:
    """What the console can jump to: every table, pair and basket with a slide."""
    tables, pairs, each = {}, {}, []
    for slide in shown:
        basket = slide.basket
        number = basket.table.number
        tables.setdefault(number, Target(f"table:{number}", _table_label(number)))
        pairs.setdefault(pair_value(basket), Target(pair_value(basket), pair_label(basket)))
        each.append(Target(f"basket:{basket.pk}", f"{_table_label(number)} · {pair_label(basket)}"))
    return sorted(tables.values(), key=lambda t: int(t.value[6:])), list(pairs.values()), each


def _table_label(number: int) -> str:
    return gettext("Table %(number)s") % {"number": number}


def slide_index(shown: list[SlideEntry], to: str) -> int | None:
    """Where ``to`` ("table:3", "pair:4-7", "basket:12") is among the slides, if there."""
    kind, _, key = to.partition(":")
    for index, slide in enumerate(shown):
        basket = slide.basket
        if (
            (kind == "table" and key == str(basket.table.number))
            or (kind == "pair" and to == pair_value(basket))
            or (kind == "basket" and key == str(basket.pk))
        ):
            return index
    return None


def presenter(workshop: Workshop) -> Presenter:
    plenary = plenary_of(workshop)
    every = slides(workshop, plenary.order, include_empty=True)
    shown = every if plenary.include_empty else [entry for entry in every if not entry.empty]
    skipped = len(every) - len(shown)
    if not shown:
        return Presenter(plenary, None, 0, 0, skipped)
    index = min(plenary.slide, len(shown) - 1)
    slide = slide_of(workshop, shown[index].basket)
    return Presenter(plenary, slide, index + 1, len(shown), skipped, *targets(shown))


def render_slide(workshop: Workshop, *, oob: bool = False) -> str:
    stats.count("plenary_slide_renders")
    context = {"workshop": workshop, "presenter": presenter(workshop), "oob": oob}
    return render_to_string(SLIDE_TEMPLATE, context)


# The wall ----------------------------------------------------------------------


@dataclass
class Question:
    number: int
    text: str
    answers: list[Answer]


def wall(workshop: Workshop, plenary: Plenary | None = None) -> list[Question]:
    """The questions with their SHOWN answers only, no author: what the projector gets."""
    plenary = plenary or plenary_of(workshop)
    questions = [Question(i, text, []) for i, text in enumerate(plenary.questions)]
    for answer in Answer.objects.filter(workshop=workshop, shown=True).only(
        "pk", "question", "text"
    ):
        if answer.question < len(questions):
            questions[answer.question].answers.append(answer)
    return questions


def render_wall(workshop: Workshop, *, oob: bool = False) -> str:
    stats.count("plenary_wall_renders")
    return render_to_string(
        WALL_TEMPLATE, {"workshop": workshop, "questions": wall(workshop), "oob": oob}
    )


def moderation(workshop: Workshop) -> list[Question]:
    """Every answer, shown or not, with its author: the console's."""
    plenary = plenary_of(workshop)
    questions = [Question(i, text, []) for i, text in enumerate(plenary.questions)]
    orphans = Question(len(questions), "", [])
    for answer in Answer.objects.filter(workshop=workshop).select_related(
        "author__subgroup__territory", "author__subgroup__table"
    ):
        target = questions[answer.question] if answer.question < len(questions) else orphans
        target.answers.append(answer)
    return questions + ([orphans] if orphans.answers else [])
