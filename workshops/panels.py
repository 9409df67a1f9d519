"""What the apps built on the room add to its screens, without workshops importing them.

An app declares, in its ``panels.py``, its views of the projector (``VIEWS``, see
workshops/projector.py) and a context for each screen it adds a panel to (``PANELS``:
"phone", "projector", "console"), and registers both with one ``register_app`` from its
``AppConfig.ready``. The room's views render the registered panels (the template
``<app>/_<screen>_panel.html`` with that context) and place the HTML where the screen shows
them. A panel's context gets the screen's objects as keywords and returns None when it has
nothing to show now.

    phone:     participant=, workshop=
    projector: workshop=, table= (None: every table)
    console:   workshop=
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

from workshops import projector

SCREENS = ("phone", "projector", "console")


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[..., dict | None]


_registry: dict[str, dict[str, Panel]] = {screen: {} for screen in SCREENS}


def register(screen: str, panel: Panel) -> None:
    """Registering the same name again replaces it (``ready`` may run twice in tests)."""
    _registry[screen][panel.name] = panel


def register_app(
    app: str, views: Iterable[projector.Kind], panels: dict[str, Callable[..., dict | None]]
) -> None:
    """What ``app`` adds to the room's screens: its projector ``views`` (in the order of the
    console's buttons) and, for each screen ``panels`` names, its panel by its context."""
    for kind in views:
        projector.register(kind)
    for screen, context in panels.items():
        register(screen, Panel(app, f"{app}/_{screen}_panel.html", context))


def registered(screen: str) -> list[Panel]:
    return list(_registry[screen].values())


def render_panels(screen: str, request: HttpRequest | None = None, **objects) -> list[str]:
    """The HTML of every panel of ``screen`` that has something to show."""
    rendered = []
    for panel in registered(screen):
        context = panel.context(**objects)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request=request))
    return rendered
