"""What every facilitator's screen (the projector's pages, each app's too, and the
console) shows around its content, shared by the views of every app: the phase and clock
(``screen_state_context``), what a projector page tells static/js/projector.js
(``projector_live_context``), and the console's buttons that choose what the projectors
show (``projector_switch_context``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from workshops import projector as screen
from workshops import selectors


def projector_switch_context(workshop) -> dict:
    """The console's buttons that choose what the projector shows."""
    chosen = screen.current(workshop)
    views = [
        (screen.View(screen.FOLLOW), _("Follow the workshop"), ""),
        (screen.View(screen.ALL), _("All tables"), ""),
        *(
            (screen.View(screen.TABLE, number), _("Table %(number)s") % {"number": number}, "")
            for number in workshop.tables.order_by("number").values_list("number", flat=True)
        ),
        *(
            (
                screen.View(screen.SHEET, territory.pk),
                territory.label,
                _("Territory sheet: %(name)s") % {"name": territory.name},
            )
            for territory in workshop.territories.order_by("name")
        ),
        *(choice for kind in screen.registered() for choice in kind.choices(workshop)),
        (screen.View(screen.JOIN), _("Join screen"), ""),
    ]
    choices = [
        {
            "value": view.value or screen.FOLLOW,
            "label": label,
            "title": title,
            "pressed": view == chosen,
        }
        for view, label, title in views
    ]
    return {"workshop": workshop, "projector_choices": choices}


def projector_live_context(workshop, view: screen.View, *, follow: str = "") -> dict:
    """What a projector page tells static/js/projector.js (``_projector_live.html``): the
    stored choice's version, where to go when it changes; when following the workshop,
    what this page shows (``follow``: "board" or a registered kind's name), so that a phase
    asking for another page loads the projector again; and the keys of the views apps add."""
    registered = screen.registered()
    return {
        "projector_live": {
            "projector_url": reverse("workshops:projector", args=[workshop.pk]),
            "view_url": reverse("workshops:projector_view", args=[workshop.pk]),
            "version": workshop.projector_view_version,
            "view": view.value,
            "follow": follow,
            "follow_kinds": " ".join(
                f"{phase_kind}:{kind.name}"
                for kind in registered
                for phase_kind in screen.follow_kinds(kind)
            ),
            "cycles": [
                (
                    kind.key,
                    " ".join(choice.value for choice, _label, _title in kind.choices(workshop)),
                )
                for kind in registered
                if kind.key
            ],
            "keys": [(kind.key, str(kind.key_help)) for kind in registered if kind.key],
        }
    }


def screen_state_context(workshop) -> dict:
    """The phase and clock on a facilitator's screen, and where it fetches them again."""
    return {
        "state": selectors.phase_state(workshop),
        "state_url": reverse("workshops:screen_state", args=[workshop.pk]),
    }
