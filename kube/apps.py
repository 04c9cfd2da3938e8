from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KubeConfig(AppConfig):
    name = "kube"
    verbose_name = _("KUBE business groups")
