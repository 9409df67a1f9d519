"""Who is connected: one row per open phone socket, kept fresh while it stays open."""

from django.utils import timezone

from workshops import broadcast
from workshops.models import Connection, Participant
from workshops.selectors import presence_cutoff


def arrive(participant: Participant, channel_name: str) -> None:
    now = timezone.now()
    # Rows of a process that died without saying goodbye: gone once stale.
    Connection.objects.filter(last_seen__lt=presence_cutoff(now)).delete()
    Connection.objects.update_or_create(
        channel_name=channel_name, defaults={"participant": participant, "last_seen": now}
    )
    broadcast.console_stale(participant.workshop_id)


def beat(participant: Participant, channel_name: str) -> None:
    """Keeps the row fresh, and puts it back if a late beat let another phone's arrival
    take it for a dead process's: the socket is still open."""
    now = timezone.now()
    if not Connection.objects.filter(channel_name=channel_name).update(last_seen=now):
        Connection.objects.create(channel_name=channel_name, participant=participant, last_seen=now)


def leave(participant: Participant, channel_name: str) -> None:
    Connection.objects.filter(channel_name=channel_name).delete()
    broadcast.console_stale(participant.workshop_id)
