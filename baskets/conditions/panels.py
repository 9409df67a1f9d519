"""What conditions add to the room's screens: to the baskets' phone panel
(``baskets/panels.py``), and the projector's view of every basket's verdict and conditions
(workshops/projector.py: "conditions" every table, "conditions:N" table N; key C; shown by
itself while following the workshop in the conditions phase), registered with the baskets'
(``baskets/panels.py``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baskets import access
from baskets.conditions import selectors
from workshops import gate, projector
from workshops.gate import Action
from workshops.models import Participant, Workshop

CONDITIONS = "conditions"


def shows_conditions(workshop: Workshop) -> bool:
    """From the conditions phase on: to fill them in, then to read them."""
    if gate.in_phase_of(workshop, Action.BASKETS):
        return False  # while bargaining, only the baskets (and no query to say so)
    return gate.phase_reached(workshop, Action.CONDITIONS)


def conditions_editable(workshop: Workshop) -> bool:
    """The phase is the conditions' (the phone's clock closes them on time)."""
    return gate.is_open(workshop, Action.CONDITIONS)


def phone_context(*, participant: Participant, workshop: Workshop, views) -> dict:
    """Every basket of the table with its conditions, ours first and editable."""
    if not shows_conditions(workshop):
        return {}
    found = selectors.conditions_by_basket(workshop, [view.basket for view in views])
    return {
        "conditions_rows": [
            (view, found[view.basket.pk], access.can_edit(participant, view.basket))
            for view in views
        ],
        "conditions_editable": conditions_editable(workshop),
    }


def _tables_shown(workshop: Workshop) -> list[int]:
    """The table numbers, if the workshop has a conditions phase (else none): asked by every
    projector page (the keys) and the console, in one query a request."""
    if not hasattr(workshop, "_condition_tables"):
        workshop._condition_tables = list(
            workshop.tables.filter(workshop__phases__kind__in=gate.kinds_opening(Action.CONDITIONS))
            .order_by("number")
            .values_list("number", flat=True)
            .distinct()
        )
    return workshop._condition_tables


def _check_phase(workshop: Workshop, view: projector.View) -> None:
    if not gate.has_phase_for(workshop, Action.CONDITIONS):
        raise ValidationError(_("This workshop has no conditions phase."))


def screen_choices(workshop: Workshop) -> list[tuple[projector.View, str, str]]:
    numbers = _tables_shown(workshop)
    if not numbers:
        return []
    return projector.table_choices(
        CONDITIONS,
        numbers,
        every=_("Conditions of every table"),
        one=_("Conditions %(number)s"),
        title=_("Verdicts and conditions of table %(number)s"),
    )


# Registered with the baskets' views (baskets/panels.py).
CONDITIONS_VIEW = projector.table_kind(
    CONDITIONS,
    check=_check_phase,
    pages=("baskets_screens:conditions_tables", "baskets_screens:conditions_table"),
    choices=screen_choices,
    key="c",
    key_help=gettext_lazy("Verdicts and conditions: every table, then table by table"),
    follows=Action.CONDITIONS,
)
