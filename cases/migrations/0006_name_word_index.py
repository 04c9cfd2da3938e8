"""The word index of person names that the name search reads (cases/name_search.py).

PostgreSQL keeps it with statement-level triggers, so that every write path (forms, imports,
merges, bulk seeding) updates it in the same transaction; the old trigram indexes on whole
names, which tested every candidate name, are dropped. The index of cases by person now carries
the regency: the search tests each candidate's scope from the index alone. SQLite skips the SQL.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from pmks_portal.migration_sql import postgres_only

# The words of a name as the search types them: upper case, split at anything but a letter or
# a digit (cases.name_search.WORD does the same in Python). A plain SQL set-returning function:
# PostgreSQL inlines it into the statements below, no call per row.
NAME_WORDS = """
CREATE FUNCTION cases_name_words(name text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT word FROM regexp_split_to_table(upper(name), '[^[:alnum:]]+') AS word
    WHERE word <> ''
$$
"""


def index_words(persons: str) -> str:
    """One statement that adds the words of the persons that `persons` (a FROM clause naming
    them `person`) lists: to the vocabulary when new, and to their postings."""
    return f"""
    WITH words AS (
        SELECT DISTINCT person.id AS person_id, word
        FROM {persons} CROSS JOIN LATERAL cases_name_words(person.name) AS word
    ),
    vocabulary AS (
        INSERT INTO cases_name_word (word) SELECT DISTINCT word FROM words ON CONFLICT DO NOTHING
    )
    INSERT INTO cases_person_name_word (word, person_id) SELECT word, person_id FROM words
    """


# Statement-level triggers with transition tables: a few statements per INSERT or UPDATE,
# however many rows it wrote.
INDEX_INSERTED = f"""
CREATE FUNCTION cases_person_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {index_words("inserted AS person")};
    RETURN NULL;
END
$$
"""
RENAMED = """
    old_persons JOIN new_persons AS person
        ON person.id = old_persons.id AND person.name IS DISTINCT FROM old_persons.name
"""
INDEX_RENAMED = f"""
CREATE FUNCTION cases_person_words_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cases_person_name_word AS posting USING {RENAMED}
        WHERE posting.person_id = person.id;
    {index_words(RENAMED)};
    RETURN NULL;
END
$$
"""
FORWARD = [
    NAME_WORDS,
    INDEX_INSERTED,
    INDEX_RENAMED,
    "CREATE TRIGGER cases_person_words_inserted AFTER INSERT ON cases_person "
    "REFERENCING NEW TABLE AS inserted "
    "FOR EACH STATEMENT EXECUTE FUNCTION cases_person_words_inserted()",
    "CREATE TRIGGER cases_person_words_renamed AFTER UPDATE ON cases_person "
    "REFERENCING OLD TABLE AS old_persons NEW TABLE AS new_persons "
    "FOR EACH STATEMENT EXECUTE FUNCTION cases_person_words_renamed()",
    index_words("cases_person AS person"),
    "CREATE INDEX cases_name_word_trgm ON cases_name_word USING gin (word gin_trgm_ops)",
    "DROP INDEX IF EXISTS person_name_trgm",
    "DROP INDEX IF EXISTS person_name_upper_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON cases_person USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_name_upper_trgm ON cases_person "
    "USING gin (UPPER(name) gin_trgm_ops)",
    "DROP TRIGGER cases_person_words_renamed ON cases_person",
    "DROP TRIGGER cases_person_words_inserted ON cases_person",
    "DROP FUNCTION cases_person_words_renamed()",
    "DROP FUNCTION cases_person_words_inserted()",
    "DROP FUNCTION cases_name_words(text)",
]


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_name_search_upper'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NameWord',
            fields=[
                ('word', models.CharField(max_length=150, primary_key=True, serialize=False)),
            ],
            options={
                'db_table': 'cases_name_word',
            },
        ),
        migrations.CreateModel(
            name='PersonNameWord',
            fields=[
                ('pk', models.CompositePrimaryKey('word', 'person', blank=True, editable=False, primary_key=True, serialize=False)),
                ('word', models.CharField(max_length=150)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.person')),
            ],
            options={
                'db_table': 'cases_person_name_word',
            },
        ),
        migrations.AlterField(
            model_name='case',
            name='person',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.person', verbose_name='person'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['person', 'regency'], name='case_person_regency'),
        ),
        postgres_only(FORWARD, BACKWARD),
    ]
