from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        from workshops import lookups
        from workshops.ratelimit import check_trusted_proxies

        lookups.register()
        check_trusted_proxies()
