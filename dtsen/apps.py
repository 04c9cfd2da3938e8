from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DtsenConfig(AppConfig):
    name = "dtsen"
    verbose_name = _("DTSEN reconciliation")
