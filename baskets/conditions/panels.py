"""What conditions add to the baskets' phone panel (``baskets/panels.py``)."""

from baskets import access
from baskets.conditions import selectors
from workshops.models import Participant, Phase, Workshop


def shows_conditions(workshop: Workshop) -> bool:
    """From the conditions phase on: to fill them in, then to read them."""
    phase = workshop.current_phase
    if phase is None or phase.kind == Phase.Kind.NEGOTIATION:
        return False  # while bargaining, only the baskets (and no query to say so)
    if phase.kind == Phase.Kind.CONDITIONS:
        return True
    return workshop.phases.filter(kind=Phase.Kind.CONDITIONS, position__lte=phase.position).exists()


def conditions_editable(workshop: Workshop) -> bool:
    """The phase is the conditions' (the phone's clock closes them on time)."""
    return (
        workshop.status == Workshop.Status.OPEN
        and workshop.current_phase is not None
        and workshop.current_phase.kind == Phase.Kind.CONDITIONS
    )


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
