"""The load test's users (bench/load.py starts Locust with this file; not run by hand).

Staff of several regencies list, search, open and edit cases; provincial officers open the
dashboard and ask for a report. Edits and searches replay the page's own form with its CSRF
token, as a browser does. Sessions are made beforehand (bench/load.py signs each user in, the
officers with their second factor), so the mix measures the pages, not the sign-in; the
morning wave of sign-ins is a user class of its own, run alone (SignInWave).

The plan (users, cases, names, paths) is the JSON file named by BENCH_LOAD_PLAN.
"""

import json
import os
import random
import re
from html.parser import HTMLParser
from http.cookiejar import Cookie
from itertools import count
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant_throughput, task

with open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
PATHS = PLAN["paths"]
NEXT_CURSOR = re.compile(r"[?&](?:amp;)?after=([^\"&]+)")
_seats = count()
FORM_ENCODED = "application/x-www-form-urlencoded"


class FormFields(HTMLParser):
    """The fields a browser would send for the first POST form that posts to `action` (a form
    without an action posts to its page, `page`): inputs, checked boxes, selected options, text
    areas. The sign-out button of every page is a POST form too."""

    def __init__(self, action: str, page: str):
        super().__init__(convert_charrefs=True)
        self.action, self.page = action, page
        self.fields: list[tuple[str, str]] = []
        self.state = "before"  # before, inside, done
        self.select: str | None = None
        self.select_value: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.state == "before":
            if (a.get("method") or "").lower() == "post" and (
                a.get("action") or self.page
            ).endswith(self.action):
                self.state = "inside"
            return
        if self.state != "inside" or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select, self.select_value, self.first_option = a["name"], None, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.select_value = value
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if self.state != "inside":
            return
        if tag == "form":
            self.state = "done"
        elif tag == "select" and self.select:
            chosen = self.select_value if self.select_value is not None else self.first_option
            self.fields.append((self.select, chosen or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.strip("\n")))
            self.textarea = None


def form_fields(html: str, action: str, page: str) -> list[tuple[str, str]]:
    parser = FormFields(action, page)
    parser.feed(html)
    return parser.fields


class Signed(FastHttpUser):
    """A user whose session was made beforehand: a seat of the plan, taken in turn."""

    abstract = True
    seats: list = []

    def on_start(self):
        self.seat = self.seats[next(_seats) % len(self.seats)]
        host = PLAN["host_name"]
        # Into the jar, beside the CSRF cookie the pages set: a Cookie header of our own would
        # keep the jar from sending that one.
        self.client.cookiejar.set_cookie(
            Cookie(
                0, PLAN["session_cookie"], self.seat["session"], None, False, host, False,
                False, "/", True, False, None, False, None, None, {},
            )
        )  # fmt: skip

    def get(self, path, name=None, **kwargs):
        return self.client.get(path, name=name or path, **kwargs)

    def replay(self, page_path: str, name: str, action: str | None = None, extra=None):
        """GET a page, then POST its form back as it stands (plus `extra`); a 302 is a save."""
        page = self.get(page_path, name=f"{name} (form)")
        fields = form_fields(page.text, action or page_path, page_path)
        if extra:
            fields = [(key, value) for key, value in fields if key not in extra]
            fields += list(extra.items())
        with self.client.post(
            action or page_path,
            data=urlencode(fields),  # a list of pairs: a field may repeat
            headers={"Referer": self.host + page_path, "Content-Type": FORM_ENCODED},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not saved: {response.status_code}")
            return response


class Staff(Signed):
    """Regency staff at work: the list most, then search and details, sometimes an edit."""

    seats = PLAN["staff"]
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
        name = random.choice(self.seat["names"])
        self.replay(PATHS["cases"], "search", PATHS["search"], {"q": name})

    @task(20)
    def case_detail(self):
        self.get(PATHS["case"].format(pk=random.choice(self.seat["cases"])), name="case detail")

    @task(10)
    def case_edit(self):
        path = PATHS["case_edit"].format(pk=random.choice(self.seat["cases"]))
        self.replay(path, "case edit")


class Officer(Signed):
    """Provincial officers: the province's dashboard, the case list, now and then a report."""

    seats = PLAN["officers"]
    wait_time = between(*PLAN["think_seconds"])

    @task(10)
    def dashboard(self):
        self.get(PATHS["dashboard"], name="dashboard")

    @task(10)
    def case_list(self):
        self.get(PATHS["cases"], name="case list")

    @task(2)
    def report(self):
        self.replay(PATHS["reports"], "report request")


class SignInWave(FastHttpUser):
    """The morning wave: each user signs in once a second (the sign-in page, then the form),
        as a different staff member each time, then signs out. Run alone: bench/load.py names the
    user classes of each run."""

    wait_time = constant_throughput(1)

    def on_start(self):
        self.seat = next(_seats)

    @task
    def sign_in(self):
        account = PLAN["wave"][(self.seat + random.randrange(10_000)) % len(PLAN["wave"])]
        page = self.client.get(PATHS["login"], name="sign-in page")
        fields = dict(form_fields(page.text, PATHS["login"], PATHS["login"]))
        fields.update(username=account["username"], password=account["password"])
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
