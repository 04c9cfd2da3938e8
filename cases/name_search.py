"""Spelling-tolerant name search on PostgreSQL, through a word index of person names.

PostgreSQL triggers (migration 0006) keep the words of every person's name in two tables:
NameWord, each distinct word once, trigram-indexed, and PersonNameWord, a word and a person per
row. A search looks up the spellings of each typed word in the small word table (the word
itself, words similar by trigrams, words starting with it), then the persons that have a spelling
of every typed word, by index-only scans. Its cost follows the number of matching persons, not
the size of the registry, and no name is re-read to score it: at a million cases a common name
("Siti") costs tens of milliseconds where a trigram test of every candidate name cost hundreds.
"""

import re

from django.db import connections

# Letters and digits, as cases_name_words() in SQL splits a name: "Ma'ruf" is MA and RUF.
WORD = re.compile(r"[^\W_]+")
# A typed word this short is matched whole: as a prefix or by trigrams, "AN" would match
# hundreds of spellings.
FUZZY_FROM_LENGTH = 3
MAX_TYPED_WORDS = 6

# Two tiers, in one statement. First the persons whose name has every typed word as it was
# typed, walked in id order along the word index until the cap is reached: a common name
# ("Siti") is answered after a few thousand index entries instead of all its spellings' tens of
# thousands. The other typed words are joined to the leading one's postings ({also_typed}), so
# that the planner intersects the postings lists (both in person order) before it tests a
# person's scope: tested the other way round, each posting of the leading word cost a probe of
# the cases (5,838 probes, 25 ms, for "Kamariah Rahman" in Samarinda, for 10 persons).
# Only when they are fewer than the cap (a rarer name, a misspelling) does the second tier run
# (PostgreSQL skips it otherwise: a one-time filter): every spelling of every typed word, each
# person scored by the closest spelling of each word, identical words scoring 1. The spellings
# are materialised so that each one's closeness is computed once, not per person. With several
# typed words, only the persons with a spelling of the leading word are scored ({lead_only}):
# a person needs a spelling of every word, and grouping the postings of all spellings of a
# common word first ("Rahman": 44,394 postings into 43,873 persons) cost 40 ms to keep 211.
# The candidates are ranked first, then tested for scope in that order until the cap is
# reached: testing each one's scope is what a second tier costs (a probe of the cases per
# person: 7,106 for "Bulan"), and where most are in scope (the province) the cap is reached
# after a fraction of them. The lateral probe is a nested loop over the ranked rows, so they
# keep their order.
CLOSEST_PERSONS = """
WITH typed AS (
    SELECT typed_word, position
    FROM unnest(%s::text[]) WITH ORDINALITY AS t(typed_word, position)
),
identical AS MATERIALIZED (
    SELECT posting.person_id FROM cases_person_name_word AS posting{also_typed}
    WHERE posting.word = %s
      AND posting.person_id IN ({in_scope})
    ORDER BY posting.person_id
    LIMIT %s
),
spellings AS MATERIALIZED (
    SELECT typed.position, known.word, similarity(known.word, typed.typed_word) AS closeness
    FROM typed CROSS JOIN LATERAL (
        SELECT word FROM cases_name_word
        WHERE word = typed.typed_word
           OR (length(typed.typed_word) >= %s
               AND (word %% typed.typed_word OR word LIKE typed.typed_word || '%%'))
    ) AS known
),
per_word AS (
    SELECT posting.person_id, spellings.position, max(spellings.closeness) AS closeness
    FROM spellings
    JOIN cases_person_name_word AS posting ON posting.word = spellings.word{lead_only}
    GROUP BY posting.person_id, spellings.position
),
candidates AS ({candidates}),
ranked AS MATERIALIZED (
    SELECT person_id, closeness FROM candidates
    WHERE (SELECT count(*) FROM identical) < %s
    ORDER BY closeness DESC, person_id
)
SELECT person_id FROM identical WHERE (SELECT count(*) FROM identical) >= %s
UNION ALL
(
    SELECT ranked.person_id FROM ranked
    CROSS JOIN LATERAL (
        SELECT 1 FROM ({in_scope}) AS scope WHERE scope.person_id = ranked.person_id LIMIT 1
    ) AS in_scope
    LIMIT %s
)
"""
# Each typed word but the leading one, joined to the leading word's posting (one %s each).
ALSO_TYPED = """
    JOIN cases_person_name_word AS also_{n}
      ON also_{n}.person_id = posting.person_id AND also_{n}.word = %s"""
