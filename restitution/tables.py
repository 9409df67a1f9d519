"""The open exports as tables: one per kind of row, written as CSV files or as the sheets
of one XLSX workbook. Headers are translated (the active language: French by default).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return, OWASP's list) as a formula: ``neutralise`` puts a quote in front of such
text, in CSV and XLSX alike, so that a post-it reading ``=HYPERLINK(…)`` stays text. It is the
last thing done to a cell: it first drops the control characters XML cannot hold (openpyxl
would drop them after us, and ``"\x01=1+1"`` would become a formula again).
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from baskets.balance import gauge_label
from restitution.models import ActionStatus
from restitution.report import candidate_actions
from restitution.snapshot import Snapshot, balances

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# What XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): tab, LF and CR stay.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value):
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass
class Sheet:
    kind: str  # the file's name, and the key of KINDS
    title: str
    headers: list[str]
    rows: list[list]


def _territory(s) -> str:
    return s.territory.label


def _postits(snap: Snapshot) -> Sheet:
    authors = {p.pk: p.first_name for p in snap.participants}
    kinds = {"offer": _("Offer"), "need": _("Need")}
    return Sheet(
        "postits",
        pgettext("sheet", "Post-its"),
        [_("Table"), _("Territory"), _("Kind"), _("Theme"), _("Text"), _("Author")],
        [
            [
                (s := snap.subgroups[p.subgroup_id]).table.number,
                _territory(s),
                kinds.get(p.kind, p.kind),
                p.theme,
                p.text,
                authors.get(p.author_id, ""),
            ]
            for p in snap.postits
        ],
    )


def _basket_headers() -> list[str]:
    """The headers of ``_basket_labels``' three cells, first in each sheet of baskets."""
    return [_("Table"), _("Territory A"), _("Territory B")]


def _basket_labels(snap: Snapshot) -> dict[int, tuple]:
    """Each basket's three first cells, by its key: its table, its two sides."""
    labels = {}
    for basket in snap.baskets:
        a, b = snap.subgroups[basket.side_a_id], snap.subgroups[basket.side_b_id]
        labels[basket.pk] = (a.table.number, _territory(a), _territory(b))
    return labels


def _baskets(snap: Snapshot) -> Sheet:
    weighed = balances(snap)
    labels = _basket_labels(snap)
    verdicts = {c.basket_id: c.get_verdict_display() for c in snap.conditions}
    rows = []
    for basket in snap.baskets:
        balance = weighed[basket.pk]
        table, side_a, side_b = labels[basket.pk]
        rows.append(
            [
                table,
                side_a,
                side_b,
                balance.transactions,
                balance.a.gain,
                balance.b.gain,
                gauge_label(balance.gauge, side_a, side_b),
                verdicts.get(basket.pk, ""),
            ]
        )
    return Sheet(
        "baskets",
        pgettext("sheet", "Baskets"),
        [
            *_basket_headers(),
            _("Transactions"),
            _("Gain of A"),
            _("Gain of B"),
            _("Gauge"),
            _("Verdict"),
        ],
        rows,
    )


def _transactions(snap: Snapshot) -> Sheet:
    postits = {p.pk: p for p in snap.postits}
    baskets = {b.pk: b for b in snap.baskets}
    rows = []
    for t in snap.transactions:
        basket = baskets[t.basket_id]
        receiver = basket.side_b_id if t.giver_id == basket.side_a_id else basket.side_a_id
        rows.append(
            [
                snap.subgroups[t.giver_id].table.number,
                _territory(snap.subgroups[t.giver_id]),
                _territory(snap.subgroups[receiver]),
                postits[t.offer_id].text,
                " / ".join(postits[n].text for n in snap.needs.get(t.pk, [])),
                t.note,
                t.value,
                t.effort,
            ]
        )
    return Sheet(
        "transactions",
        pgettext("sheet", "Transactions"),
        [
            _("Table"),
            _("Giver"),
            _("Receiver"),
            _("Offer"),
            _("Needs answered"),
            _("Terms or counterpart"),
            _("Value for the receiver"),
            _("Effort for the giver"),
        ],
        rows,
    )


