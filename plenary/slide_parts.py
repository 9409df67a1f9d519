"""What else a presenter slide shows about its basket, after the gauge: the parts
registered at start-up (``panels.py``), each a template given ``view``, ``basket``,
``workshop`` and ``slide``; today the conditions written in the conditions phase
(baskets' ``_slide_conditions.html``).
"""

from dataclasses import dataclass

from django.template.loader import render_to_string

CONDITIONS_TEMPLATE = "baskets/_slide_conditions.html"


@dataclass(frozen=True)
class SlidePart:
    name: str
    template: str


_parts: dict[str, SlidePart] = {}


def register(part: SlidePart) -> None:
    _parts[part.name] = part


def unregister(name: str) -> None:
    _parts.pop(name, None)


def render_parts(**context) -> list[str]:
    return [render_to_string(part.template, context) for part in _parts.values()]
