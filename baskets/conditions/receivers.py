"""Every new workshop gets the default checklist and cards (``defaults.py``)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from baskets.conditions import services
from workshops.models import Workshop


@receiver(post_save, sender=Workshop)
def create_default_conditions(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.ensure_defaults(instance)
