"""Phase 1's synthesis for the report: per territory and theme, the offers and the needs of
every table merged. Two post-its are one when their normalised texts are equal or close
(``MERGE_RATIO``); each merged line knows at how many tables it was raised. Post-its of two
territories are never merged (each territory has its own column)."""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from restitution.defaults import Text
from restitution.snapshot import Snapshot

# Two post-its whose normalised texts are this close are the same idea written twice.
MERGE_RATIO = 0.9


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation or repeated spaces: "Moins de voiture !" and
    "moins  de voitures" compare on their words only."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass
class Merged:
    text: str  # the first wording met
    key: str
    tables: set[int] = field(default_factory=set)
    count: int = 0

    @property
    def table_count(self) -> int:
        return len(self.tables)


def merge(postits: list[tuple[str, int]]) -> list[Merged]:
    """Merge ``(text, table number)`` pairs of ONE territory and kind: identical or
    near-identical texts become one line that knows at how many tables it was raised."""
    merged: list[Merged] = []
    exact: dict[str, Merged] = {}
    for text, table in postits:
        key = normalise(text)
        found = exact.get(key)
        if found is None:
            for candidate in merged:
                if difflib.SequenceMatcher(None, key, candidate.key).ratio() >= MERGE_RATIO:
                    found = candidate
                    break
        if found is None:
            found = Merged(text=text, key=key)
            merged.append(found)
        exact[key] = found
        found.tables.add(table)
        found.count += 1
    return merged


@dataclass
class ThemeLines:
    theme: str
    offers: list[Merged]
    needs: list[Merged]


@dataclass
class TerritorySynthesis:
    territory: object
    themes: list[ThemeLines]
    text: Text | None = None  # laid over by the report (report.py, _texts)


def synthesis_of(snap: Snapshot) -> list[TerritorySynthesis]:
    by_place: dict[tuple[int, str, str], list[tuple[str, int]]] = {}
    for p in snap.postits:
        s = snap.subgroups[p.subgroup_id]
        by_place.setdefault((s.territory_id, p.theme, p.kind), []).append((p.text, s.table.number))
    order = {t: n for n, t in enumerate(snap.workshop.themes or [])}
    out = []
    for territory in snap.territories:
        themes = sorted(
            {theme for (tid, theme, _k) in by_place if tid == territory.pk},
            key=lambda t: (t == "", order.get(t, len(order)), t),
        )
        lines = [
            ThemeLines(
                theme=theme,
                offers=merge(by_place.get((territory.pk, theme, "offer"), [])),
                needs=merge(by_place.get((territory.pk, theme, "need"), [])),
            )
            for theme in themes
        ]
        out.append(TerritorySynthesis(territory, lines))
    return out
