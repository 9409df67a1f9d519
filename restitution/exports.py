"""The exports as files: what the views send and the command writes."""

import json
import re

from restitution import tables
from restitution.document import build_document
from restitution.snapshot import snapshot
from workshops.models import Workshop


def filename(workshop: Workshop, suffix: str) -> str:
    """An ASCII file name: the join code, never user text in a header."""
    return re.sub(r"[^A-Za-z0-9.-]", "", f"atelier-{workshop.code}{suffix}")


def json_bytes(workshop: Workshop) -> bytes:
    document = build_document(snapshot(workshop))
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def xlsx_bytes(workshop: Workshop) -> bytes:
    return tables.to_xlsx(snapshot(workshop))


def csv_text(workshop: Workshop, kind: str) -> str:
    return tables.to_csv(tables.sheet(snapshot(workshop), kind))


def csv_files(workshop: Workshop) -> dict[str, str]:
    """Every kind's CSV, from one reading of the workshop."""
    snap = snapshot(workshop)
    return {f"{kind}.csv": tables.to_csv(tables.sheet(snap, kind)) for kind in tables.KINDS}
