"""What the projector shows, switched from the console or the projector's keyboard.

The choice lives on the workshop (``projector_view``), so that a projector reloaded or
reconnected shows it again: "" follows the workshop by itself (the join screen until
phase 1, then every table, or the view an app registered for the phase's kind), "all"
every table, "join" the join screen, "table:N" table number N, "sheet:PK" the sheet of
territory PK. Every change bumps ``projector_view_version`` and, once committed, tells
the projectors (``screens_group``), which load their page again if the version they show
is older.

Apps built on the room add their own views (``register``, from their ``AppConfig.ready``:
workshops never imports them): a ``Kind`` names its view ("baskets", "baskets:2",
"pair:4-7"), checks it against the workshop, gives the page that shows it, the console's
buttons, a key of the projector, and the action whose phases show it while following the
workshop (the gate says which phase kinds open it: ``gate.kinds_opening``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from workshops import gate
from workshops.broadcast import after_commit, broadcast_projector_view
from workshops.gate import Action
from workshops.models import Workshop

FOLLOW, ALL, JOIN, TABLE, SHEET = "follow", "all", "join", "table", "sheet"


@dataclass(frozen=True)
class View:
    kind: str  # FOLLOW, ALL, JOIN, TABLE, SHEET or a registered kind's name
    number: int | None = None  # the table's number, or the territory's pk
    second: int | None = None  # a registered kind's second number (a pair's other territory)

    @property
    def value(self) -> str:
        """As stored on the workshop, and sent by the console's buttons."""
        if self.kind == FOLLOW:
            return ""
        if self.number is None:
            return self.kind
        if self.second is None:
            return f"{self.kind}:{self.number}"
        return f"{self.kind}:{self.number}-{self.second}"


@dataclass(frozen=True)
class Kind:
    """A view an app adds to the projector."""

    name: str
    numbers: tuple[int, ...]  # how many numbers its value may carry: (0, 1) or (2,)
    check: Callable[[Workshop, View], None]  # raises ValidationError when it cannot be shown
    url: Callable[[Workshop, View], str]  # the page that shows it
    choices: Callable[[Workshop], list[tuple[View, str, str]]]  # console: view, label, title
    key: str = ""  # the projector's key that goes through ``choices``, one a press
    key_help: str = ""  # what that key does, for the projector's "?" (translated when shown)
    follows: Action | None = None  # following the workshop shows it in the phases opening this


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Registering the same name again replaces it (``ready`` may run twice in tests)."""
    if kind.name in (FOLLOW, ALL, JOIN, TABLE, SHEET):
        raise ValueError(f"{kind.name!r} is a view of the room itself")
    _kinds[kind.name] = kind


def registered() -> list[Kind]:
    return list(_kinds.values())


def kind_of(view: View) -> Kind | None:
    """The registered kind that shows ``view``, None for the room's own views."""
    return _kinds.get(view.kind)


def followed(phase_kind: str) -> Kind | None:
    """The registered view that following the workshop shows during a phase of this kind:
    the first that follows an action the gate opens in it."""
    opens = gate.OPEN_ACTIONS[phase_kind]
    return next((kind for kind in _kinds.values() if kind.follows in opens), None)


def follow_kinds(kind: Kind) -> list[str]:
    """The phase kinds during which following the workshop shows ``kind`` (for the page's
    script, which follows the phase live)."""
    return sorted(gate.kinds_opening(kind.follows)) if kind.follows else []


def _numbers(text: str) -> list[int] | None:
    parts = text.split("-") if text else []
    if all(part.isdecimal() and len(part) <= 9 for part in parts):
        return [int(part) for part in parts]
    return None


def parse(value: str) -> View | None:
    """The view a stored or posted value names, or None if it names none."""
    value = (value or "").strip()
    if value in ("", FOLLOW):
        return View(FOLLOW)
    if value in (ALL, JOIN):
        return View(value)
    kind, sep, number = value.partition(":")
    if kind in (TABLE, SHEET) and number.isdecimal() and len(number) <= 9:
        return View(kind, int(number))
    registered_kind = _kinds.get(kind)
    numbers = _numbers(number) if number or not sep else None
    if registered_kind and numbers is not None and len(numbers) in registered_kind.numbers:
        return View(kind, *numbers)
    return None


def current(workshop: Workshop) -> View:
    """The stored choice; one that no longer names a table or territory follows the workshop."""
    return parse(workshop.projector_view) or View(FOLLOW)


def _check_table(workshop: Workshop, number: int | None) -> None:
    """Refuses a table number the workshop does not have (None, every table, is always there)."""
    if number is not None and not workshop.tables.filter(number=number).exists():
        raise ValidationError(_("This workshop has no table %(number)s.") % {"number": number})


def table_kind(
    name: str,
    *,
    check: Callable[[Workshop, View], None] | None = None,
    pages: tuple[str, str],
    choices: Callable[[Workshop], list[tuple[View, str, str]]],
    key: str,
    key_help: str,
    follows: Action,
) -> Kind:
    """A view of every table ("name") or of one ("name:N"): its ``pages`` are the routes of
    every table's page (args: the workshop's pk) and of one table's (and the number); the
    table is checked after the view's own ``check``."""
    every, one = pages

    def check_view(workshop: Workshop, view: View) -> None:
        if check is not None:
            check(workshop, view)
        _check_table(workshop, view.number)

    def url(workshop: Workshop, view: View) -> str:
        if view.number is None:
            return reverse(every, args=[workshop.pk])
        return reverse(one, args=[workshop.pk, view.number])

    return Kind(name, (0, 1), check_view, url, choices, key, key_help, follows)


def table_choices(
    name: str, numbers: Iterable[int], *, every: str, one: str, title: str
) -> list[tuple[View, str, str]]:
    """The console's buttons of a ``table_kind``: every table, then each of ``numbers``
    (``one`` and ``title`` are translated texts with a ``%(number)s``)."""
    return [
        (View(name), every, ""),
        *((View(name, n), one % {"number": n}, title % {"number": n}) for n in numbers),
    ]


def check(workshop: Workshop, view: View) -> None:
    if view.kind == TABLE:
        _check_table(workshop, view.number)
    if view.kind == SHEET and not workshop.territories.filter(pk=view.number).exists():
        raise ValidationError(_("This territory does not play in this workshop."))
    registered_kind = kind_of(view)
    if registered_kind is not None:
        registered_kind.check(workshop, view)


@transaction.atomic
def set_view(*, workshop: Workshop, value: str) -> Workshop:
    """Store what the projector shows and tell the projectors, once committed."""
    view = parse(value)
    if view is None:
        raise ValidationError(_("The projector cannot show that."))
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    check(locked, view)
    locked.projector_view = view.value
    locked.projector_view_version += 1
    locked.save(update_fields=["projector_view", "projector_view_version"])
    after_commit(broadcast_projector_view, locked.pk)
    workshop.projector_view = locked.projector_view
    workshop.projector_view_version = locked.projector_view_version
    return workshop
