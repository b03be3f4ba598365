"""Uploaded and pasted text made into plain ``str``: one encoding rule for every parser.

Files must be UTF-8 (with or without a byte-order mark) or UTF-16 with its
byte-order mark (what Windows editors write as "Unicode"); anything else is
refused with the position of the first bad byte, never guessed at. Line ends
become ``\\n`` whatever they were (CRLF, CR). A NUL character is refused: no text
file has one, and PostgreSQL's JSON columns cannot store it.
"""

import codecs

from interp_exec.core.domain.errors import InvalidInput
from interp_exec.core.domain.inputs import InputFile

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# An English word with its space and punctuation, as JSON: about six bytes.
_PAYLOAD_BYTES_PER_WORD = 6


def words_capacity(payload_limit: int) -> str:
    """What a payload limit holds in words of English text."""
    return f"about {payload_limit // _PAYLOAD_BYTES_PER_WORD:,} words of English text"


def decode_text_file(file: InputFile) -> str:
    """The text of an uploaded file; ``InvalidInput`` for an empty or non-text one."""
    content = file.content
    if not content:
        raise InvalidInput(f"{file.name} is empty (0 bytes)")
    if content.startswith(_UTF16_BOMS):
        encoding, skip = "utf-16", 0  # the codec reads the mark and removes it
    else:
        encoding, skip = "utf-8", len(codecs.BOM_UTF8) if content.startswith(codecs.BOM_UTF8) else 0
    try:
        text = content[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{file.name} is not {encoding.upper()} text: byte {exc.object[exc.start]:#04x} at "
            f"offset {exc.start + skip:,} cannot be read; save the file as UTF-8 and upload "
            "it again"
        ) from None
    return _checked(text, file.name)


def clean_pasted_text(text: str) -> str:
    """Pasted text with its line ends made ``\\n``; ``InvalidInput`` for a NUL in it."""
    return _checked(text, "the pasted text")


def _checked(text: str, source: str) -> str:
    if "\x00" in text:
        raise InvalidInput(
            f"{source} holds a NUL character at offset {text.index(chr(0)):,}: "
            "it is not a text file"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")
