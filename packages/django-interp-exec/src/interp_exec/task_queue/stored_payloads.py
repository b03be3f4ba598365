"""Whether the database can store a payload, checked before anything is stored.

Payloads (a job's, a task's arguments) go into a JSON column (``CpuJobPayload.data``),
and databases limit how deeply their JSON nests: SQLite's JSON functions stop at
1,000 levels (its ``JSON_VALID`` check then fails the INSERT with an
``IntegrityError``), MySQL's at 100; PostgreSQL's follow its stack (10,000 levels
pass). So a stored payload may nest as deep as the smaller of the dispatcher's
limit and the database's. Text that is not Unicode (a lone surrogate) is refused
too, as no database driver encodes it, and so is a NUL character, which
PostgreSQL's ``jsonb`` refuses: on every database, so a payload stored on one is
stored on any.
"""

import re
from typing import Any

from django.db import connections, router

from interp_exec.core.domain import InvalidJob, payload_to_json
from interp_exec.core.domain.json_text import MAX_PAYLOAD_DEPTH, not_unicode
from interp_exec.models import CpuJobPayload

# The deepest JSON each database vendor's JSON functions take; a vendor not named
# takes at least the dispatcher's MAX_PAYLOAD_DEPTH.
_DATABASE_DEPTH = {"sqlite": 1_000, "mysql": 100}
# The escape of a NUL character in JSON text: \u0000 after an even number of
# backslashes (an odd one makes it the text "\u0000").
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def max_stored_depth() -> int:
    """How deep a payload may nest to be stored in the database payloads are written to."""
    vendor = connections[router.db_for_write(CpuJobPayload)].vendor
    return min(MAX_PAYLOAD_DEPTH, _DATABASE_DEPTH.get(vendor, MAX_PAYLOAD_DEPTH))


def stored_json_bytes(payload: Any) -> int:
    """The bytes of ``payload``'s JSON; ``InvalidJob`` naming why the database could not
    store it (not JSON, nested too deep, not Unicode, a NUL character)."""
    text = payload_to_json(payload, max_depth=max_stored_depth())
    if problem := not_unicode(payload):
        raise InvalidJob(f"the payload cannot be stored: {problem}")
    if _NUL_ESCAPE.search(text):
        raise InvalidJob(
            "the payload cannot be stored: it holds a NUL character (\\u0000), which no "
            "text has and PostgreSQL's JSON columns refuse"
        )
    return len(text.encode())
