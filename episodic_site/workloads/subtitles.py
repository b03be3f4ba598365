"""Subtitle files (SubRip ``.srt``, WebVTT ``.vtt``) made into a transcript and its spoken time.

A cue is a timing and what is said during it. The transcript is the cues' text in
order, with cue numbers, timings, identifiers, notes, styling tags and entities
stripped. The spoken time is the union of the cue intervals (overlapping cues
count once), so the pauses between cues are not counted as speech.

A line that holds ``-->`` but is not a timing, a cue that ends before it starts,
or a block that should open with a timing and does not is refused with its line
number: a transcript built from a half-read file would give wrong figures.
"""

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from interp_exec.core.domain.errors import InvalidInput, shown

# Hours, minutes, seconds, milliseconds. SubRip separates the milliseconds with a
# comma (some tools write a dot); WebVTT uses a dot and may leave the hours out.
_SRT_TIME = r"(\d{1,3}):(\d{2}):(\d{2})[,.](\d{3})"
_VTT_TIME = r"(?:(\d{1,3}):)?(\d{2}):(\d{2})\.(\d{3})"
# After the timing, SubRip may carry position coordinates and WebVTT cue settings.
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(?:\s.*)?$")
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t].*)?$")
_SRT_FORMAT = "HH:MM:SS,mmm --> HH:MM:SS,mmm"
_VTT_FORMAT = "HH:MM:SS.mmm --> HH:MM:SS.mmm"

# A tag or override holds no opening bracket of its own kind: a search from an opening
# bracket stops at the next one, so text full of unclosed "<" is scanned once (with
# "<[^>]*>" every "<" rescanned to the end: quadratic, minutes for a file at the limit).
_TAG = re.compile(r"<[^<>]*>")  # <i>, <font ...>, <v Speaker>, <c.yellow>, <00:00:01.000>
_OVERRIDE = re.compile(r"\{\\[^{}]*\}")  # {\an8}: SubStation overrides some .srt files carry


@dataclass(slots=True)
class _Cue:
    start_ms: int
    end_ms: int
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Subtitles:
    """What a subtitle file says and for how long something is said."""

    text: str
    spoken_seconds: float
    cues: int


def parse_srt(text: str, name: str) -> Subtitles:
    """A SubRip file: numbered cues, each a timing line then its text, blank lines between."""
    cues: list[_Cue] = []
    for first_line, lines in _blocks(text.split("\n")):
        at = 1 if lines[0].strip().isdigit() else 0
        if at < len(lines) and "-->" in lines[at]:
            cue = _timing(lines[at], first_line + at, _SRT_TIMING, _SRT_FORMAT, name)
            cue.lines = _text_lines(lines[at + 1 :], first_line + at + 1, _SRT_TIMING, name)
            cues.append(cue)
        elif cues and at == 0:
            # A blank line inside a cue's text: the block belongs to the cue before it.
            cues[-1].lines.extend(_text_lines(lines, first_line, _SRT_TIMING, name))
        else:
            where = "after its cue number " if at else ""
            found = lines[at] if at < len(lines) else "nothing"
            raise InvalidInput(
                f"{name}, line {first_line + at}: expected a cue timing {where}"
                f"({_SRT_FORMAT}), found {shown(found)}"
            )
    return _subtitles(cues, name)


def parse_vtt(text: str, name: str) -> Subtitles:
    """A WebVTT file: the ``WEBVTT`` line, then cues (an optional identifier, a timing,
    its text), notes, styles and regions, blank lines between."""
    all_lines = text.split("\n")
    if not re.match(r"WEBVTT(?:[ \t]|$)", all_lines[0]):
        raise InvalidInput(f"{name} does not start with the line WEBVTT: it is not a WebVTT file")
    blocks = _blocks(all_lines)
    header_start, header = next(blocks)
    for offset, line in enumerate(header):
        if "-->" in line:
            raise InvalidInput(
                f"{name}, line {header_start + offset}: a cue must be separated from the "
                "WEBVTT header by a blank line"
            )
    cues: list[_Cue] = []
    for first_line, lines in blocks:
        head = lines[0]
        if re.match(r"(?:NOTE|STYLE|REGION)(?:[ \t]|$)", head):
            continue
        at = 0 if "-->" in head else 1  # else the first line is the cue's identifier
        if at >= len(lines) or "-->" not in lines[at]:
            raise InvalidInput(
                f"{name}, line {first_line + at}: expected a cue timing ({_VTT_FORMAT}), "
                f"found {shown(lines[at] if at < len(lines) else 'nothing')}"
            )
        cue = _timing(lines[at], first_line + at, _VTT_TIMING, _VTT_FORMAT, name)
        cue.lines = _text_lines(lines[at + 1 :], first_line + at + 1, _VTT_TIMING, name)
        cues.append(cue)
    return _subtitles(cues, name)


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the (1-based) number of its first line."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _timing(line: str, number: int, pattern: re.Pattern[str], form: str, name: str) -> _Cue:
    match = pattern.match(line.strip())
    if match is None:
        raise InvalidInput(
            f"{name}, line {number}: {shown(line.strip())} is not a cue timing; expected {form}"
        )
    start = _milliseconds(match.groups()[:4], line, number, name)
    end = _milliseconds(match.groups()[4:], line, number, name)
    if end < start:
        raise InvalidInput(
            f"{name}, line {number}: the cue ends before it starts ({shown(line.strip())})"
        )
    return _Cue(start, end)


def _milliseconds(parts: tuple[str | None, ...], line: str, number: int, name: str) -> int:
    hours, minutes, seconds, millis = (int(p) if p else 0 for p in parts)
    if minutes > 59 or seconds > 59:
        raise InvalidInput(
            f"{name}, line {number}: {shown(line.strip())} has minutes or seconds over 59"
        )
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _text_lines(lines: list[str], first: int, pattern: re.Pattern[str], name: str) -> list[str]:
    for offset, line in enumerate(lines):
        if pattern.match(line.strip()):
            raise InvalidInput(
                f"{name}, line {first + offset}: a second timing in one cue; "
                "cues must be separated by a blank line"
            )
    return lines


def _subtitles(cues: list[_Cue], name: str) -> Subtitles:
    if not cues:
        raise InvalidInput(f"{name} has no subtitle cues")
    texts = (_clean(" ".join(cue.lines)) for cue in cues)
    return Subtitles(
        text=" ".join(t for t in texts if t),
        spoken_seconds=_covered_ms(cues) / 1000,
        cues=len(cues),
    )


def _clean(text: str) -> str:
    text = html.unescape(_TAG.sub("", _OVERRIDE.sub("", text)))
    return " ".join(text.split())


def _covered_ms(cues: list[_Cue]) -> int:
    """Milliseconds covered by at least one cue."""
    covered = 0
    reach = 0
    for cue in sorted(cues, key=lambda c: c.start_ms):
        start = max(cue.start_ms, reach)
        if cue.end_ms > start:
            covered += cue.end_ms - start
        reach = max(reach, cue.end_ms)
    return covered
