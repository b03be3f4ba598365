"""Hypothesis strategies for API request bodies, each bad by construction.

Two kinds. ``unreadable_bodies`` are bytes no JSON API should take: nested past
every database's limit and the dispatcher's (2,000), invalid UTF-8, lone surrogate
escapes in any field, NaN, Infinity and numbers past a float, bytes that are no
JSON object. ``bad_requests`` are JSON objects that read fine but ask for a job no
workload takes: a good request with one field made bad (numeric extremes, wrong
types), one missing, or one more that nothing reads. "Good" and "bad" are decided
here from what each field is documented to take (README), not from the checks
under test.
"""

import base64
import codecs
import json
import math
import string
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

# Deeper than every database's JSON limit (SQLite's 1,000) and the dispatcher's 2,000.
DEPTH_NO_ONE_STORES = 2_001
MAX_JOB_SIZE = 1_000_000
MAX_SEED = 2**31 - 1

# JSON values of each kind but numbers, and numbers from the everyday to the extreme.
OTHER_KINDS: dict[type, SearchStrategy[Any]] = {
    type(None): st.none(),
    bool: st.booleans(),
    str: st.text(max_size=8),
    list: st.lists(st.integers(), max_size=2),
    dict: st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
}
NOT_NUMBERS: SearchStrategy[Any] = st.one_of(*OTHER_KINDS.values())
EXTREMES = st.sampled_from(
    [1e308, -1e308, 1e-300, -1e-300, 5e-324, 10**400, -(10**400), 2**63, 2**31, -1, 0, 0.0]
)
NUMBERS: SearchStrategy[Any] = st.one_of(
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), EXTREMES
)


def outside(low: float, high: float) -> SearchStrategy[Any]:
    """Numbers below ``low`` or above ``high``: extremes, and just past either end."""
    return st.one_of(
        EXTREMES.filter(lambda v: not low <= v <= high),
        st.integers(max_value=math.ceil(low) - 1),
        st.integers(min_value=math.floor(high) + 1),
        st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=False),
        st.floats(min_value=high, exclude_min=True, allow_nan=False, allow_infinity=False),
    )


def not_a_number_in(low: float, high: float) -> SearchStrategy[Any]:
    return st.one_of(outside(low, high), NOT_NUMBERS)


def not_a_whole_number_in(low: int, high: int) -> SearchStrategy[Any]:
    """Anything but a JSON whole number from ``low`` to ``high``; a float is none (64.0)."""
    return st.one_of(not_a_number_in(low, high), st.integers(low, high).map(float))


def not_of_type(kind: type) -> SearchStrategy[Any]:
    """A JSON value of any kind but ``kind`` (numbers included)."""
    return st.one_of(NUMBERS, *(values for k, values in OTHER_KINDS.items() if k is not kind))


def pcm(samples: int) -> str:
    """``samples`` mono 16-bit samples as base64, as the audio workloads take them."""
    return base64.b64encode(b"\x01\x00" * samples).decode()


# What each workload's payload takes, field by field: good values, then bad ones.
GOOD_FIELDS: dict[str, dict[str, SearchStrategy[Any]]] = {
    "transcript.readability": {
        "text": st.sampled_from(["Hello there, friends.", "One. Two words! Three?"]),
        "spoken_seconds": st.floats(0.001, 360_000),
    },
    "text.dedupe": {
        "paragraphs": st.lists(
            st.text(string.ascii_letters + " ", min_size=1, max_size=30).filter(str.strip),
            min_size=2,
            max_size=4,
        ),
        "threshold": st.floats(0, 1),
        "permutations": st.just(64),
        "bands": st.sampled_from([1, 2, 4, 8, 16, 32, 64]),
    },
    "audio.loudness": {
        "pcm16_b64": st.integers(1, 50).map(pcm),
        "sample_rate": st.integers(8_000, 192_000),
        "channels": st.just(1),
    },
}
GOOD_FIELDS["audio.spectrum"] = GOOD_FIELDS["audio.loudness"]
REQUIRED = {
    "transcript.readability": "text",
    "text.dedupe": "paragraphs",
    "audio.loudness": "pcm16_b64",
    "audio.spectrum": "pcm16_b64",
}
BAD_FIELDS: dict[str, dict[str, SearchStrategy[Any]]] = {
    "transcript.readability": {
        "text": st.one_of(not_of_type(str), st.text("!?.,;: \n-", max_size=20)),  # no word
        "spoken_seconds": not_a_number_in(0.001, 360_000),
    },
    "text.dedupe": {
        "paragraphs": st.one_of(
            not_of_type(list),
            st.lists(st.text(max_size=10), max_size=1),  # fewer than two documents
            st.lists(NUMBERS, min_size=2, max_size=3),
            st.just(["a document", " \n\t"]),  # one of them blank
        ),
        "threshold": not_a_number_in(0, 1),
        "permutations": not_a_whole_number_in(1, 1_024),
        "bands": st.one_of(
            not_a_whole_number_in(1, 64), st.sampled_from([3, 5, 6, 7, 12, 15, 33, 63])
        ),  # bands must divide the 64 permutations
        "names": st.one_of(
            not_of_type(list),
            st.lists(NUMBERS, min_size=2, max_size=2),
            st.just(["only-one-name.txt"] * 7),  # not one per document
        ),
    },
    "audio.loudness": {
        "pcm16_b64": st.one_of(
            not_of_type(str),
            st.sampled_from(["AA=A", "not base64!", "Zg==", "AQID", "caf\u00e9"]),
        ),
        "sample_rate": not_a_whole_number_in(8_000, 192_000),
        "channels": not_a_whole_number_in(1, 8),
    },
}
BAD_FIELDS["audio.spectrum"] = BAD_FIELDS["audio.loudness"]
WORKLOADS = sorted(GOOD_FIELDS)
KNOWN_KEYS = {key for fields in GOOD_FIELDS.values() for key in fields} | {"names"}
REQUEST_KEYS = {"workload", "payload", "size", "seed"}
UNKNOWN_KEYS = st.text(min_size=1, max_size=12).filter(
    lambda k: k not in KNOWN_KEYS and k not in REQUEST_KEYS
)


