"""What a stored payload's text may hold: decided on the JSON text at C speed when it has
no escape that could hide a surrogate or a NUL, by the full checks when it has one."""

import json
from typing import Any

import pytest

from interp_exec.core.domain import InvalidJob
from interp_exec.task_queue.stored_payloads import storable_json


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "plain words"},
        {"text": "an emoji 😀 is a surrogate pair in the JSON, and stays whole"},
        {"text": "\\ud800 and \\u0000 typed as text (a backslash, then letters)"},
        {"text": "é, ü, 漢字"},
    ],
)
def test_a_storable_payload_is_its_ascii_json(payload: Any) -> None:
    text = storable_json(payload)

    assert json.loads(text) == payload
    assert len(text) == len(text.encode()), "the text is ASCII: its length is its bytes"


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"text": "a\x00b"}, "NUL character"),
        ({"text": "\\\\\x00"}, "NUL character"),
        ({"text": "a\ud800"}, r"U\+D800"),
        ({"a\udfff": 1}, r"U\+DFFF"),
        ({"text": "😀 then a lone \udc00"}, r"U\+DC00"),
    ],
)
def test_a_nul_or_a_lone_surrogate_is_refused(payload: Any, problem: str) -> None:
    with pytest.raises(InvalidJob, match=problem):
        storable_json(payload)
