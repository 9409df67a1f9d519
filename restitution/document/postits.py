"""The post-its: offers and needs, each of its sub-group, with its author if known."""

from restitution.document.limits import MAX_POSTITS
from restitution.document.parts import Draft, Ids, Part, written
from restitution.document.reading import rows
from restitution.snapshot import Snapshot
from workshops.models import PostIt

POSTIT_FIELDS = ("id", "subgroup", "author", "kind", "text", "theme")


def dump_postits(snap: Snapshot, ids: Ids) -> list[dict]:
    return [
        written(p, POSTIT_FIELDS, id=ids.postit, subgroup=ids.subgroup, author=ids.participant)
        for p in snap.postits
    ]


def load_postits(value, draft: Draft) -> None:
    for row in rows(value, "postits", POSTIT_FIELDS, MAX_POSTITS):
        postit_id = row.id(draft.postits)
        postit = PostIt(
            subgroup=row.ref("subgroup", draft.subgroups),
            author=row.ref("author", draft.participants, null=True),
        )
        draft.postits[postit_id] = draft.add(row.into(postit, "kind", "text", "theme"))


POSTITS = Part("postits", dump_postits, load_postits)
