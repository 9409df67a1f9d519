"""Live updates: render a changed fragment once, push the HTML to the screens that show it.

Consumers only forward what arrives here (see ``consumers.py``); every group
name comes from the three functions below.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import translation

from workshops import selectors, stats
from workshops.models import SubGroup


def table_group(table_id: int) -> str:
    """The phones of one table."""
    return f"paniers.table.{table_id}"


def screens_group(workshop_id: int) -> str:
    """The projector and console of one workshop."""
    return f"paniers.screens.{workshop_id}"


def workshop_group(workshop_id: int) -> str:
    """Everyone in a workshop: for workshop-wide state only (phase, timer), sent rarely."""
    return f"paniers.workshop.{workshop_id}"


async def _group_send_all(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    for group in groups:
        await layer.group_send(group, message)


def send_fragment(groups: list[str], html: str) -> None:
    """One hop to the event loop for all the groups, from the request's thread."""
    async_to_sync(_group_send_all)(groups, {"type": "fragment.send", "html": html})


def broadcast_cell(subgroup_id: int, kind: str) -> None:
    """Push one grid cell (a sub-group's offers or needs) to its table and the screens."""
    subgroup = SubGroup.objects.select_related("table", "territory").get(pk=subgroup_id)
    # Everyone gets the same HTML, so it is rendered in the workshop's language,
    # not in the language of whoever made the change.
    with translation.override(settings.LANGUAGE_CODE):
        html = selectors.render_cell(subgroup, kind, oob=True)
    send_fragment([table_group(subgroup.table_id), screens_group(subgroup.table.workshop_id)], html)
    stats.count("broadcasts")
