"""The organiser's report: every section's data for one workshop, read from the snapshot
(a fixed number of queries, whatever the workshop's size) and shaped for the templates
shared by the HTML preview and the PDF."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from baskets.balance import gauge_label
from restitution import defaults
from restitution.models import ActionStatus, Section
from restitution.snapshot import Snapshot, balances, snapshot
from restitution.synthesis import TerritorySynthesis, synthesis_of
from workshops.models import Workshop


@dataclass
class TransactionLine:
    pk: int
    giver: object  # Territory
    receiver: object
    offer: str
    needs: list[str]
    note: str
    value: int | None
    effort: int | None
    dots: int
    theme: str = ""


@dataclass
class ConditionsView:
    verdict: str
    condition: str
    rebalancing: str
    cards: list[tuple[str, str]]
    checklist: list[tuple[bool, str, str]]


@dataclass
class BasketLine:
    pk: int
    table: int
    a: object  # Territory
    b: object
    transactions: list[TransactionLine]
    balance: object
    gauge: str
    dots: int
    conditions: ConditionsView | None
    featured: bool = True
    synthesis: defaults.Text | None = None


@dataclass
class TableBaskets:
    number: int
    baskets: list[BasketLine]


@dataclass
class FeedbackQuestion:
    question: str
    answers: list[str]


@dataclass
class Action:
    """A transaction of a featured basket as a candidate action of a contract."""

    pk: int  # the transaction's
    table: int
    offer: str
    custom_title: str
    carriers: tuple  # (giver, receiver) territories
    theme: str
    needs: list[str]
    status: str
    status_label: str
    included: bool

    @property
    def title(self) -> str:
        return self.custom_title or self.offer


@dataclass
class ActionGroup:
    status: str
    label: str
    actions: list[Action]


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
    texts: dict[str, defaults.Text] = field(default_factory=dict)  # by section
    left_out: list[BasketLine] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)  # included or not, table order

    @property
    def dots_left_out(self) -> int:
        """Dots placed on the baskets (and their transactions) left out of the report."""
        return sum(b.dots for b in self.left_out)

    @property
    def baskets_left_out_with_dots(self) -> int:
        return sum(1 for b in self.left_out if b.dots)

    @property
    def dots_placed(self) -> int:
        """Every dot the room placed, on featured baskets or not."""
        return sum(count for _basket, count in self.dots) + self.dots_left_out

    @property
    def action_groups(self) -> list[ActionGroup]:
        """The included actions by status, in the contract's order; empty groups out."""
        groups = [ActionGroup(value, label, []) for value, label in ActionStatus.choices]
        by_status = {g.status: g for g in groups}
        for action in self.actions:
            if action.included:
                by_status[action.status].actions.append(action)
        return [g for g in groups if g.actions]


def _short(territory) -> str:
    return territory.label


def _negotiation(snap: Snapshot) -> tuple[list[TableBaskets], list, list[BasketLine]]:
    postits = {p.pk: p for p in snap.postits}
    weighed = balances(snap)
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
    ranked, left_out = [], []
    for basket in snap.baskets:
        a, b = snap.subgroups[basket.side_a_id], snap.subgroups[basket.side_b_id]
        lines = []
        for t in by_basket.get(basket.pk, []):
            giver, receiver = (a, b) if t.giver_id == a.pk else (b, a)
            need_ids = snap.needs.get(t.pk, [])
            lines.append(
                TransactionLine(
                    pk=t.pk,
                    giver=giver.territory,
                    receiver=receiver.territory,
                    offer=postits[t.offer_id].text,
                    needs=[postits[n].text for n in need_ids if n in postits],
                    note=t.note,
                    value=t.value,
                    effort=t.effort,
                    dots=dots[(None, t.pk)],
                    theme=postits[t.offer_id].theme,
                )
            )
        balance = weighed[basket.pk]
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
        choice = snap.basket_choices.get(basket.pk)
        featured = lines != [] if choice is None or choice.featured is None else choice.featured
        line = BasketLine(
            pk=basket.pk,
            table=a.table.number,
            a=a.territory,
            b=b.territory,
            transactions=lines,
            balance=balance,
            gauge=gauge_label(balance.gauge, _short(a.territory), _short(b.territory)),
            dots=total_dots,
            conditions=view,
            featured=featured,
            synthesis=defaults.Text(
                Section.CONDITIONS,
                defaults.basket_synthesis(c),
                choice.synthesis if choice else "",
                basket=basket.pk,
            ),
        )
        if not featured:
            left_out.append(line)
            continue
        tables.setdefault(line.table, TableBaskets(line.table, [])).baskets.append(line)
        if total_dots:
            ranked.append((line, total_dots))
    ranked.sort(key=lambda pair: -pair[1])
    return list(tables.values()), ranked, left_out


def _actions(snap: Snapshot, negotiation: list[TableBaskets]) -> list[Action]:
    labels = dict(ActionStatus.choices)
    out = []
    for table in negotiation:
        for basket in table.baskets:
            for t in basket.transactions:
                choice = snap.action_choices.get(t.pk)
                status = choice.status if choice else ActionStatus.REFLECTION
                out.append(
                    Action(
                        pk=t.pk,
                        table=basket.table,
                        offer=t.offer,
                        custom_title=choice.title if choice else "",
                        carriers=(t.giver, t.receiver),
                        theme=t.theme,
                        needs=t.needs,
                        status=status,
                        status_label=str(labels.get(status, status)),
                        included=choice.included if choice else True,
                    )
                )
    return out


def candidate_actions(snap: Snapshot) -> list[Action]:
    """The draft action list alone (the exports' sheet), without the rest of the report."""
    return _actions(snap, _negotiation(snap)[0])


def _texts(snap: Snapshot, report: "Report") -> None:
    """Lays the organiser's texts over the generated defaults, in place."""
    custom = {(t.section, t.territory_id): t.text for t in snap.texts}
    report.texts = {
        section: defaults.Text(
            section, defaults.section(section, report), custom.get((section, None), "")
        )
        for section in Section.values
    }
    for block in report.synthesis:
        pk = block.territory.pk
        block.text = defaults.Text(
            Section.SYNTHESIS,
            defaults.territory(block),
            custom.get((Section.SYNTHESIS, pk), ""),
            territory=pk,
        )


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
    negotiation, ranked, left_out = _negotiation(snap)
    out = Report(
        workshop=workshop,
        organiser=organiser,
        territories=snap.territories,
        tables=snap.tables,
        phases=snap.phases,
        synthesis=synthesis_of(snap),
        negotiation=negotiation,
        feedback=_feedback(snap),
        dots=ranked,
        left_out=left_out,
        actions=_actions(snap, negotiation),
    )
    _texts(snap, out)
    return out
