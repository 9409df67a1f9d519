"""What the projector shows, switched from the console or the projector's keyboard.

The choice lives on the workshop (``projector_view``), so that a projector reloaded or
reconnected shows it again: "" follows the workshop by itself (the join screen until
phase 1, then every table), "all" every table, "join" the join screen, "table:N" table
number N, "sheet:PK" the sheet of territory PK. Every change bumps
``projector_view_version`` and, once committed, tells the projectors (``screens_group``),
which load their page again if the version they show is older.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from workshops.broadcast import after_commit, broadcast_projector_view
from workshops.models import Workshop

FOLLOW, ALL, JOIN, TABLE, SHEET = "follow", "all", "join", "table", "sheet"


@dataclass(frozen=True)
class View:
    kind: str  # FOLLOW, ALL, JOIN, TABLE or SHEET
    number: int | None = None  # the table's number, or the territory's pk

    @property
    def value(self) -> str:
        """As stored on the workshop, and sent by the console's buttons."""
        if self.kind == FOLLOW:
            return ""
        return f"{self.kind}:{self.number}" if self.number is not None else self.kind


def parse(value: str) -> View | None:
    """The view a stored or posted value names, or None if it names none."""
    value = (value or "").strip()
    if value in ("", FOLLOW):
        return View(FOLLOW)
    if value in (ALL, JOIN):
        return View(value)
    kind, _sep, number = value.partition(":")
    if kind in (TABLE, SHEET) and number.isdecimal() and len(number) <= 9:
        return View(kind, int(number))
    return None


def current(workshop: Workshop) -> View:
    """The stored choice; one that no longer names a table or territory follows the workshop."""
    return parse(workshop.projector_view) or View(FOLLOW)


def check(workshop: Workshop, view: View) -> None:
    if view.kind == TABLE and not workshop.tables.filter(number=view.number).exists():
        raise ValidationError(_("This workshop has no table %(number)s.") % {"number": view.number})
    if view.kind == SHEET and not workshop.territories.filter(pk=view.number).exists():
        raise ValidationError(_("This territory does not play in this workshop."))


@transaction.atomic
def set_view(*, workshop: Workshop, value: str) -> Workshop:
    """Store what the projector shows and tell the projectors, once committed."""
    view = parse(value)
    if view is None:
        raise ValidationError(_("The projector cannot show that."))
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    check(locked, view)
    locked.projector_view = view.value
    locked.projector_view_version += 1
    locked.save(update_fields=["projector_view", "projector_view_version"])
    after_commit(broadcast_projector_view, locked.pk)
    workshop.projector_view = locked.projector_view
    workshop.projector_view_version = locked.projector_view_version
    return workshop
