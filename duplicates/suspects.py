"""Recording suspected pairs: on each save of a person, and nightly for the whole registry.

A pair is stored once (smaller id first) and never suggested again once decided: inserts skip
existing pairs, whatever their status. Imports insert persons in bulk without the save hook;
the nightly refresh finds their pairs.
"""

import logging
from dataclasses import dataclass

from django.db import transaction

from cases.models import Person
from duplicates import detection
from duplicates.models import PairStatus, SuspectedPair

logger = logging.getLogger("pmks.duplicates")


def suspected_pairs_record_for(*, person: Person) -> int:
    """Stores the open pairs this person's record makes; how many candidates it has. Two
    queries: the candidates, one INSERT."""
    found = detection.candidates_for(person)
    SuspectedPair.objects.bulk_create(
        [
            SuspectedPair(first_id=min(person.pk, pk), second_id=max(person.pk, pk), rules=rules)
            for pk, rules in found
        ],
        ignore_conflicts=True,
    )
    return len(found)


@dataclass
class Refresh:
    suspected: int = 0
    added: int = 0
    withdrawn: int = 0


@transaction.atomic
def suspected_pairs_refresh() -> Refresh:
    """The nightly run: adds the pairs the rules find, refreshes the open pairs' reasons, and
    withdraws the open pairs the rules no longer find (a record was corrected). Decided pairs
    stay as they were decided. Idempotent: a second run changes nothing."""
    pairs = detection.all_pairs()
    open_pairs = {
        (row.first_id, row.second_id): row
        for row in SuspectedPair.objects.filter(status=PairStatus.OPEN).select_for_update()
    }
    stale = [row.pk for key, row in open_pairs.items() if key not in pairs]
    changed = []
    for key, rules in pairs.items():
        row = open_pairs.get(key)
        if row is not None and row.rules != rules:
            row.rules = rules
            changed.append(row)
    SuspectedPair.objects.bulk_update(changed, ["rules"], batch_size=500)
    SuspectedPair.objects.filter(pk__in=stale).delete()
    before = SuspectedPair.objects.count()
    SuspectedPair.objects.bulk_create(
        [SuspectedPair(first_id=a, second_id=b, rules=rules) for (a, b), rules in pairs.items()],
        ignore_conflicts=True,
        batch_size=500,
    )
    run = Refresh(
        suspected=len(pairs),
        added=SuspectedPair.objects.count() - before,
        withdrawn=len(stale),
    )
    logger.info(
        "duplicates_refreshed suspected=%s added=%s withdrawn=%s",
        run.suspected,
        run.added,
        run.withdrawn,
    )
    return run
