"""A payload checked and made into the JSON text that is stored, once, before anything is.

A stored payload (a job's, a task's arguments) is kept as the JSON text the worker
receives (``CpuJobPayload.json_text``, a text column): the database neither parses it
on insert (PostgreSQL's ``jsonb``, SQLite's ``JSON_VALID`` check) nor prints it back
on every claim, so it nests as deep as the dispatcher allows
(``MAX_PAYLOAD_DEPTH``) on every database. Text that is not Unicode (a lone
surrogate) is refused, as no worker could encode it back, and so is a NUL
character, which PostgreSQL refuses in a job's result and error columns: on every
database, so a payload queued on one is queued on any.
"""

import re
from typing import Any

from interp_exec.core.domain import InvalidJob, payload_to_json
from interp_exec.core.domain.json_text import json_not_unicode

# The escape of a NUL character in JSON text: \u0000 after an even number of
# backslashes (an odd one makes it the text "\u0000").
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def storable_json(payload: Any) -> str:
    """``payload`` as the ASCII JSON text that is stored (its length is its bytes);
    ``InvalidJob`` naming why it cannot be (not JSON, nested too deep, not Unicode, a
    NUL character)."""
    text = payload_to_json(payload)
    if problem := json_not_unicode(text, payload):
        raise InvalidJob(f"the payload cannot be stored: {problem}")
    # payload_to_json escapes everything past ASCII, so a text without this escape
    # holds no NUL: settled at C speed, where the pattern took 5.5 ms on a 190 KB
    # transcript.
    if "\\u0000" in text and _NUL_ESCAPE.search(text):
        raise InvalidJob(
            "the payload cannot be stored: it holds a NUL character (\\u0000), which no "
            "text has and PostgreSQL's text columns refuse"
        )
    return text
