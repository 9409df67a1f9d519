"""Conditions answer the room: every new workshop gets the default checklist and cards
(``defaults.py``), the demo its table 1's verdicts (``demo.py``)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from baskets.conditions import demo, services
from workshops import signals
from workshops.models import Workshop


@receiver(post_save, sender=Workshop)
def create_default_conditions(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.ensure_defaults(instance)


@receiver(signals.demo_loaded)
def write_demo_conditions(sender, workshop, **kwargs):
    """After the demo's baskets (``baskets/receivers.py``, connected first)."""
    demo.write_demo_conditions(workshop)
