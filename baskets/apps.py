from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasketsConfig(AppConfig):
    name = "baskets"
    verbose_name = _("Baskets")

    def ready(self):
        # The app answers the room's signals (workshops/signals.py) and adds its panels to
        # the room's screens (workshops/panels.py): workshops never imports it.
        from baskets import panels, receivers, screen_receivers  # noqa: F401
        from baskets.conditions import panels as condition_panels
        from baskets.conditions import receivers as condition_receivers  # noqa: F401

        panels.register_panels()
        condition_panels.register_projector_view()
