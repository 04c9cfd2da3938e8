from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KubeConfig(AppConfig):
    name = "kube"
    verbose_name = _("KUBE business groups")

    def ready(self):
        from audit.readable import register_key_choices
        from kube.models.choices import SupportKind

        # A partnership's audited "supports" is a list of SupportKind codes (services/partners).
        register_key_choices("supports", SupportKind)
