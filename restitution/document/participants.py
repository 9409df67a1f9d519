"""The participants, by first name and sub-group: feedback and dots belong to one, and
post-its show their author on the console (docs/restitution.md says why they are kept)."""

from restitution.document.limits import MAX_PARTICIPANTS
from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import rows
from restitution.snapshot import Snapshot
from workshops.models import Participant

PARTICIPANT_FIELDS = ("id", "subgroup", "first_name")


def dump_participants(snap: Snapshot, ids: Ids) -> list[dict]:
    return [
        written(p, PARTICIPANT_FIELDS, id=ids.participant, subgroup=ids.subgroup)
        for p in snap.participants
    ]


def load_participants(value, draft: Draft) -> None:
    for row in rows(value, "participants", PARTICIPANT_FIELDS, MAX_PARTICIPANTS):
        participant_id = row.id(draft.participants)
        participant = Participant(
            workshop=draft.workshop, subgroup=row.ref("subgroup", draft.subgroups)
        )
        draft.participants[participant_id] = draft.add(row.into(participant, "first_name"))


PARTICIPANTS = Part("participants", dump_participants, load_participants)
