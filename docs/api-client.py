#!/usr/bin/env python3
"""An example client of the PMKS portal's API (/api/v1/), Python standard library only.

A regency's field app or the Satu Data portal can start from here. The administrator creates
an API client on the portal (Klien API → Klien API baru) and hands over its token once.

    export PMKS_URL=https://portal-pmks.example.go.id PMKS_TOKEN=pmks_...
    python3 docs/api-client.py cases                 # every case in scope, page by page
    python3 docs/api-client.py aggregates 2026-05 2026-10
    python3 docs/api-client.py register persons.json # persons with one case each (write client)

The schema is at /api/v1/schema/ and its documentation page at /api/v1/docs/.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status}: {body.get('detail')} {body.get('errors') or ''}")
        self.status, self.body = status, body


class PortalClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 30):
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError("PMKS_URL must be an http(s) address")
        self.base_url = base_url.rstrip("/") + "/api/v1/"
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, *, query: dict | None = None, body=None):
        """One call; waits and retries when the rate limit answers 429 with Retry-After."""
        url = urllib.parse.urljoin(self.base_url, path)
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode()
        for _attempt in range(5):
            req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - http(s) only
            req.add_header("Authorization", f"Bearer {self.token}")
            req.add_header("Accept", "application/json")
            if data is not None:
                req.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                    raw = response.read()
                    if response.headers.get_content_type() != "application/json":
                        return raw  # a report file
                    return json.loads(raw) if raw else None
            except urllib.error.HTTPError as error:
                payload = _json_or_empty(error.read())
                if error.code == 429:
                    wait = int(error.headers.get("Retry-After", "60"))
                    if wait > 300:  # the day's record allowance is used up: stop, do not spin
                        raise ApiError(error.code, payload) from None
                    time.sleep(wait)
                    continue
                raise ApiError(error.code, payload) from None
        raise ApiError(429, {"detail": "still rate limited after retries"})

    def pages(self, path: str, **filters):
        """Every row of a list, following the keyset cursor (`next` → `after`)."""
        after = None
        while True:
            page = self.request("GET", path, query={**filters, "after": after, "size": 100})
            yield from page["results"]
            after = page["next"]
            if not after:
                return

    def register_person(self, person: dict) -> dict:
        """Registers a person. Warnings (a NIK that disagrees with the birth date, a possible
        duplicate) come back as 409 needs_confirmation: this example shows them and confirms;
        a real app should ask the outreach worker first. A registered NIK is refused."""
        try:
            return self.request("POST", "persons/", body=person)
        except ApiError as error:
            if error.status == 409 and error.body.get("code") == "needs_confirmation":
                print("warnings:", "; ".join(error.body["warnings"]), file=sys.stderr)
                return self.request("POST", "persons/", body={**person, "confirm": True})
            raise

    def open_case(self, person_id: int, case: dict) -> dict:
        return self.request("POST", "cases/", body={**case, "person": person_id})

    def move_case(self, case_id: int, to_status: str, reason: str, effective_on=None) -> dict:
        body = {"to_status": to_status, "reason": reason, "effective_on": effective_on}
        return self.request("POST", f"cases/{case_id}/transitions/", body=body)


def _json_or_empty(raw: bytes) -> dict:
    try:
        return json.loads(raw)
    except ValueError:
        return {}


def main(argv: list[str]) -> int:
    client = PortalClient(os.environ["PMKS_URL"], os.environ["PMKS_TOKEN"])
    command = argv[1] if len(argv) > 1 else "cases"
    if command == "cases":
        for case in client.pages("cases/"):
            print(case["id"], case["regency"], case["category_code"], case["status"])
    elif command == "aggregates":
        rows = client.request("GET", "aggregates/", query={"from": argv[2], "to": argv[3]})
        for row in rows:
            print(row["regency"], row["month"], row["programme"], row["found"], row["remaining"])
    elif command == "register":
        # [{"person": {...PersonIn...}, "case": {...CaseIn without "person"...}}, ...]
        with open(argv[2], encoding="utf-8") as source:
            for entry in json.load(source):
                try:
                    person = client.register_person(entry["person"])
                    case = client.open_case(person["id"], entry["case"])
                except ApiError as error:
                    print("refused:", error, file=sys.stderr)
                    continue
                print("case", case["id"], "for person", person["id"])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
