from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pmks_portal"
    verbose_name = "PMKS portal"

    def ready(self):
        from pmks_portal import choice_labels

        choice_labels.install()
