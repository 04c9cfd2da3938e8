"""Name/NIK searches kept in the session, so the text never appears in a URL or access log.

The list URL carries only a random token (?s=...) that points at the text in this session.
"""

import secrets

SESSION_KEY = "case_searches"
KEEP = 20


def remember(session, text: str) -> str:
    searches = session.get(SESSION_KEY, {})
    token = secrets.token_urlsafe(8)
    searches[token] = text
    session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
    return token


def recall(session, token: str | None) -> str | None:
    if not token:
        return None
    return session.get(SESSION_KEY, {}).get(token)
