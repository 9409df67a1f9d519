"""The restitution's answers to the room's signals (workshops/signals.py)."""

from django.dispatch import receiver

from restitution import demo
from workshops import signals


@receiver(signals.demo_loaded)
def write_demo_actions(sender, workshop, **kwargs):
    # Connected after the baskets' receivers (INSTALLED_APPS order): the transactions exist.
    demo.write_demo_actions(workshop)
