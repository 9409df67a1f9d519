"""What the plenary adds to the room's screens (workshops/panels.py: ``VIEWS`` and
``PANELS``, registered from ``apps.py``): on phones, the questions and the dots; on the
projector, links to the presenter and the wall; in the console, the moderation, voting and
slide controls. And the projector's views (workshops/projector.py): the presenter's slides ("presenter", key S, shown by
itself while following the workshop in the plenary phase) and the feedback wall with the
dots' chart ("wall", key W)."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plenary import dot_selectors, forms, selectors
from workshops import gate, projector
from workshops.gate import Action, closed_reason
from workshops.models import Participant, Workshop


def in_plenary(workshop: Workshop) -> bool:
    return gate.in_phase_of(workshop, Action.FEEDBACK)


def phone_context(
    *, participant: Participant, workshop: Workshop, forms_=None, problem: str = ""
) -> dict | None:
    if not in_plenary(workshop):
        return None
    participant.workshop = workshop
    dots = dot_selectors.phone_dots(participant)
    forms_ = forms_ or {}
    questions = [
        (i, text, forms_.get(str(i)) or forms.AnswerForm.blank(i))
        for i, text in enumerate(dots.plenary.questions)
    ]
    return {
        "workshop": workshop,
        "participant": participant,
        "dots": dots,
        "questions": questions,
        "gate_reason": closed_reason(workshop, Action.FEEDBACK),
        "problem": problem,
    }


def projector_links(*, workshop, **objects) -> dict | None:
    return {"workshop": workshop}


def console_plenary(*, workshop, **objects) -> dict | None:
    if not in_plenary(workshop):
        return None
    presenter = selectors.presenter(workshop)
    return {
        "workshop": workshop,
        "plenary": presenter.plenary,
        "presenter": presenter,
        "questions": selectors.moderation(workshop),
        "chart": dot_selectors.chart(workshop, presenter.plenary),
    }


PRESENTER, WALL = "presenter", "wall"
_ROUTES = {PRESENTER: "plenary:present", WALL: "plenary:wall"}


def _has_plenary(workshop: Workshop) -> bool:
    # Asked for both views on every projector page (the keys) and console: one query.
    return gate.has_phase_for(workshop, Action.FEEDBACK)


def _check(workshop: Workshop, view: projector.View) -> None:
    if not _has_plenary(workshop):
        raise ValidationError(_("This workshop has no plenary."))


def _url(workshop: Workshop, view: projector.View) -> str:
    return reverse(_ROUTES[view.kind], args=[workshop.pk])


def presenter_choices(workshop: Workshop) -> list[tuple[projector.View, str, str]]:
    if not _has_plenary(workshop):
        return []
    return [(projector.View(PRESENTER), _("Presenter"), _("The plenary's slides"))]


def wall_choices(workshop: Workshop) -> list[tuple[projector.View, str, str]]:
    if not _has_plenary(workshop):
        return []
    return [(projector.View(WALL), _("Feedback and dots"), _("The feedback wall and the dots"))]


def _whole_workshop_view(
    name: str,
    choices: Callable[[Workshop], list[tuple[projector.View, str, str]]],
    *,
    key: str,
    key_help: str,
    follows: Action | None = None,
) -> projector.Kind:
    """The presenter and the wall: one page each, for the workshop, if it has a plenary."""
    return projector.Kind(
        name, (0,), _check, _url, choices, key=key, key_help=key_help, follows=follows
    )


# Registered by apps.py (workshops/panels.py).
VIEWS = (
    _whole_workshop_view(
        PRESENTER,
        presenter_choices,
        key="s",
        key_help=gettext_lazy("Slides of the plenary (presenter)"),
        follows=Action.FEEDBACK,
    ),
    _whole_workshop_view(
        WALL, wall_choices, key="w", key_help=gettext_lazy("Feedback wall and dots")
    ),
)
PANELS = {"phone": phone_context, "projector": projector_links, "console": console_plenary}
