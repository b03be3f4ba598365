"""JSON depth read from the text without parsing it, and text that is not Unicode."""

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interp_exec.core.domain.json_text import (
    deeper_than,
    json_depth,
    json_not_unicode,
    not_unicode,
)
from tests.unit.hostile_values import nested

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='ab[]{}"\\,: ', max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)


def depth_of(value: Any) -> int:
    """The nesting of a decoded value, counted the plain way (recursion: small values only)."""
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    return 0


@given(value=json_values, indent=st.sampled_from([None, 2]))
def test_the_depth_of_any_json_is_read_from_its_text(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)

    assert json_depth(text) == depth_of(value)


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('"[[[["', 0),  # brackets in a string are text
        ('{"a\\"[": ["\\\\", {"]": []}]}', 4),  # escaped quotes and backslashes
        ('["unterminated [[[', 1),  # a string that never ends runs to the end
        ("[" * 100_000, 100_000),  # never closed
        ("not json at all", 0),
    ],
)
def test_the_depth_of_strings_escapes_and_broken_text(text: str, depth: int) -> None:
    assert json_depth(text) == depth


def test_deeper_than_names_the_depth_only_past_the_limit() -> None:
    text = json.dumps(nested(1_000))  # 1,001 lists deep

    assert (deeper_than(text, 1_000), deeper_than(text, 1_001)) == (1_001, 0)
    assert deeper_than("[" + "[], " * 5_000 + "[]]", 10) == 0  # many brackets, shallow


@pytest.mark.parametrize(
    ("value", "code"),
    [("\ud800", "U+D800"), ({"ok": ["x", {"\udfff": 1}]}, "U+DFFF"), (["a\udbffb"], "U+DBFF")],
)
def test_a_lone_surrogate_anywhere_is_not_unicode(value: Any, code: str) -> None:
    assert code in not_unicode(value)


def test_text_from_every_plane_is_unicode() -> None:
    assert not_unicode({"caf\u00e9": ["\u5b57", "\U0001f600", "\U0010fffd"]}) == ""


texts_with_surrogates = st.text(st.characters(categories=["Cs", "Ll", "So"]), max_size=4)


@given(st.dictionaries(texts_with_surrogates, st.lists(texts_with_surrogates, max_size=3)))
def test_read_from_the_json_text_it_says_what_encoding_the_value_says(value: Any) -> None:
    text = json.dumps(value)
    capitals = re.sub(r"\\u([0-9a-f]{4})", lambda escape: "\\u" + escape[1].upper(), text)
    # What the text decodes to: a pair of surrogates written as two escapes is one character.
    decoded = json.loads(text)

    assert json.loads(capitals) == decoded
    assert (
        json_not_unicode(text, decoded)
        == json_not_unicode(capitals, decoded)
        == not_unicode(decoded)
    )
