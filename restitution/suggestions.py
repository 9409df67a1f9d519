"""The report's list, per table, of the needs left unanswered, beside which of them no offer
at the table seemed to answer (baskets/suggestions.py's matcher): a need no basket took
although an offer was there is a cooperation to resume; one with no offer at all asks for
another partner."""

from dataclasses import dataclass

from baskets import suggestions
from workshops.models import Workshop


@dataclass(frozen=True)
class UnansweredNeed:
    text: str
    territory: str
    no_offer_fits: bool  # no offer at the table seemed to answer it


@dataclass(frozen=True)
class TableUnanswered:
    number: int
    needs: list[UnansweredNeed]


def unanswered_needs(workshop: Workshop) -> list[TableUnanswered]:
    """Tables with at least one need no transaction answers: three queries."""
    found = []
    for table in suggestions.for_workshop(workshop):
        without_offer = {need.pk for need in table.unanswered_needs()}
        answered = table.needs_in_baskets
        needs = [
            UnansweredNeed(
                postit.text,
                postit.subgroup.territory.label,
                postit.pk in without_offer,
            )
            for postit in table.postits.values()
            if postit.kind == "need" and postit.pk not in answered
        ]
        if needs:
            found.append(TableUnanswered(table.table.number, needs))
    return found
