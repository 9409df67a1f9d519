"""What the screens of the negotiation answer among the room's signals (workshops/signals.py)."""

from django.dispatch import receiver

from baskets import broadcast
from workshops import signals
from workshops.broadcast import after_commit


@receiver(signals.balance_tolerance_changed)
def send_gauges_again(sender, workshop, **kwargs):
    after_commit(broadcast.broadcast_workshop_baskets, workshop.pk)
