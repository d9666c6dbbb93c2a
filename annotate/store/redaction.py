"""Keeping database passwords out of everything the package shows: messages, reprs, logs and
tracebacks.

A password can sit in a URL's user part (``postgresql://user:secret@host/db``) or in its query
(``?password=secret``); both are masked. :func:`scrub` also masks the literal passwords of the
URLs a command was given, wherever a library may have copied them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

MASK = "***"

# scheme://user:PASSWORD@ — the password runs to the '@' (a literal '@' in it must be encoded).
_USER_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:)[^\s@]*@")
_QUERY_PASSWORD = re.compile(
    r"(?P<head>[?&](?:password|passwd|pwd|sslpassword)=)[^&\s#'\"]*", re.IGNORECASE
)
# Shorter passwords are not masked as bare words: masking "ab" would garble every message, and
# the URL patterns above still catch them where they appear as part of a URL.
_MIN_LITERAL = 4


def redact(url: str) -> str:
    """The URL with every password replaced by ``***``."""
    return _QUERY_PASSWORD.sub(rf"\g<head>{MASK}", _USER_PASSWORD.sub(rf"\g<head>{MASK}@", url))


def passwords_in(url: str) -> set[str]:
    """The passwords a URL holds, as written and decoded (empty for a path)."""
    found: set[str] = set()
    for pattern in (_USER_PASSWORD, _QUERY_PASSWORD):
        for match in pattern.finditer(url):
            value = url[match.end("head") : match.end()].rstrip("@")
            if value:
                found.update({value, unquote(value), quote(unquote(value), safe="")})
    return {value for value in found if value}


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL passwords and the given secrets masked."""
    text = redact(text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _MIN_LITERAL:
            text = text.replace(secret, MASK)
    return text
