"""What the plenary adds to the room's screens (workshops/panels.py, from ``apps.py``):
on phones, the questions and the dots; on the projector, links to the presenter and
the wall; in the console, the moderation, voting and slide controls."""

from plenary import forms, selectors, slide_parts
from workshops.gate import Action, closed_reason
from workshops.models import Participant, Phase, Workshop
from workshops.panels import Panel, register


def in_plenary(workshop: Workshop) -> bool:
    phase = workshop.current_phase
    return phase is not None and phase.kind == Phase.Kind.PLENARY


def phone_context(
    *, participant: Participant, workshop: Workshop, forms_=None, problem: str = ""
) -> dict | None:
    if not in_plenary(workshop):
        return None
    participant.workshop = workshop
    dots = selectors.phone_dots(participant)
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
        "chart": selectors.chart(workshop, presenter.plenary),
    }


def register_panels() -> None:
    register("phone", Panel("plenary", "plenary/_phone_panel.html", phone_context))
    register("projector", Panel("plenary", "plenary/_projector_panel.html", projector_links))
    register("console", Panel("plenary", "plenary/_console_panel.html", console_plenary))
    slide_parts.register_if_present(
        slide_parts.SlidePart("conditions", slide_parts.CONDITIONS_TEMPLATE)
    )
