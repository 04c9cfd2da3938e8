"""The sign-in hasher's cost: CPU and wall time of one password check per hasher, as a sign-in
pays it, beside what a morning wave of WAVE_RATE sign-ins a second asks of the 2 cores.

The wave itself, through gunicorn, is a phase of the load test (bench/load.py).
"""

import os
import statistics
import time

from django.conf import settings
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    get_hasher,
)

from bench.measure import Report, load

WAVE_RATE = 5  # sign-ins a second: issue #13's morning wave
CHECKS = 7
PASSWORD = "Sungai-Mahakam-2026!"  # noqa: S105 (hashed here, never stored)


def _cost(hasher) -> tuple[float, float]:
    """Median wall and CPU milliseconds of one check of a right password."""
    encoded = hasher.encode(PASSWORD, hasher.salt())
    walls, cpus = [], []
    for _ in range(CHECKS):
        wall, cpu = time.perf_counter(), time.process_time()
        assert hasher.verify(PASSWORD, encoded)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def bench_signin(report: Report) -> None:
    chosen = get_hasher("default")
    hashers = [
        (
            f"Django 6.1 default, PBKDF2 {PBKDF2PasswordHasher.iterations:,} iterations",
            PBKDF2PasswordHasher(),
        ),
        ("Django's Argon2 (100 MiB, t=2, p=8)", Argon2PasswordHasher()),
        (
            f"the portal's {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]} "
            f"({chosen.memory_cost // 1024} MiB, t={chosen.time_cost}, p={chosen.parallelism})",
            chosen,
        ),
    ]
    cores = os.cpu_count() or 1
    report(f"Sign-in: one password check per hasher, median of {CHECKS}; load {load()}")
    for label, hasher in hashers:
        wall, cpu = _cost(hasher)
        share = WAVE_RATE * cpu / 1000 / cores
        report(
            f"  {label:<58} {cpu:7.1f} ms CPU {wall:7.1f} ms wall; {WAVE_RATE} sign-ins/s "
            f"take {share:.0%} of {cores} cores; load {load()}"
        )
