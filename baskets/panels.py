"""What baskets adds to the room's screens (workshops/panels.py: ``VIEWS`` and ``PANELS``,
registered from ``apps.py``): on phones, the table's grid and baskets; on the projector,
links to the negotiation and pair views; in the console, each table's baskets. And the
projector's views (workshops/projector.py): every table's baskets or one table's ("baskets",
"baskets:N", key B, shown by itself while following the workshop in the negotiation and
conditions phases) and one pair at every table ("pair:A-B", key P)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baskets import forms, screen_selectors, selectors
from baskets.conditions import panels as condition_panels
from baskets.conditions import selectors as condition_selectors
from workshops import gate, projector
from workshops.gate import Action, closed_reason
from workshops.models import Participant, Workshop

BASKETS, PAIR = "baskets", "pair"


def editable(workshop: Workshop) -> bool:
    """The phase is one where baskets are built (the phone's clock closes them on time)."""
    return gate.is_open(workshop, Action.BASKETS)


def grid_context(participant: Participant, data=None) -> dict:
    workshop = participant.workshop
    board = selectors.table_grid(participant.subgroup.table)
    filters = forms.GridFilterForm(
        data,
        territories=[column.subgroup.territory for column in board.columns],
        themes=workshop.themes,
    )
    return {"grid": selectors.filter_grid(board, **filters.filters()), "filters": filters}


def phone_context(*, participant: Participant, workshop: Workshop, data=None) -> dict | None:
    if not screen_selectors.negotiation_reached(workshop):
        return None
    entry = selectors.table_negotiation(participant.subgroup.table)
    views = selectors.own_first(entry, participant)
    own = [v for v in views if v.basket.side_of(participant.subgroup_id)]
    return {
        "workshop": workshop,
        "participant": participant,
        "us": participant.subgroup_id,  # our baskets marked, for when scripts do not run
        "entry": entry,
        "warning_count": len(entry.unanswered_needs)
        + len(entry.shared_offers)
        + len(entry.one_way_baskets),
        "own": own,
        "others": views[len(own) :],
        "editable": editable(workshop),
        "gate_reason": closed_reason(workshop, Action.BASKETS),
        **grid_context(participant, data),
        **condition_panels.phone_context(participant=participant, workshop=workshop, views=views),
    }


def projector_links(*, workshop, table=None, **objects) -> dict | None:
    """Shown from the start (links only): the projector's page is not drawn again when the
    phase changes, so CSS shows them once the negotiation is on (static/css/paniers.css)."""
    if not screen_selectors.has_baskets(workshop):
        return None
    return {
        "workshop": workshop,
        "table_numbers": list(workshop.tables.values_list("number", flat=True)),
        "focused": table,
        "pairs": screen_selectors.pairs(workshop),
    }


def console_baskets(*, workshop, **objects) -> dict | None:
    if not screen_selectors.negotiation_reached(workshop):
        return None
    tables, minutes = screen_selectors.console_baskets(workshop)
    if condition_panels.shows_conditions(
        workshop
    ):  # each basket's progress: verdict given, N/M conditions
        items = [item for row in tables for item in row.baskets]
        found = condition_selectors.conditions_by_basket(
            workshop, [item.view.basket for item in items]
        )
        for item in items:
            item.conditions = found[item.view.basket.pk]
    return {"workshop": workshop, "tables": tables, "idle_minutes": minutes}


def _check_pair(workshop: Workshop, view: projector.View) -> None:
    pks = {view.number, view.second}
    if len(pks) != 2 or workshop.territories.filter(pk__in=pks).count() != 2:
        raise ValidationError(_("These two territories do not both play in this workshop."))


def _pair_url(workshop: Workshop, view: projector.View) -> str:
    return reverse("baskets_screens:pair", args=[workshop.pk, view.number, view.second])


def baskets_choices(workshop: Workshop) -> list[tuple[projector.View, str, str]]:
    if not gate.has_phase_for(workshop, Action.BASKETS):
        return []
    return projector.table_choices(
        BASKETS,
        workshop.tables.order_by("number").values_list("number", flat=True),
        every=_("Baskets of every table"),
        one=_("Baskets %(number)s"),
        title=_("Baskets of table %(number)s"),
    )


def pair_choices(workshop: Workshop) -> list[tuple[projector.View, str, str]]:
    if not gate.has_phase_for(workshop, Action.BASKETS):
        return []
    return [
        (
            projector.View(PAIR, a.pk, b.pk),
            f"{a.label} ↔ {b.label}",
            _("This pair at every table: %(a)s ↔ %(b)s") % {"a": a.name, "b": b.name},
        )
        for a, b in screen_selectors.pairs(workshop)
    ]


BASKETS_VIEW = projector.table_kind(
    BASKETS,
    pages=("baskets_screens:tables", "baskets_screens:table"),
    choices=baskets_choices,
    key="b",
    key_help=gettext_lazy("Baskets: every table, then table by table"),
    follows=Action.BASKETS,
)
PAIR_VIEW = projector.Kind(
    name=PAIR,
    numbers=(2,),
    check=_check_pair,
    url=_pair_url,
    choices=pair_choices,
    key="p",
    key_help=gettext_lazy("One pair of territories at every table, pair after pair"),
)


# Registered by apps.py (workshops/panels.py): the conditions' view after the baskets'.
VIEWS = (BASKETS_VIEW, PAIR_VIEW, condition_panels.CONDITIONS_VIEW)
PANELS = {"phone": phone_context, "projector": projector_links, "console": console_baskets}
