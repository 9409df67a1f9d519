"""What baskets adds to the facilitator's screens (workshops/panels.py): on the projector,
links to the negotiation and pair views; in the console, each table's baskets."""

from baskets import screen_selectors
from workshops.panels import Panel, register


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
    return {"workshop": workshop, "tables": tables, "idle_minutes": minutes}


def register_panels() -> None:
    register(
        "projector",
        Panel("baskets", "baskets/_projector_panel.html", projector_links),
    )
    register("console", Panel("baskets", "baskets/_console_panel.html", console_baskets))