# The persons with a spelling of the leading typed word (its position: one %s). `+ 0` keeps
# the planner from the person index: misjudging how many persons a spelling has (it guesses
# 2,811 for each), it would otherwise fetch every word of each of the leading word's persons
# one person at a time ("Gusti Nurul Hasanah": 17,575 persons, 97 ms), where reading the other
# words' postings and hashing the leading word's persons takes a fraction of that.
LEAD_ONLY = """
    WHERE posting.person_id + 0 IN (
        SELECT lead.person_id FROM spellings AS lead_spelling
        JOIN cases_person_name_word AS lead ON lead.word = lead_spelling.word
        WHERE lead_spelling.position = %s
    )"""


def _candidates(word_count: int) -> str:
    """The persons with a spelling of every typed word, and their score.

    With one typed word that is every person of the previous step: no second grouping, whose
    guessed row count (200) would lead the planner to test each candidate's scope one by one
    where a hash of the scope's persons is far cheaper (a small regency's "Rahmah": 135 ms to
    under 60 ms).
    """
    if word_count == 1:
        return "SELECT person_id, closeness FROM per_word"
    return (
        "SELECT person_id, sum(closeness) AS closeness FROM per_word "
        "GROUP BY person_id HAVING count(*) = cardinality(%s::text[])"
    )


def typed_words(text: str) -> list[str]:
    """The words of a search text, upper-cased as the word index keeps them."""
    return WORD.findall(text.upper())[:MAX_TYPED_WORDS]


def closest_persons_statement(cases, words: list[str], limit: int) -> tuple[str, list]:
    """The statement closest_person_ids() runs, and its parameters (the tests read its plan)."""
    in_scope, scope_params = cases.order_by().values("person_id").query.sql_with_params()
    # The longest typed word leads both tiers: usually the rarest, the shortest walk.
    lead = max(range(len(words)), key=lambda i: len(words[i]))
    # Each other word once ("Siti Siti" is one word to find), the leading one not again.
    others = list(dict.fromkeys(word for word in words if word != words[lead]))
    sql = CLOSEST_PERSONS.format(
        in_scope=in_scope,
        also_typed="".join(ALSO_TYPED.format(n=n) for n in range(len(others))),
        lead_only=LEAD_ONLY if len(words) > 1 else "",
        candidates=_candidates(len(words)),
    )
    params = [
        words,
        *others, words[lead], *scope_params, limit,  # identical
        FUZZY_FROM_LENGTH,  # spellings
        *([lead + 1] if len(words) > 1 else []),  # per_word: the leading word's position
        *([words] if len(words) > 1 else []),  # candidates: every typed word
        limit,  # ranked: only when the first tier is short
        limit,  # the first tier is enough
        *scope_params, limit,  # or the second
    ]  # fmt: skip
    return sql, params


def closest_person_ids(cases, text: str, limit: int) -> list[int]:
    """Ids of at most `limit` persons with a case in `cases` whose name has a spelling of every
    word of `text`, the closest names first (in no particular order: they are a set)."""
    words = typed_words(text)
    if not words:
        return []
    sql, params = closest_persons_statement(cases, words, limit)
    with connections[cases.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [person_id for (person_id,) in cursor.fetchall()]


# --- SQLite (the demo): the same tolerance, without the word index ---------------------------
# pg_trgm's default threshold, which `word % typed_word` above compares against.
SIMILAR_FROM = 0.3
SQLITE_FUNCTION = "pmks_name_matches"


def _trigrams(word: str) -> set[str]:
    # As pg_trgm pads a word: two spaces before, one after ("  santosa ").
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two words."""
    first, second = _trigrams(a), _trigrams(b)
    return len(first & second) / len(first | second) if first or second else 0.0


def is_spelling_of(known: str, typed: str) -> bool:
    """Whether a word of a name is a spelling of a typed word, by the rule of the spellings
    step above: the word itself, or (from FUZZY_FROM_LENGTH letters) a word starting with it
    or similar by trigrams."""
    if known == typed:
        return True
    if len(typed) < FUZZY_FROM_LENGTH:
        return False
    return known.startswith(typed) or similarity(known, typed) >= SIMILAR_FROM


def name_matches(name: str | None, typed: str) -> bool:
    """Whether the name has a spelling of every typed word (`typed`: the words, space-joined,
    as typed_words() gives them). Registered on SQLite connections as SQLITE_FUNCTION."""
    words = WORD.findall((name or "").upper())
    return all(any(is_spelling_of(word, t) for word in words) for t in typed.split())


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """connection_created receiver: gives SQLite the function the name search calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 2, name_matches, deterministic=True)
