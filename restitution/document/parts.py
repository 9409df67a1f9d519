"""What a part of the document is (``Part``), and what the parts share while a document is
written (``Ids``, the document's ids of the rows; ``written``, a row as the document writes
it) or read (``Draft``, the unsaved rows an import will write)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import models

from restitution.snapshot import Snapshot
from workshops.models import Workshop


def _numbered(rows) -> dict[int, int]:
    return {row.pk: n for n, row in enumerate(rows, start=1)}


@dataclass
class Ids:
    """The document's own ids, 1, 2, 3… in each list's order, by database key: the keys
    never appear in a document, so that export → import → export gives the same one."""

    territory: dict[int, int]
    subgroup: dict[int, int]
    participant: dict[int, int]
    postit: dict[int, int]
    basket: dict[int, int]
    transaction: dict[int, int]
    item: dict[int, int]
    card: dict[int, int]

    @classmethod
    def of(cls, snap: Snapshot) -> "Ids":
        return cls(
            territory=_numbered(snap.territories),
            subgroup=_numbered(snap.subgroups.values()),
            participant=_numbered(snap.participants),
            postit=_numbered(snap.postits),
            basket=_numbered(snap.baskets),
            transaction=_numbered(snap.transactions),
            item=_numbered(snap.condition_items),
            card=_numbered(snap.alliance_choices),
        )


def written(row: models.Model, fields: tuple[str, ...], **refs: dict[int, int]) -> dict:
    """``row`` as the document writes it, its ``fields`` in the format's order: the mirror
    of ``Row.into``. A field is the row's own value, unless ``refs`` names it: then it is
    the document id (``Ids``) of the row it refers to (``id``: the row's own), null for none.
    """
    return {key: _written(row, key, refs) for key in fields}


def _written(row: models.Model, key: str, refs: dict[str, dict[int, int]]):
    if key not in refs:
        return getattr(row, key)
    pk = row.pk if key == "id" else getattr(row, f"{key}_id")
    return None if pk is None else refs[key][pk]


@dataclass
class Draft:
    """The new workshop as unsaved rows, each already checked by its model, found by their
    document ids while the later parts refer to them. Nothing is written until the whole
    document is read; ``restitution/importer.py`` then inserts ``rows`` model by model."""

    workshop: Workshop | None = None
    # By document id: the library's territory of that name, or a new one (in ``new_territories``).
    territories: dict[int, models.Model] = field(default_factory=dict)
    new_territories: list[models.Model] = field(default_factory=list)
    subgroups: dict[int, models.Model] = field(default_factory=dict)
    items: dict[int, models.Model] = field(default_factory=dict)
    cards: dict[int, models.Model] = field(default_factory=dict)
    participants: dict[int, models.Model] = field(default_factory=dict)
    postits: dict[int, models.Model] = field(default_factory=dict)
    baskets: dict[int, models.Model] = field(default_factory=dict)
    transactions: dict[int, models.Model] = field(default_factory=dict)
    # Every row to insert, by model, in the file's order.
    rows: dict[type[models.Model], list[models.Model]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, row: models.Model) -> models.Model:
        self.rows[type(row)].append(row)
        return row


class Part(NamedTuple):
    """One part of the document: the key it is written under, how it is written from a
    snapshot, and how it is read back into unsaved rows."""

    key: str
    dump: Callable[[Snapshot, Ids], Any]
    load: Callable[[Any, Draft], None]
