from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasketsConfig(AppConfig):
    name = "baskets"
    verbose_name = _("Baskets")

    def ready(self):
        # The app answers the room's signals (workshops/signals.py): workshops never imports it.
        from baskets import receivers  # noqa: F401
