"""Two facts about a payload's JSON that a parser learns too late: how deep it nests, and
whether all of its text is Unicode.

Depth is read from the JSON text without parsing it and without recursion: string
literals are cut out (a bracket inside one is text), every character but the four
brackets is dropped, and the deepest running count of open brackets is the depth
(``[]`` is 1, ``{"a": [1]}`` is 2). Both passes are regular expressions that never
rescan (an unterminated string runs to the end once), so a body of megabytes of
``[`` costs a tenth of a second and a parser that recurses never sees it.

A lone surrogate (``"\\ud800"`` in JSON, half of a UTF-16 pair) decodes to a Python
string that no UTF-8 encoder, database driver or renderer accepts; it is found by
encoding the decoded value back as UTF-8, which stops at the first one.
"""

import json
import re
from itertools import accumulate
from typing import Any

# The deepest payload the dispatcher takes: far past any real workload's payload,
# and within what every worker's JSON decoder follows. A database may allow less
# (interp_exec.task_queue.stored_payloads).
MAX_PAYLOAD_DEPTH = 2_000

_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply the JSON ``text`` nests lists and objects; 0 for a scalar.

    Text that is not JSON gets a number too (its brackets outside strings, counted
    the same way), so a caller may check the depth before the text is parsed.
    """
    if "[" not in text and "{" not in text:
        return 0
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def deeper_than(text: str, limit: int) -> int:
    """The depth of the JSON ``text`` when it nests deeper than ``limit``, else 0.

    Its opening brackets are counted first (at C speed): a text with no more of
    them than ``limit`` cannot nest deeper, which settles nearly every payload.
    """
    if text.count("[") + text.count("{") <= limit:
        return 0
    depth = json_depth(text)
    return depth if depth > limit else 0


def not_unicode(value: Any) -> str:
    """Why some text in the JSON-compatible ``value`` (keys included) is not Unicode,
    in a sentence; empty when all of it is."""
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError as exc:
        code = ord(exc.object[exc.start])
        return (
            f"it holds U+{code:04X}, half of a UTF-16 surrogate pair without its other "
            "half (an escape such as \\ud800): that is not a Unicode character"
        )
    return ""


def json_not_unicode(text: str, value: Any) -> str:
    """Why the JSON ``text`` (``value`` is what it decodes to) is not Unicode, as
    ``not_unicode`` says; empty when it is. In JSON only an escape (``\\ud800``, in
    either case) makes a surrogate, as UTF-8 text holds none, so a text without one is
    settled at C speed instead of encoding ``value`` again (~1 ms for a 190 KB
    transcript)."""
    if "\\ud" not in text and "\\uD" not in text:
        return ""
    return not_unicode(value)
