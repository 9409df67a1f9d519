"""The generated default of every text the organiser may rewrite in the editor: short
sentences drawn from the workshop's own figures, in the active language. Pure functions
of the report's data: no query. ``Text`` is such a text with the organiser's laid over it."""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from restitution.models import Section


@dataclass
class Text:
    """An organiser's text laid over its generated default: ``custom`` empty means the
    default is shown (and follows the workshop's data when it changes)."""

    section: str
    default: str
    custom: str = ""
    territory: int | None = None  # phase 1's text of one territory
    basket: int | None = None  # phase 3's synthesis of one basket

    @property
    def text(self) -> str:
        return self.custom or self.default

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.text) if p.strip()]

    @property
    def anchor(self) -> str:
        if self.basket is not None:
            return f"basket-{self.basket}"
        if self.territory is not None:
            return f"{self.section}-{self.territory}"
        return self.section


def _synthesis(report) -> str:
    offers = needs = 0
    for block in report.synthesis:
        for theme in block.themes:
            offers += sum(line.count for line in theme.offers)
            needs += sum(line.count for line in theme.needs)
    if not offers + needs:
        return ""
    return _("%(offers)s and %(needs)s were written by %(territories)s at %(tables)s.") % {
        "offers": ngettext("%(n)s offer", "%(n)s offers", offers) % {"n": offers},
        "needs": ngettext("%(n)s need", "%(n)s needs", needs) % {"n": needs},
        "territories": ngettext("%(n)s territory", "%(n)s territories", len(report.territories))
        % {"n": len(report.territories)},
        "tables": ngettext("%(n)s table", "%(n)s tables", len(report.tables))
        % {"n": len(report.tables)},
    }


def territory(block) -> str:
    """Phase 1's default for one territory: its counts and its busiest theme."""
    offers = sum(line.count for theme in block.themes for line in theme.offers)
    needs = sum(line.count for theme in block.themes for line in theme.needs)
    if not offers + needs:
        return ""
    text = _("%(name)s: %(offers)s and %(needs)s.") % {
        "name": block.territory.name,
        "offers": ngettext("%(n)s offer", "%(n)s offers", offers) % {"n": offers},
        "needs": ngettext("%(n)s need", "%(n)s needs", needs) % {"n": needs},
    }
    busiest = max(
        (t for t in block.themes if t.theme),
        key=lambda t: sum(line.count for line in t.offers + t.needs),
        default=None,
    )
    if busiest is not None:
        text += " " + _("Most written about: %(theme)s.") % {"theme": busiest.theme}
    return text


def _baskets(report) -> str:
    baskets = [b for table in report.negotiation for b in table.baskets]
    if not baskets:
        return ""
    transactions = sum(len(b.transactions) for b in baskets)
    balanced = sum(1 for b in baskets if b.balance.gauge == "balanced")
    return _("%(baskets)s with %(transactions)s; %(balanced)s by their gauge.") % {
        "baskets": ngettext("%(n)s basket is featured", "%(n)s baskets are featured", len(baskets))
        % {"n": len(baskets)},
        "transactions": ngettext("%(n)s transaction", "%(n)s transactions", transactions)
        % {"n": transactions},
        "balanced": ngettext("%(n)s is balanced", "%(n)s are balanced", balanced) % {"n": balanced},
    }


def _conditions(report) -> str:
    verdicts = Counter(
        b.conditions.verdict
        for table in report.negotiation
        for b in table.baskets
        if b.conditions and b.conditions.verdict
    )
    if not verdicts:
        return ""
    parts = [f"{label}: {n}" for label, n in verdicts.most_common()]
    return _("Verdicts of the baskets: %(verdicts)s.") % {"verdicts": ", ".join(parts)}


def _plenary(report) -> str:
    answers = sum(len(q.answers) for q in report.feedback)
    dots = report.dots_placed  # featured baskets or not: what the room did
    # Each part agrees with its own count ("1 gommette posée", "9 gommettes posées"), and
    # a part with nothing to count is left out.
    parts = []
    if answers:
        parts.append(
            ngettext("%(n)s answer shown on the wall", "%(n)s answers shown on the wall", answers)
            % {"n": answers}
        )
    if dots:
        parts.append(
            ngettext(
                "%(n)s sticky dot placed on the baskets",
                "%(n)s sticky dots placed on the baskets",
                dots,
            )
            % {"n": dots}
        )
    if len(parts) == 2:
        return _("%(first)s; %(second)s.") % {"first": parts[0], "second": parts[1]}
    return _("%(only)s.") % {"only": parts[0]} if parts else ""


def section(name: str, report) -> str:
    if name == Section.PRESENTATION:
        return _(
            "This report gives an overview of the workshop, not an exhaustive account: "
            "it gathers what the tables wrote, negotiated and said."
        )
    if name == Section.SYNTHESIS:
        return _synthesis(report)
    if name == Section.BASKETS:
        return _baskets(report)
    if name == Section.CONDITIONS:
        return _conditions(report)
    if name == Section.PLENARY:
        return _plenary(report)
    if name == Section.ACTIONS:
        return _(
            "Each transaction of a featured basket is a candidate action for a reciprocity "
            "contract, carried by its two territories (the giver first). The statuses are "
            "a first proposal, to be discussed with the territories."
        )
    return _(
        "The baskets are the raw material of a reciprocity contract: the actions above can "
        "be taken up by the territories and followed by a monitoring committee."
    )


def basket_synthesis(conditions) -> str:
    """Phase 3's default for one basket: nothing. Its verdict and conditions are printed
    just above it; repeating them for every basket only lengthened the report (about 25
    pages for 150 baskets). The organiser's own synthesis, when written, is shown."""
    return ""
