"""SQL that only PostgreSQL runs, in a migration: SQLite, the zero-set-up default, skips it."""

from django.db import migrations


def postgres_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    def run(statements):
        def execute(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return execute

    return migrations.RunPython(run(forward), run(backward))
