from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestitutionConfig(AppConfig):
    name = "restitution"
    verbose_name = _("Restitution")
