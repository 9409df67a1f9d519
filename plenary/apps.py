from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlenaryConfig(AppConfig):
    name = "plenary"
    verbose_name = _("Plenary")

    def ready(self):
        # Adds its panels to the room's screens (workshops/panels.py): neither workshops
        # nor baskets import this app.
        from plenary import panels
        from workshops.panels import register_app

        register_app("plenary", panels.VIEWS, panels.PANELS)
