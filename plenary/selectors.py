"""Reads of the plenary, each in a fixed number of queries (tests/plenary/test_costs.py):
the presenter's slides, the anonymous wall, the dots' chart, a phone's dots."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from baskets import selectors as baskets
from baskets.conditions.selectors import ConditionLine, ConditionsView, conditions_by_basket
from baskets.models import Basket, Transaction
from plenary import slide_parts
from plenary.models import Answer, Dot, Plenary
from workshops import stats
from workshops.models import Participant, Workshop

# A slide holds this many lines at most, a transaction or a filled implementation
# condition each: a longer basket continues on the next slide rather than shrink below
# the projector's type size (28 px). Conditions that do not fit beside the last
# transactions go on slides of their own, this many a slide.
SLIDE_TRANSACTIONS = 3
SLIDE_CONDITIONS = 4
SLIDE_TEMPLATE = "plenary/_slide.html"
WALL_TEMPLATE = "plenary/_wall.html"
CHART_TEMPLATE = "plenary/_chart.html"


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
    view: baskets.BasketView
    part: int  # 1-based, of ``parts``
    parts: int
    sides: list  # (side, given, giver, receiver), as BasketView.sides, this part's only
    conditions: ConditionsView | None = None  # the basket's verdict and conditions
    lines: list[ConditionLine] = field(default_factory=list)  # filled conditions shown here

    @property
    def basket(self) -> Basket:
        return self.view.basket

    @property
    def conditions_only(self) -> bool:
        """A slide of conditions alone: they take the transactions' column."""
        return bool(self.lines) and not any(given for _side, given, _g, _r in self.sides)


def _parts(view: baskets.BasketView, filled: list[ConditionLine]) -> list[tuple[list, list]]:
    """The basket's transactions, A's then B's, then its filled conditions, cut into
    slides' worth: (transactions, conditions) a slide."""
    ordered = view.from_a + view.from_b
    chunks = [
        (ordered[i : i + SLIDE_TRANSACTIONS], [])
        for i in range(0, len(ordered), SLIDE_TRANSACTIONS)
    ] or [([], [])]
    if not filled:
        return chunks
    last = chunks[-1][0]
    if len(last) + len(filled) <= SLIDE_TRANSACTIONS:
        chunks[-1] = (last, filled)
        return chunks
    return chunks + [
        ([], filled[i : i + SLIDE_CONDITIONS]) for i in range(0, len(filled), SLIDE_CONDITIONS)
    ]


def _ordered_views(workshop: Workshop, order: str) -> list[baskets.BasketView]:
    views = [view for entry in baskets.negotiation(workshop) for view in entry.baskets]
    if order == Plenary.Order.PAIRS:
        views.sort(
            key=lambda v: (
                v.basket.side_a.territory.name,
                v.basket.side_b.territory.name,
                v.basket.table.number,
            )
        )
    return views


def slides(workshop: Workshop, order: str) -> list[Slide]:
    """Every basket of the workshop as slides: seven queries (the baskets' four, their
    conditions' three)."""
    result = []
    views = _ordered_views(workshop, order)
    found = conditions_by_basket(workshop, [view.basket for view in views])
    for view in views:
        conditions = found.get(view.basket.pk)
        filled = [line for line in conditions.lines if line.filled] if conditions else []
        parts = _parts(view, filled)
        for number, (chunk, lines) in enumerate(parts, start=1):
            in_part = {t.pk for t in chunk}
            sides = [
                (side, [t for t in given if t.pk in in_part], giver, receiver)
                for side, given, giver, receiver in view.sides
            ]
            result.append(Slide(view, number, len(parts), sides, conditions, lines))
    return result


def slide_count(workshop: Workshop, order: str) -> int:
    return len(slides(workshop, order))


@dataclass
class Presenter:
    plenary: Plenary
    slide: Slide | None
    number: int  # 1-based
    count: int


def presenter(workshop: Workshop) -> Presenter:
    plenary = plenary_of(workshop)
    every = slides(workshop, plenary.order)
    if not every:
        return Presenter(plenary, None, 0, 0)
    index = min(plenary.slide, len(every) - 1)
    return Presenter(plenary, every[index], index + 1, len(every))


def render_slide(workshop: Workshop, *, oob: bool = False) -> str:
    stats.count("plenary_slide_renders")
    shown = presenter(workshop)
    parts = []
    if shown.slide is not None:
        view = shown.slide.view
        parts = slide_parts.render_parts(
            view=view,
            basket=view.basket,
            workshop=workshop,
            slide=shown.slide,
            conditions=shown.slide.conditions,
        )
    context = {"workshop": workshop, "presenter": shown, "parts": parts, "oob": oob}
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


# The chart ---------------------------------------------------------------------


@dataclass
class Bar:
    kind: str  # "b" or "t"
    pk: int
    label: str
    table: int
    dots: int
    percent: int  # of the most dotted item's


@dataclass
class Chart:
    plenary: Plenary
    bars: list[Bar]
    total: int
    voters: int


