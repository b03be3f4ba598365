"""A person's own documents for ``text.dedupe``: pasted, or one ``.txt`` file each.

Pasted documents are separated by a line of three dashes (``---``) when the text
has one, else by blank lines: show notes whose paragraphs are separated by blank
lines need the dashes. Each uploaded file is one document, named in the result.
``count_documents`` checks the payload they make, or one given whole through the
API, field by field (at least two documents, the workload's tuning in range).
"""

import re
from collections.abc import Sequence

from episodic_site.workloads.payload_checks import number, only_keys, whole_number
from episodic_site.workloads.text_files import clean_pasted_text, decode_text_file
from interp_exec.core.domain.errors import InvalidInput
from interp_exec.core.domain.inputs import InputFile

# For the type checker only: a subinterpreter importing this module loads no typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DOCUMENT_MARKER = "---"
_MARKER_LINE = re.compile(rf"^[ \t]*{DOCUMENT_MARKER}[ \t]*$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_PAYLOAD_KEYS = ("paragraphs", "names", "threshold", "permutations", "bands")
# A signature's length: each document costs this many hash minimums per shingle.
MAX_PERMUTATIONS = 1_024


def documents_from_text(text: str) -> dict[str, Any]:
    text = clean_pasted_text(text)
    separator = _MARKER_LINE if _MARKER_LINE.search(text) else _BLANK_LINES
    return {"paragraphs": [d.strip() for d in separator.split(text) if d.strip()]}


def documents_from_files(files: Sequence[InputFile]) -> dict[str, Any]:
    documents = []
    for file in files:
        document = decode_text_file(file).strip()
        if not document:
            raise InvalidInput(f"{file.name} holds only blank space")
        documents.append(document)
    return {"paragraphs": documents, "names": [file.name for file in files]}


def count_documents(payload: Any) -> int:
    """A dedupe payload's size: its documents (the workload calls them paragraphs), once
    every field it reads is checked (``InvalidInput`` naming the first bad one)."""
    paragraphs = payload.get("paragraphs") if isinstance(payload, dict) else None
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise InvalidInput('a dedupe payload is an object with "paragraphs": a list of strings')
    only_keys(payload, _PAYLOAD_KEYS, "a dedupe payload")
    if len(paragraphs) < 2:
        raise InvalidInput(f"at least two documents are needed to compare; found {len(paragraphs)}")
    for place, paragraph in enumerate(paragraphs, start=1):
        if not paragraph.strip():
            raise InvalidInput(f"document {place} holds only blank space")
    _check_names(payload.get("names", []), len(paragraphs))
    if "threshold" in payload:
        number(payload, "threshold", 0, 1)
    permutations = whole_number(payload, "permutations", 64, 1, MAX_PERMUTATIONS)
    bands = whole_number(payload, "bands", 16, 1, permutations)
    if permutations % bands:
        raise InvalidInput(
            f"permutations ({permutations}) must be a multiple of bands ({bands}): each band "
            "takes as many of them"
        )
    return len(paragraphs)


def _check_names(names: Any, documents: int) -> None:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidInput('"names" must be a list of strings, one per document')
    if names and len(names) != documents:
        raise InvalidInput(f'"names" holds {len(names)} names for {documents} documents')