def _conditions(snap: Snapshot) -> Sheet:
    labels = _basket_labels(snap)
    items = {i.pk: i.title for i in snap.condition_items}
    cards = {c.pk: c.label for c in snap.alliance_choices}
    rows = []
    order = {b.pk: n for n, b in enumerate(snap.baskets)}
    for c in sorted(snap.conditions, key=lambda c: order[c.basket_id]):
        checklist = "; ".join(
            ("✓ " if a.checked else "✗ ") + items[a.item_id] + (f" — {a.text}" if a.text else "")
            for a in snap.answers.get(c.pk, [])
        )
        rows.append(
            [
                *labels[c.basket_id],
                c.get_verdict_display(),
                c.condition,
                c.rebalancing,
                *(
                    cards.get(getattr(c, f"{f}_id"), "")
                    for f in ("purpose", "carrier", "horizon", "intensity")
                ),
                checklist,
            ]
        )
    return Sheet(
        "conditions",
        pgettext("sheet", "Conditions"),
        [
            *_basket_headers(),
            _("Verdict"),
            _("On condition that"),
            _("Rebalancing"),
            _("Purpose"),
            _("Carrier"),
            _("Time horizon"),
            _("Intensity"),
            _("Checklist"),
        ],
        rows,
    )


def _feedback(snap: Snapshot) -> Sheet:
    questions = list(snap.plenary.questions) if snap.plenary else []
    return Sheet(
        "feedback",
        pgettext("sheet", "Feedback"),
        [_("Question"), _("Answer"), _("Shown on the wall")],
        [
            [
                questions[a.question] if a.question < len(questions) else a.question + 1,
                a.text,
                _("yes") if a.shown else _("no"),
            ]
            for a in snap.feedback
        ],
    )


def _dots(snap: Snapshot) -> Sheet:
    """Dots counted per item: who put them stays private, as on the projector."""
    counts = Counter((d.basket_id, d.transaction_id) for d in snap.dots)
    postits = {p.pk: p.text for p in snap.postits}
    labels = _basket_labels(snap)
    rows = []
    for basket in snap.baskets:
        if counts[(basket.pk, None)]:
            rows.append([*labels[basket.pk], _("The whole basket"), counts[(basket.pk, None)]])
    for t in snap.transactions:
        if counts[(None, t.pk)]:
            rows.append([*labels[t.basket_id], postits[t.offer_id], counts[(None, t.pk)]])
    return Sheet(
        "dots",
        pgettext("sheet", "Dots"),
        [*_basket_headers(), _("Item"), _("Dots")],
        rows,
    )


def _actions(snap: Snapshot) -> Sheet:
    """The draft action list: the transactions of the featured baskets, with the
    organiser's statuses and titles, in the contract's order of statuses."""
    order = {status: n for n, status in enumerate(ActionStatus.values)}
    actions = sorted(candidate_actions(snap), key=lambda a: order.get(a.status, len(order)))
    return Sheet(
        "actions",
        pgettext("sheet", "Actions"),
        [
            _("Status"),
            _("Action"),
            _("Table"),
            _("Giver"),
            _("Receiver"),
            _("Theme"),
            _("Needs answered"),
            _("Offer"),
            _("In the list"),
        ],
        [
            [
                a.status_label,
                a.title,
                a.table,
                a.carriers[0].label,
                a.carriers[1].label,
                a.theme,
                " / ".join(a.needs),
                a.offer,
                _("yes") if a.included else _("no"),
            ]
            for a in actions
        ],
    )


KINDS: dict[str, Callable[[Snapshot], Sheet]] = {
    "postits": _postits,
    "baskets": _baskets,
    "transactions": _transactions,
    "conditions": _conditions,
    "feedback": _feedback,
    "dots": _dots,
    "actions": _actions,
}


def sheet(snap: Snapshot, kind: str) -> Sheet:
    return KINDS[kind](snap)


def to_csv(table: Sheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def to_xlsx(snap: Snapshot) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for kind in KINDS:
        table = sheet(snap, kind)
        ws = book.create_sheet(title=table.title[:31])
        ws.append(table.headers)
        for row in table.rows:
            ws.append([neutralise(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
