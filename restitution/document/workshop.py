"""The workshop's own fields, and its phases."""

from restitution.document.parts import Draft, Ids, Part
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
    return {
        "title": w.title,
        "event": w.event,
        "date": w.date.isoformat() if w.date else None,
        "place": w.place,
        "themes": list(w.themes),
        "grace_seconds": w.grace_seconds,
        "balance_tolerance": w.balance_tolerance,
    }


def load_workshop(value, draft: Draft) -> None:
    row = Row(value, "workshop", WORKSHOP_FIELDS)
    workshop = row.into(Workshop(), "title", "event", "date", "place")
    # The set-up page's limits (workshops/services.py).
    workshop.themes = row.texts("themes", MAX_THEMES, MAX_THEME_LENGTH)
    draft.workshop = row.into(workshop, "grace_seconds", "balance_tolerance")


def dump_phases(snap: Snapshot, ids: Ids) -> list[dict]:
    return [
        {
            "kind": p.kind,
            "name": p.name,
            "instructions": p.instructions,
            "duration_minutes": p.duration_minutes,
        }
        for p in snap.phases
    ]


def load_phases(value, draft: Draft) -> None:
    for n, row in enumerate(rows(value, "phases", PHASE_FIELDS, MAX_PHASES)):
        draft.add(row.into(Phase(workshop=draft.workshop, position=n), *PHASE_FIELDS))


WORKSHOP = Part("workshop", dump_workshop, load_workshop)
PHASES = Part("phases", dump_phases, load_phases)
