"""The baskets' answers to the room's signals (workshops/signals.py) and to a new workshop
(post_save), conditions' included: the one module where they are connected (from
``apps.py``). The post-it rule baskets add is not a signal: ``apps.py`` registers it with
``workshops.services.add_postit_edit_rule``."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from baskets import broadcast, services
from baskets.conditions import services as condition_services
from workshops import signals
from workshops.broadcast import after_commit
from workshops.models import Workshop


@receiver(signals.seating_changed)
def create_baskets(sender, workshop, **kwargs):
    services.ensure_baskets(workshop)


@receiver(signals.postit_changed)
def show_new_text_in_baskets(sender, postit, **kwargs):
    """Every basket that shows the post-it is sent again, with its new text."""
    for basket_id in services.baskets_showing(postit.pk):
        after_commit(broadcast.broadcast_basket, basket_id)


@receiver(signals.balance_tolerance_changed)
def send_gauges_again(sender, workshop, **kwargs):
    after_commit(broadcast.broadcast_workshop_baskets, workshop.pk)


@receiver(post_save, sender=Workshop)
def create_default_conditions(sender, instance, created, raw=False, **kwargs):
    """Every new workshop gets the default checklist and cards (conditions/defaults.py)."""
    if created and not raw:
        condition_services.ensure_defaults(instance)
