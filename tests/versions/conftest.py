"""Fixtures for the article-versions tests: the two seed versions of the BBC story."""

from __future__ import annotations

import re

import pytest

from tests.support.paths import CORPUS

ORIGINAL = "000_c96a03224ae27d3d.txt"
REWRITE = "001_b2d94b789626c3bb.txt"

_DATE = re.compile(r"\A\s*date \d{4}-\d{2}-\d{2}\s+")
_TRAILER = re.compile(r"(?:\s*(?:Source: BBC|--Agencies))+\s*\Z")


def seed_text(name: str, *, has_title: bool = False) -> str:
    """An article's text as the corpus reader gives it: no date token, no trailer lines, and
    no headline when the first line is one."""
    raw = (CORPUS / name).read_text(encoding="utf-8")
    text = _TRAILER.sub("", _DATE.sub("", raw))
    if has_title:
        text = text.split("\n", 1)[1]
    return text.strip()


@pytest.fixture(scope="session")
def original() -> str:
    return seed_text(ORIGINAL)


@pytest.fixture(scope="session")
def rewrite() -> str:
    return seed_text(REWRITE, has_title=True)
