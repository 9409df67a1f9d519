"""The workshop's own fields, and its phases."""

from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import Row, rows
from restitution.snapshot import Snapshot
from workshops.models import Phase, Workshop
from workshops.services import MAX_THEME_LENGTH, MAX_THEMES

WORKSHOP_FIELDS = (
    "title",
    "event",
    "date",
    "place",
    "themes",
    "grace_seconds",
    "balance_tolerance",
)
PHASE_FIELDS = ("kind", "name", "instructions", "duration_minutes")
MAX_PHASES = 30


def dump_workshop(snap: Snapshot, ids: Ids) -> dict:
    w = snap.workshop
    # JSON has no dates: the date as the ISO text ``Row.into`` reads back (a key given
    # again keeps its place in the dict).
    return {**written(w, WORKSHOP_FIELDS), "date": w.date.isoformat() if w.date else None}


def load_workshop(value, draft: Draft) -> None:
    row = Row(value, "workshop", WORKSHOP_FIELDS)
    workshop = row.into(Workshop(), "title", "event", "date", "place")
    # The set-up page's limits (workshops/services.py).
    workshop.themes = row.texts("themes", MAX_THEMES, MAX_THEME_LENGTH)
    draft.workshop = row.into(workshop, "grace_seconds", "balance_tolerance")


def dump_phases(snap: Snapshot, ids: Ids) -> list[dict]:
    return [written(p, PHASE_FIELDS) for p in snap.phases]


def load_phases(value, draft: Draft) -> None:
    for n, row in enumerate(rows(value, "phases", PHASE_FIELDS, MAX_PHASES)):
        draft.add(row.into(Phase(workshop=draft.workshop, position=n), *PHASE_FIELDS))


WORKSHOP = Part("workshop", dump_workshop, load_workshop)
PHASES = Part("phases", dump_phases, load_phases)
