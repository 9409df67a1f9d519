"""What else a presenter slide shows about its basket, after the gauge.

A guarded slot rather than a hard include: Django has no "include if it exists". At
start-up (``apps.py``) a part is registered only if its template exists, so that the
conditions written in the conditions phase (baskets' ``_slide_conditions.html``, given
``view``, ``basket`` and ``workshop``) appear on the slides once that template lands, and
the slides work without it meanwhile.
"""

from dataclasses import dataclass

from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string

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


def register_if_present(part: SlidePart) -> bool:
    try:
        get_template(part.template)
    except TemplateDoesNotExist:
        return False
    register(part)
    return True


def render_parts(**context) -> list[str]:
    return [render_to_string(part.template, context) for part in _parts.values()]