@st.composite
def good_payloads(draw: Any, workload: str) -> dict[str, Any]:
    fields = GOOD_FIELDS[workload]
    required = REQUIRED[workload]
    optional = draw(st.sets(st.sampled_from(sorted(set(fields) - {required}))))
    return {key: draw(fields[key]) for key in (required, *sorted(optional))}


@st.composite
def bad_payloads(draw: Any, workload: str) -> dict[str, Any]:
    """A good payload of ``workload`` with one field bad, or missing, or one more."""
    payload: dict[str, Any] = draw(good_payloads(workload))
    how = draw(st.sampled_from(["bad field", "missing", "unknown field"]))
    if how == "missing":
        del payload[REQUIRED[workload]]
    elif how == "unknown field":
        payload[draw(UNKNOWN_KEYS)] = draw(st.one_of(NOT_NUMBERS, NUMBERS))
    else:
        field = draw(st.sampled_from(sorted(BAD_FIELDS[workload])))
        payload[field] = draw(BAD_FIELDS[workload][field])
        if field == "names":
            payload["paragraphs"] = ["one document", "and another"]
    return payload


@st.composite
def bad_requests(draw: Any) -> dict[str, Any]:
    """A job request that reads as JSON and asks for a job no workload takes."""
    workload = draw(st.sampled_from(WORKLOADS))
    good = {"workload": workload, "payload": draw(good_payloads(workload))}
    request: dict[str, Any] = draw(
        st.one_of(
            bad_payloads(workload).map(lambda p: {"workload": workload, "payload": p}),
            not_a_whole_number_in(1, MAX_JOB_SIZE).map(lambda n: {"workload": workload, "size": n}),
            not_a_whole_number_in(0, MAX_SEED).map(
                lambda n: {"workload": workload, "size": 10, "seed": n}
            ),
            st.just({"payload": good["payload"]}),  # no workload
            st.one_of(
                not_of_type(str), st.text(max_size=20).filter(lambda w: w not in WORKLOADS)
            ).map(lambda w: {**good, "workload": w}),
            UNKNOWN_KEYS.map(lambda k: {**good, k: 1}),
            st.integers(0, MAX_SEED).map(lambda s: {**good, "seed": s}),  # a seed and a payload
        )
    )
    return request


def request_with(value: bytes, where: str) -> bytes:
    """A request whose workload, a payload key or a payload value is ``value`` (raw JSON)."""
    if where == "workload":
        return b'{"workload": ' + value + b', "payload": {"text": "Hi there."}}'
    if where == "key":
        return b'{"workload": "tests.echo", "size": 1, "payload": {' + value + b": 1}}"
    return b'{"workload": "tests.echo", "size": 1, "payload": [1, {"x": [' + value + b"]}]}"


PLACES = st.sampled_from(["workload", "key", "value"])
LONE_SURROGATES = st.one_of(
    st.integers(0xD800, 0xDBFF).map(lambda c: f'"a\\u{c:04x}b"'),  # a high half, alone
    st.integers(0xDC00, 0xDFFF).map(lambda c: f'"\\u{c:04X}"'),  # a low half, alone
    st.integers(0xDC00, 0xDFFF).map(lambda c: f'"\\ud800x\\u{c:04x}"'),  # two halves apart
)
INVALID_UTF8 = st.sampled_from(
    [
        b"\xff",
        b"\x80",
        b"\xc0\xaf",
        b"\xe0\x80\xaf",
        b"\xed\xa0\x80",
        b"\xe2\x82",
        b"\xf5\x80\x80\x80",
    ]
)
NOT_JSON_NUMBERS = st.sampled_from(
    [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e999", b"1" * 4_400]
)


@st.composite
def deep_bodies(draw: Any) -> bytes:
    depth = draw(st.integers(DEPTH_NO_ONE_STORES, 60_000))
    opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"k":', b"}"), (b"[{}, ", b"]")]))
    return request_with(opener * depth + b"0" + closer * depth, "value")


def not_a_json_object(body: bytes) -> bool:
    try:
        return not isinstance(json.loads(body), dict)
    except ValueError:
        return True


def unreadable_bodies() -> SearchStrategy[bytes]:
    """Bytes that are no readable JSON request, each broken in one way."""
    return st.one_of(
        deep_bodies(),
        st.tuples(LONE_SURROGATES, PLACES).map(lambda s: request_with(s[0].encode(), s[1])),
        st.tuples(INVALID_UTF8, PLACES).map(lambda b: request_with(b'"ok' + b[0] + b'"', b[1])),
        st.tuples(NOT_JSON_NUMBERS, PLACES).map(lambda n: request_with(n[0], n[1])),
        st.binary(max_size=60).filter(not_a_json_object),
        st.text(max_size=60).map(str.encode).filter(not_a_json_object),
    )


def names_utf8(charset: str) -> bool:
    """Whether Python's codec registry reads ``charset`` as UTF-8 ("utf8", "u8", ...)."""
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


NOT_UTF8_CHARSETS = st.one_of(
    st.sampled_from(["latin-1", "iso-8859-1", "utf-16", "utf-32", "unicode_escape", "ascii"]),
    st.sampled_from(["cp1252", "utf-7", "raw_unicode_escape", "shift_jis", "utf-8-sig"]),
    st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=12),
).filter(lambda charset: not names_utf8(charset))
