"""The load test's users (bench/load.py starts Locust with this file; not run by hand).

Staff of several regencies list, search, open and edit cases; provincial officers open the
dashboard and ask for a report. Edits, searches and report requests replay the page's own form
with its CSRF token, as a browser does, and follow the redirect a save answers with. A replay
counts only if it saved: anything but a redirect to the page a save leads to is a Locust
failure (a form re-rendered with its errors answers 200 and saved nothing), so the figures
cannot include requests that did no work. Sessions are made beforehand (bench/load.py signs
each user in, the officers with their second factor), so the mix measures the pages, not the
sign-in; the morning wave of sign-ins is a user class of its own, run alone (SignInWave).

The plan (users, cases, names, paths) is the JSON file named by BENCH_LOAD_PLAN.
"""

import json
import os
import random
import re
import sys
from http.cookiejar import Cookie
from itertools import count
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant_throughput, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.forms import parse_form, report_choice, with_values  # noqa: E402

with open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
PATHS = PLAN["paths"]
NEXT_CURSOR = re.compile(r"[?&](?:amp;)?after=([^\"&]+)")
FORM_ENCODED = "application/x-www-form-urlencoded"
# Where each replay's save redirects to (bench/load.py builds them from the URL patterns).
SAVED = {name: re.compile(pattern) for name, pattern in PLAN["saved"].items()}
_edits = count()


class Signed(FastHttpUser):
    """A user whose session was made beforehand: a seat of the plan, taken in turn. Each user
    class counts its own seats, and the plan has a seat for every user of the largest step, so
    no two users share one: two staff editing the same case would meet an edit conflict, which
    is the form saying "someone saved meanwhile", not a save."""

    abstract = True
    seats: list = []
    taken = None

    def on_start(self):
        self.seat = self.seats[next(self.taken) % len(self.seats)]
        host = PLAN["host_name"]
        # Into the jar, beside the CSRF cookie the pages set: a Cookie header of our own would
        # keep the jar from sending that one.
        self.client.cookiejar.set_cookie(
            Cookie(
                0, PLAN["session_cookie"], self.seat["session"], None, False, host, False,
                False, "/", True, False, None, False, None, None, {},
            )
        )  # fmt: skip

    def get(self, path, name=None):
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
            return response

    def replay(self, page_path: str, name: str, *, action: str | None = None, choose=None):
        """GET a page, then POST its form back with the values `choose(form)` gives; only a
        redirect to where a save of this kind leads counts, and it is followed, as a browser
        does (named `name` + " (after)"). Returns the page the redirect led to, or None."""
        page = self.get(page_path, name=f"{name} (form)")
        if page.status_code != 200:
            return None
        action = action or page_path
        form = parse_form(page.text, action, page_path)
        fields = with_values(form.fields, choose(form) if choose else {})
        with self.client.post(
            action,
            data=urlencode(fields),  # a list of pairs: a field may repeat
            headers={"Referer": self.host + page_path, "Content-Type": FORM_ENCODED},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = urlsplit(response.headers.get("Location") or "")
            target = location.path + (f"?{location.query}" if location.query else "")
            if response.status_code != 302:
                # 200 is the form again with its errors; few distinct messages, so that
                # Locust's failure table groups them.
                response.failure(f"not saved: answered {response.status_code}")
                return None
            if not SAVED[name].fullmatch(target):
                response.failure(f"not saved: redirected to {location.path}")
                return None
        return self.get(target, name=f"{name} (after)")


class Staff(Signed):
    """Regency staff at work: the list most, then search and details, sometimes an edit."""

    seats = PLAN["staff"]
    taken = count()
    weight = 4  # four staff to an officer
    wait_time = between(*PLAN["think_seconds"])

    @task(35)
    def case_list(self):
        page = self.get(PATHS["cases"], name="case list")
        found = NEXT_CURSOR.search(page.text or "")
        if found and random.random() < 0.3:
            self.get(f"{PATHS['cases']}?after={found.group(1)}", name="case list, next page")

    @task(20)
    def search(self):
        # From the case list, as a user searches; the redirect is the result list.
        name = random.choice(self.seat["names"])
        self.replay(PATHS["cases"], "search", action=PATHS["search"], choose=lambda f: {"q": name})

    @task(20)
    def case_detail(self):
        self.get(PATHS["case"].format(pk=random.choice(self.seat["cases"])), name="case detail")

    @task(10)
    def case_edit(self):
        # A real change (the notes of a visit), so that the save writes a new version and its
        # audit row: a form posted back unchanged redirects too but writes nothing.
        path = PATHS["case_edit"].format(pk=random.choice(self.seat["cases"]))
        note = f"Kunjungan rumah, catatan {self.seat['label']}-{next(_edits)}"
        self.replay(path, "case edit", choose=lambda f: {"notes": note})


class Officer(Signed):
    """Provincial officers: the province's dashboard, the case list, now and then a report."""

    seats = PLAN["officers"]
    taken = count()
    wait_time = between(*PLAN["think_seconds"])

    @task(10)
    def dashboard(self):
        self.get(PATHS["dashboard"], name="dashboard")

    @task(10)
    def case_list(self):
        self.get(PATHS["cases"], name="case list")

    @task(2)
    def report(self):
        self.replay(PATHS["reports"], "report request", choose=lambda f: report_choice(f, random))


class SignInWave(FastHttpUser):
    """The morning wave: each user signs in once a second (the sign-in page, then the form),
    as a different staff member each time, then signs out. Run alone: bench/load.py names the
    user classes of each run."""

    wait_time = constant_throughput(1)
    taken = count()

    def on_start(self):
        self.seat = next(self.taken)

    @task
    def sign_in(self):
        account = PLAN["wave"][(self.seat + random.randrange(10_000)) % len(PLAN["wave"])]
        page = self.client.get(PATHS["login"], name="sign-in page")
        fields = with_values(
            parse_form(page.text, PATHS["login"], PATHS["login"]).fields,
            {"username": account["username"], "password": account["password"]},
        )
        with self.client.post(
            PATHS["login"],
            data=urlencode(fields),
            headers={"Referer": self.host + PATHS["login"], "Content-Type": FORM_ENCODED},
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not signed in: {response.status_code}")
        self.client.cookiejar.clear()
