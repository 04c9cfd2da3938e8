from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("PMKS cases")

    def ready(self):
        from django.db.backends.signals import connection_created

        from cases import name_search

        # The demo's SQLite tolerates misspelt names as PostgreSQL does (cases/name_search.py).
        connection_created.connect(name_search.register_on_sqlite, dispatch_uid="pmks_names")
