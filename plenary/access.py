"""Who may do what in the plenary: the one place views ask.

Participants of the workshop answer and vote with their own session only (the voter is
always the session's participant, never a posted id); facilitators moderate, present
and set the rules. The projector's pages are facilitators' (404 for others, as the
room's projector)."""

from django.http import HttpRequest

from workshops import access
from workshops.models import Participant, Workshop


def voter(request: HttpRequest, workshop: Workshop) -> Participant:
    """The session's participant (403 without one): the only voter a request can be."""
    participant = access.require_participant(request, workshop)
    participant.workshop = workshop
    return participant


def facilitated(request: HttpRequest, pk: int) -> Workshop:
    return access.get_workshop_for_facilitator(request, pk)
