from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasketsConfig(AppConfig):
    name = "baskets"
    verbose_name = _("Baskets")

    def ready(self):
        # The app answers the room's signals (receivers.py), adds its rule to the post-its'
        # edits (workshops/services.py) and its panels to the room's screens
        # (workshops/panels.py): workshops never imports it.
        from baskets import panels, receivers, services  # noqa: F401
        from workshops import services as room
        from workshops.panels import register_app

        room.add_postit_edit_rule(services.keep_postit_kind_in_baskets)
        register_app("baskets", panels.VIEWS, panels.PANELS)
