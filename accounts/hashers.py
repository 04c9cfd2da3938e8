"""The password hasher: Argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane).

Django 6.1's default, PBKDF2-SHA256 at 1,500,000 iterations, costs about 385 ms of CPU per
sign-in on this machine's cores (bench/signin.py measures it): a morning wave of 5 sign-ins a
second asks for 1.9 of the 2 cores, before any page is served, and the queue grows without end.
Django's own Argon2 setting (100 MiB, 8 lanes) costs about 185 ms and starts eight threads per
sign-in. This one costs about 23 ms, so the wave takes about a tenth of one core, while its 19
MiB of memory per guess keeps an attacker's GPU as slow as PBKDF2 at several hundred thousand
iterations would (OWASP Password Storage Cheat Sheet). Stored PBKDF2 hashes keep working: the
hasher named after it in PASSWORD_HASHERS checks them, and Django re-hashes the password with
this one at the next sign-in (must_update() also catches Argon2 hashes at other settings).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
