"""The organiser's report: every section's data for one workshop, read from the snapshot
(a fixed number of queries, whatever the workshop's size) and shaped for the templates
shared by the HTML preview and the PDF."""

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from baskets.balance import Move, basket_balance
from restitution.snapshot import Snapshot, snapshot
from restitution.tables import GAUGES
from workshops.models import Workshop

# Two post-its whose normalised texts are this close are the same idea written twice.
MERGE_RATIO = 0.9


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation or repeated spaces: "Moins de voiture !" and
    "moins  de voitures" compare on their words only."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass
class Merged:
    text: str  # the first wording met
    key: str
    tables: set[int] = field(default_factory=set)
    count: int = 0

    @property
    def table_count(self) -> int:
        return len(self.tables)


def merge(postits: list[tuple[str, int]]) -> list[Merged]:
    """Merge ``(text, table number)`` pairs of ONE territory and kind: identical or
    near-identical texts become one line that knows at how many tables it was raised."""
    merged: list[Merged] = []
    exact: dict[str, Merged] = {}
    for text, table in postits:
        key = normalise(text)
        found = exact.get(key)
        if found is None:
            for candidate in merged:
                if difflib.SequenceMatcher(None, key, candidate.key).ratio() >= MERGE_RATIO:
                    found = candidate
                    break
        if found is None:
            found = Merged(text=text, key=key)
            merged.append(found)
        exact[key] = found
        found.tables.add(table)
        found.count += 1
    return merged


@dataclass
class ThemeLines:
    theme: str
    offers: list[Merged]
    needs: list[Merged]


@dataclass
class TerritorySynthesis:
    territory: object
    themes: list[ThemeLines]


@dataclass
class TransactionLine:
    giver: object  # Territory
    receiver: object
    offer: str
    needs: list[str]
    note: str
    value: int | None
    effort: int | None
    dots: int


@dataclass
class ConditionsView:
    verdict: str
    condition: str
    rebalancing: str
    cards: list[tuple[str, str]]
    checklist: list[tuple[bool, str, str]]


@dataclass
class BasketLine:
    table: int
    a: object  # Territory
    b: object
    transactions: list[TransactionLine]
    balance: object
    gauge: str
    dots: int
    conditions: ConditionsView | None


@dataclass
class TableBaskets:
    number: int
    baskets: list[BasketLine]


@dataclass
class FeedbackQuestion:
    question: str
    answers: list[str]


@dataclass
class Report:
    workshop: Workshop
    organiser: str
    territories: list
    tables: list
    phases: list
    synthesis: list[TerritorySynthesis]
    negotiation: list[TableBaskets]
    feedback: list[FeedbackQuestion]
    dots: list[tuple[BasketLine, int]]


def _synthesis(snap: Snapshot) -> list[TerritorySynthesis]:
    by_place: dict[tuple[int, str, str], list[tuple[str, int]]] = {}
    for p in snap.postits:
        s = snap.subgroups[p.subgroup_id]
        by_place.setdefault((s.territory_id, p.theme, p.kind), []).append((p.text, s.table.number))
    order = {t: n for n, t in enumerate(snap.workshop.themes or [])}
    out = []
    for territory in snap.territories:
        themes = sorted(
            {theme for (tid, theme, _k) in by_place if tid == territory.pk},
            key=lambda t: (t == "", order.get(t, len(order)), t),
        )
        lines = [
            ThemeLines(
                theme=theme,
                offers=merge(by_place.get((territory.pk, theme, "offer"), [])),
                needs=merge(by_place.get((territory.pk, theme, "need"), [])),
            )
            for theme in themes
        ]
        out.append(TerritorySynthesis(territory, lines))
    return out


