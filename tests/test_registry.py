"""Meta tests: every check has its code from codes.md, its documentation and its fixtures."""

import inspect
import re

import pytest

from conftest import FIXTURES, ROOT
from fitdoctor.checks import REGISTRY
from fitdoctor.checks.base import HEADINGS
from fitdoctor.codes import CODES

SHARED_CODES = ROOT.parent / "shared" / "docs" / "codes.md"


@pytest.mark.skipif(not SHARED_CODES.exists(), reason="shared/docs/codes.md is not beside this checkout")
def test_codes_match_the_shared_table():
    table = dict(re.findall(r"^\| (FD\d{3}) \| ([a-z0-9-]+) \|", SHARED_CODES.read_text(), re.MULTILINE))
    assert {code: entry.name for code, entry in CODES.items()} == table


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_check_is_documented_under_fixed_headings(code):
    doc = inspect.cleandoc(type(REGISTRY[code]).__doc__ or "")
    positions = [doc.find(f"{heading}:") for heading in HEADINGS]
    assert all(p >= 0 for p in positions), f"{code} lacks a heading of {HEADINGS}"
    assert positions == sorted(positions), f"{code}'s headings are out of order"


@pytest.mark.parametrize("code", sorted(c for c in REGISTRY if not c.startswith("FD9")))
def test_check_has_bad_and_good_fixtures(code):
    folder = FIXTURES / code
    assert list(folder.glob("bad_*.py")), f"no known-buggy program for {code}"
    assert list(folder.glob("good_*.py")), f"no known-healthy program for {code}"


def test_fixture_folders_name_registered_checks():
    for folder in FIXTURES.glob("FD*"):
        assert folder.name in REGISTRY, f"fixtures for {folder.name}, which no check reports"