def chart(workshop: Workshop, plenary: Plenary | None = None) -> Chart:
    """Dotted items, most dots first (ties by table, then label): four queries."""
    plenary = plenary or plenary_of(workshop)
    dots = Dot.objects.filter(participant__workshop=workshop)
    counts = Counter()
    voters = set()
    for basket_id, transaction_id, participant_id in dots.values_list(
        "basket_id", "transaction_id", "participant_id"
    ):
        counts[("b", basket_id) if basket_id else ("t", transaction_id)] += 1
        voters.add(participant_id)
    basket_ids = [pk for kind, pk in counts if kind == "b"]
    transaction_ids = [pk for kind, pk in counts if kind == "t"]
    labels = {}
    for basket in Basket.objects.filter(pk__in=basket_ids).select_related(
        "table", "side_a__territory", "side_b__territory"
    ):
        labels[("b", basket.pk)] = (_pair_label(basket), basket.table.number)
    for t in Transaction.objects.filter(pk__in=transaction_ids).select_related(
        "offer", "basket__table", "giver__territory"
    ):
        giver = t.giver.territory
        labels[("t", t.pk)] = (
            f"{giver.short_name or giver.name} → {t.offer.text}",
            t.basket.table.number,
        )
    top = max(counts.values(), default=0)
    bars = [
        Bar(kind, pk, labels[(kind, pk)][0], labels[(kind, pk)][1], n, round(100 * n / top))
        for (kind, pk), n in counts.items()
        if (kind, pk) in labels
    ]
    bars.sort(key=lambda bar: (-bar.dots, bar.table, bar.label, bar.pk))
    return Chart(plenary, bars, sum(counts.values()), len(voters))


def _pair_label(basket: Basket) -> str:
    a, b = basket.side_a.territory, basket.side_b.territory
    return f"{a.short_name or a.name} ↔ {b.short_name or b.name}"


def render_chart(workshop: Workshop, *, oob: bool = False) -> str:
    """Hidden results: only the count of dots placed, no bar."""
    stats.count("plenary_chart_renders")
    plenary = plenary_of(workshop)
    result = chart(workshop, plenary) if plenary.results_shown else None
    total = (
        result.total
        if result is not None
        else Dot.objects.filter(participant__workshop=workshop).count()
    )
    return render_to_string(
        CHART_TEMPLATE,
        {"workshop": workshop, "plenary": plenary, "chart": result, "total": total, "oob": oob},
    )


# A phone's dots ----------------------------------------------------------------


@dataclass
class PhoneItem:
    value: str  # what the phone posts: "b12" for a basket, "t34" for a transaction
    basket: Basket
    transaction: Transaction | None
    mine: int  # my dots on it

    @property
    def marks(self) -> str:
        return "●" * self.mine


@dataclass
class PhoneDots:
    plenary: Plenary
    left: int
    tables: list  # (table, [PhoneItem], open) for every table of the workshop

    @property
    def marks(self) -> str:
        return "●" * self.left

    @property
    def can_place(self) -> bool:
        return self.plenary.voting_open and self.left > 0


def phone_dots(participant: Participant, plenary: Plenary | None = None) -> PhoneDots:
    """What a phone shows to vote: six queries."""
    workshop = participant.workshop
    plenary = plenary or plenary_of(workshop)
    mine = Counter()
    for basket_id, transaction_id in Dot.objects.filter(participant=participant).values_list(
        "basket_id", "transaction_id"
    ):
        mine[f"b{basket_id}" if basket_id else f"t{transaction_id}"] += 1
    left = max(plenary.dots_per_participant - sum(mine.values()), 0)
    tables = []
    for entry in baskets.negotiation(workshop):
        items = []
        for view in entry.baskets:
            value = f"b{view.basket.pk}"
            items.append(PhoneItem(value, view.basket, None, mine[value]))
            for t in view.transactions:
                items.append(PhoneItem(f"t{t.pk}", view.basket, t, mine[f"t{t.pk}"]))
        # Folded, unless it is our table or holds our dots: a phone redrawn after a dot
        # keeps the table it voted in open.
        unfolded = entry.table.pk == participant.subgroup.table_id or any(i.mine for i in items)
        tables.append((entry.table, items, unfolded))
    return PhoneDots(plenary, left, tables)


def phone_item(participant: Participant, value: str) -> tuple[PhoneDots, PhoneItem | None]:
    """One item as a phone shows it, and the voter's dots left: what a dot's answer
    redraws (six queries, whatever the size of the room)."""
    plenary = plenary_of(participant.workshop)
    mine = Counter()
    for basket_id, transaction_id in Dot.objects.filter(participant=participant).values_list(
        "basket_id", "transaction_id"
    ):
        mine[f"b{basket_id}" if basket_id else f"t{transaction_id}"] += 1
    left = max(plenary.dots_per_participant - sum(mine.values()), 0)
    dots = PhoneDots(plenary, left, [])
    kind, pk = value[:1], value[1:]
    workshop = participant.workshop
    if kind == "b":
        basket = (
            Basket.objects.filter(pk=pk, table__workshop=workshop)
            .select_related("side_a__territory", "side_b__territory")
            .first()
        )
        return dots, basket and PhoneItem(value, basket, None, mine[value])
    found = (
        Transaction.objects.filter(pk=pk, basket__table__workshop=workshop)
        .select_related("offer", "giver__territory", "basket")
        .first()
    )
    return dots, found and PhoneItem(value, found.basket, found, mine[value])
