"""Reads of the plenary, each in a fixed number of queries (tests/plenary/test_costs.py):
the presenter's slides, the anonymous wall, the dots' chart, a phone's dots."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from baskets import selectors as baskets
from baskets.conditions.selectors import ConditionLine, ConditionsView, conditions_by_basket
from baskets.models import Basket, Transaction
from plenary.models import Answer, Dot, Plenary
from workshops import stats
from workshops.models import Participant, Workshop

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


def every_slide(workshop: Workshop, order: str) -> list[Slide]:
    """Every basket of the workshop, in the presenter's order, empty ones included: seven
    queries (the baskets' four, their conditions' three)."""
    views = _ordered_views(workshop, order)
    found = conditions_by_basket(workshop, [view.basket for view in views])
    result = []
    for view in views:
        conditions = found.get(view.basket.pk)
        filled = [line for line in conditions.lines if line.filled] if conditions else []
        result.append(Slide(view, conditions, filled))
    return result


def slides(workshop: Workshop, order: str, *, include_empty: bool = False) -> list[Slide]:
    """The presenter's slides: one a basket, the empty ones left out unless asked for."""
    every = every_slide(workshop, order)
    return every if include_empty else [slide for slide in every if not slide.empty]


def slides_of(workshop: Workshop, plenary: Plenary) -> list[Slide]:
    return slides(workshop, plenary.order, include_empty=plenary.include_empty)


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


def pair_value(basket: Basket) -> str:
    return f"pair:{basket.side_a.territory_id}-{basket.side_b.territory_id}"


def targets(shown: list[Slide]) -> tuple[list[Target], list[Target], list[Target]]:
    """What the console can jump to: every table, pair and basket with a slide."""
    tables, pairs, each = {}, {}, []
    for slide in shown:
        basket = slide.basket
        number = basket.table.number
        tables.setdefault(number, Target(f"table:{number}", _table_label(number)))
        pairs.setdefault(pair_value(basket), Target(pair_value(basket), _pair_label(basket)))
        each.append(
            Target(f"basket:{basket.pk}", f"{_table_label(number)} · {_pair_label(basket)}")
        )
    return sorted(tables.values(), key=lambda t: int(t.value[6:])), list(pairs.values()), each


def _table_label(number: int) -> str:
    return gettext("Table %(number)s") % {"number": number}


def slide_index(shown: list[Slide], to: str) -> int | None:
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
    every = every_slide(workshop, plenary.order)
    shown = every if plenary.include_empty else [slide for slide in every if not slide.empty]
    skipped = len(every) - len(shown)
    if not shown:
        return Presenter(plenary, None, 0, 0, skipped)
    index = min(plenary.slide, len(shown) - 1)
    return Presenter(plenary, shown[index], index + 1, len(shown), skipped, *targets(shown))


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


# The chart ---------------------------------------------------------------------


@dataclass
class Bar:
    kind: str  # "b" or "t"
    pk: int
    label: str  # what is given ("PdB → Bois-énergie"), or the pair for a whole basket
    table: int
    dots: int
    percent: int  # of the most dotted item's
    pair: str = ""  # "BM ↔ PdB": with the table, which basket it is
    detail: str = ""  # the needs answered, when two items would read the same without them
    needs: str = ""  # a transaction's, for ``detail``


@dataclass
class Chart:
    plenary: Plenary
    bars: list[Bar]
    total: int
    voters: int


def chart(workshop: Workshop, plenary: Plenary | None = None) -> Chart:
    """Dotted items, most dots first (ties by table, then label): five queries."""
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
    labels = {}  # (kind, pk) -> (label, table, pair, needs)
    for basket in Basket.objects.filter(pk__in=basket_ids).select_related(
        "table", "side_a__territory", "side_b__territory"
    ):
        pair = _pair_label(basket)
        labels[("b", basket.pk)] = (pair, basket.table.number, pair, "")
    for t in (
        Transaction.objects.filter(pk__in=transaction_ids)
        .select_related(
            "offer",
            "basket__table",
            "giver__territory",
            "basket__side_a__territory",
            "basket__side_b__territory",
        )
        .prefetch_related("needs")
    ):
        giver = t.giver.territory
        labels[("t", t.pk)] = (
            f"{giver.short_name or giver.name} → {t.offer.text}",
            t.basket.table.number,
            _pair_label(t.basket),
            " ; ".join(need.text for need in t.needs.all()),
        )
    top = max(counts.values(), default=0)
    bars = []
    for (kind, pk), n in counts.items():
        if (kind, pk) in labels:
            label, table, pair, needs = labels[(kind, pk)]
            bars.append(
                Bar(kind, pk, label, table, n, round(100 * n / top), pair=pair, needs=needs)
            )
    _tell_apart(bars)
    bars.sort(key=lambda bar: (-bar.dots, bar.table, bar.pair, bar.label, bar.pk))
    return Chart(plenary, bars, sum(counts.values()), len(voters))


def _tell_apart(bars: list[Bar]) -> None:
    """Two items of one basket that give the same offer read the same: the needs they
    answer tell them apart, and failing that, a number."""
    same = Counter((bar.table, bar.pair, bar.label) for bar in bars)
    for bar in bars:
        if same[(bar.table, bar.pair, bar.label)] > 1:
            bar.detail = bar.needs
    same = Counter((bar.table, bar.pair, bar.label, bar.detail) for bar in bars)
    numbers = Counter()
    for bar in sorted(bars, key=lambda bar: bar.pk):
        key = (bar.table, bar.pair, bar.label, bar.detail)
        if same[key] > 1:
            numbers[key] += 1
            bar.detail = " · ".join(filter(None, [bar.detail, f"#{numbers[key]}"]))


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
    # Sent with a tap on "Place a dot": a tap sent again finds its dot (Dot.client_id).
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)

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
