from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RakornisConfig(AppConfig):
    name = "rakornis"
    verbose_name = _("Coordination meetings (Rakornis)")
