"""Spelling-tolerant name search on PostgreSQL: pg_trgm and a GIN trigram index on person names.

On SQLite (the zero-set-up default) there is no trigram support; search falls back to substring
matching, so this migration does nothing there.
"""

from django.db import migrations

from pmks_portal.migration_sql import postgres_only

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON cases_person USING gin (name gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS person_name_trgm"]


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_categories")]

    operations = [postgres_only(CREATE, DROP)]
