"""The baskets' answers to the room's signals (workshops/signals.py)."""

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from baskets import broadcast, demo, services
from workshops import signals
from workshops.broadcast import after_commit


@receiver(signals.seating_changed)
def create_baskets(sender, workshop, **kwargs):
    services.ensure_baskets(workshop)


@receiver(signals.demo_loaded)
def write_demo_baskets(sender, workshop, **kwargs):
    demo.write_demo_baskets(workshop)


@receiver(signals.postit_changing)
def keep_baskets_consistent(sender, postit, previous_kind, **kwargs):
    """An offer given in a basket stays an offer, a need answered stays a need."""
    if postit.kind == previous_kind:
        return
    names = services.basket_names(services.baskets_showing(postit.pk))
    if names:
        raise ValidationError(
            _("This post-it is in a basket (%(baskets)s): its kind cannot change.")
            % {"baskets": "; ".join(names)}
        )


@receiver(signals.postit_changed)
def show_new_text_in_baskets(sender, postit, **kwargs):
    """Every basket that shows the post-it is sent again, with its new text."""
    for basket_id in services.baskets_showing(postit.pk):
        after_commit(broadcast.broadcast_basket, basket_id)
