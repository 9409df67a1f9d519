"""One part of the document: the key it is written under, how it is written from a
snapshot, and how it is read back into unsaved rows."""

from collections.abc import Callable
from typing import Any, NamedTuple

from restitution.document.rows import Draft, Ids
from restitution.snapshot import Snapshot


class Part(NamedTuple):
    key: str
    dump: Callable[[Snapshot, Ids], Any]
    load: Callable[[Any, Draft], None]