def _negotiation(snap: Snapshot) -> tuple[list[TableBaskets], list[tuple[BasketLine, int]]]:
    postits = {p.pk: p for p in snap.postits}
    needs_of: dict[int, list[int]] = {}
    for p in snap.postits:
        if p.kind == "need":
            needs_of.setdefault(p.subgroup_id, []).append(p.pk)
    by_basket: dict[int, list] = {}
    for t in snap.transactions:
        by_basket.setdefault(t.basket_id, []).append(t)
    dots = Counter((d.basket_id, d.transaction_id) for d in snap.dots)
    conditions = {c.basket_id: c for c in snap.conditions}
    items = {i.pk: i.title for i in snap.condition_items}
    cards = {c.pk: c.label for c in snap.alliance_choices}
    card_titles = {
        "purpose": _("Purpose"),
        "carrier": _("Carrier"),
        "horizon": _("Time horizon"),
        "intensity": _("Intensity"),
    }
    tables: dict[int, TableBaskets] = {}
    ranked = []
    for basket in snap.baskets:
        a, b = snap.subgroups[basket.side_a_id], snap.subgroups[basket.side_b_id]
        moves, lines = [], []
        for t in by_basket.get(basket.pk, []):
            giver, receiver = (a, b) if t.giver_id == a.pk else (b, a)
            need_ids = snap.needs.get(t.pk, [])
            moves.append(
                Move(
                    giver="a" if giver is a else "b",
                    value=t.value,
                    effort=t.effort,
                    needs=frozenset(need_ids),
                    offer=t.offer_id,
                )
            )
            lines.append(
                TransactionLine(
                    giver=giver.territory,
                    receiver=receiver.territory,
                    offer=postits[t.offer_id].text,
                    needs=[postits[n].text for n in need_ids if n in postits],
                    note=t.note,
                    value=t.value,
                    effort=t.effort,
                    dots=dots[(None, t.pk)],
                )
            )
        balance = basket_balance(
            moves,
            needs_a=needs_of.get(a.pk, []),
            needs_b=needs_of.get(b.pk, []),
            tolerance=snap.workshop.balance_tolerance,
        )
        c = conditions.get(basket.pk)
        view = None
        if c is not None:
            view = ConditionsView(
                verdict=c.get_verdict_display(),
                condition=c.condition,
                rebalancing=c.rebalancing,
                cards=[
                    (title, cards[getattr(c, f"{f}_id")])
                    for f, title in card_titles.items()
                    if getattr(c, f"{f}_id") in cards
                ],
                checklist=[
                    (ans.checked, items.get(ans.item_id, ""), ans.text)
                    for ans in snap.answers.get(c.pk, [])
                ],
            )
        total_dots = dots[(basket.pk, None)] + sum(line.dots for line in lines)
        line = BasketLine(
            table=a.table.number,
            a=a.territory,
            b=b.territory,
            transactions=lines,
            balance=balance,
            gauge=str(GAUGES.get(balance.gauge, balance.gauge)),
            dots=total_dots,
            conditions=view,
        )
        tables.setdefault(line.table, TableBaskets(line.table, [])).baskets.append(line)
        if total_dots:
            ranked.append((line, total_dots))
    ranked.sort(key=lambda pair: -pair[1])
    return list(tables.values()), ranked


def _feedback(snap: Snapshot) -> list[FeedbackQuestion]:
    """Only what the facilitator put on the wall: the rest stays between the phones and
    the moderation screen."""
    questions = list(snap.plenary.questions) if snap.plenary else []
    out = [FeedbackQuestion(q, []) for q in questions]
    for answer in snap.feedback:
        if answer.shown and answer.question < len(out):
            out[answer.question].answers.append(answer.text)
    return [q for q in out if q.answers]


def report(workshop: Workshop) -> Report:
    snap = snapshot(workshop)
    user = workshop.created_by
    organiser = (user.get_full_name() or user.get_username()) if user else ""
    negotiation, ranked = _negotiation(snap)
    return Report(
        workshop=workshop,
        organiser=organiser,
        territories=snap.territories,
        tables=snap.tables,
        phases=snap.phases,
        synthesis=_synthesis(snap),
        negotiation=negotiation,
        feedback=_feedback(snap),
        dots=ranked,
    )
