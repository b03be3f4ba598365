"""A person's own documents for ``text.dedupe``: pasted, or one ``.txt`` file each.

Pasted documents are separated by a line of three dashes (``---``) when the text
has one, else by blank lines: show notes whose paragraphs are separated by blank
lines need the dashes. Each uploaded file is one document, named in the result.
"""

import re
from collections.abc import Sequence
from typing import Any

from episodic_site.workloads.text_files import clean_pasted_text, decode_text_file
from interp_exec.core.domain.errors import InvalidInput
from interp_exec.core.domain.inputs import InputFile

DOCUMENT_MARKER = "---"
_MARKER_LINE = re.compile(rf"^[ \t]*{DOCUMENT_MARKER}[ \t]*$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def documents_from_text(text: str) -> dict[str, Any]:
    text = clean_pasted_text(text)
    separator = _MARKER_LINE if _MARKER_LINE.search(text) else _BLANK_LINES
    documents = [d.strip() for d in separator.split(text) if d.strip()]
    if len(documents) < 2:
        raise InvalidInput(
            f"paste at least two documents to compare, separated by a line of three dashes "
            f"({DOCUMENT_MARKER}) or a blank line; found {len(documents)}"
        )
    return {"paragraphs": documents}


def documents_from_files(files: Sequence[InputFile]) -> dict[str, Any]:
    if len(files) < 2:
        raise InvalidInput(f"upload at least two .txt files to compare; got {len(files)}")
    documents = []
    for file in files:
        document = decode_text_file(file).strip()
        if not document:
            raise InvalidInput(f"{file.name} holds only blank space")
        documents.append(document)
    return {"paragraphs": documents, "names": [file.name for file in files]}


def count_documents(payload: Any) -> int:
    """A dedupe payload's size: its documents (the workload calls them paragraphs)."""
    paragraphs = payload.get("paragraphs") if isinstance(payload, dict) else None
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise InvalidInput('a dedupe payload is an object with "paragraphs": a list of strings')
    return len(paragraphs)
