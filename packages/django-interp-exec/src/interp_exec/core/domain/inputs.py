"""What a workload takes from a person besides its sample: pasted text, uploaded files.

A workload declares its inputs beside its code (``cpu_workload(..., inputs=...)``),
with no Django in sight, so a host project's workload can do the same. The site
builds its job form and checks its API from the declarations:

    person's text / files --parse--> payload --measure--> job size --> queue_cpu_job

A parser is a pure function that returns the workload's payload or raises
``InvalidInput`` with a sentence naming the problem (the form shows it as it is).
``measure`` gives a payload's size in the workload's own units (words, samples per
channel, paragraphs); it also checks a payload given whole through the API, so
it raises ``InvalidInput`` for one of the wrong shape.
"""

import os.path
from collections.abc import Callable, Sequence

from interp_exec.core.domain.errors import InvalidInput
from interp_exec.core.domain.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class InputFile(Record):
    """One uploaded file: its name as the person's browser sent it, and its bytes."""

    __slots__ = ("content", "name")
    name: str
    content: bytes

    def __init__(self, name: str, content: bytes) -> None:
        self._set(name=name, content=content)

    @property
    def suffix(self) -> str:
        # Not pathlib: every worker that imports a workload module would import it too.
        return os.path.splitext(self.name)[1].lower()  # noqa: PTH122


type TextParser = Callable[[str], Any]
type FilesParser = Callable[[Sequence[InputFile]], Any]
type PayloadMeasure = Callable[[Any], int]
type PayloadCapacity = Callable[[int], str]
type FileBytesLimit = Callable[[int], int]


class PastedText(Record):
    """Text typed or pasted into the form; ``help_text`` says what to paste."""

    __slots__ = ("help_text", "parse")
    parse: TextParser
    help_text: str

    def __init__(self, parse: TextParser, help_text: str) -> None:
        self._set(parse=parse, help_text=help_text)


class FileUpload(Record):
    """Uploaded files with one of ``suffixes`` (lower case, with the dot).

    ``many``: several files make one payload (the parser gets them all, in the
    order given); else exactly one. Files with another suffix are refused before
    the parser sees them. ``largest_file`` gives, for a payload limit, the most file
    bytes that may still make a payload within it (a 64-bit float WAV shrinks to a
    third as base64 16-bit PCM); without it, a file is as large as its payload.
    """

    __slots__ = ("help_text", "largest_file", "many", "parse", "suffixes")
    suffixes: tuple[str, ...]
    parse: FilesParser
    help_text: str
    many: bool
    largest_file: FileBytesLimit | None

    def __init__(
        self,
        suffixes: tuple[str, ...],
        parse: FilesParser,
        help_text: str,
        many: bool = False,
        largest_file: FileBytesLimit | None = None,
    ) -> None:
        if not suffixes or any(not s.startswith(".") or s != s.lower() for s in suffixes):
            raise ValueError(f"suffixes must be lower-case and start with a dot, got {suffixes!r}")
        self._set(
            suffixes=suffixes,
            parse=parse,
            help_text=help_text,
            many=many,
            largest_file=largest_file,
        )

    def file_limit(self, payload_limit: int) -> int:
        """The bytes an upload may stream in for a payload of at most ``payload_limit``."""
        return payload_limit if self.largest_file is None else self.largest_file(payload_limit)

    def parse_files(self, files: Sequence[InputFile]) -> Any:
        """Check the count and the suffixes, then parse."""
        if not files:
            raise InvalidInput("choose a file to upload")
        if len(files) > 1 and not self.many:
            raise InvalidInput(f"upload one file, not {len(files)}")
        accepted = ", ".join(self.suffixes)
        for file in files:
            if file.suffix not in self.suffixes:
                raise InvalidInput(
                    f"{file.name} is not a file this workload reads: it takes {accepted}"
                )
        return self.parse(files)


class WorkloadInputs(Record):
    """The ways a person may give a workload their own data, and how to size it.

    ``unit`` names the size unit in the plural ("words"). Every workload also
    takes its sample (size and seed); these are the inputs beyond it.
    ``capacity`` says what a payload limit holds in a person's terms ("about 8.5 s
    of 44.1 kHz stereo audio"): bytes of JSON mean nothing to someone with a file.
    """

    __slots__ = ("capacity", "measure", "paste", "unit", "upload")
    unit: str
    measure: PayloadMeasure
    paste: PastedText | None
    upload: FileUpload | None
    capacity: PayloadCapacity | None

    def __init__(
        self,
        unit: str,
        measure: PayloadMeasure,
        paste: PastedText | None = None,
        upload: FileUpload | None = None,
        capacity: PayloadCapacity | None = None,
    ) -> None:
        self._set(unit=unit, measure=measure, paste=paste, upload=upload, capacity=capacity)

    def limit_text(self, payload_limit: int, most_units: int) -> str:
        """A job's limits as a person reads them: what ``payload_limit`` bytes hold in
        the workload's terms, the bytes, and the size no job may pass."""
        bounds = f"a payload of {payload_limit:,} bytes and {most_units:,} {self.unit}"
        if self.capacity is None:
            return bounds
        return f"{self.capacity(payload_limit)} ({bounds})"

    def size_of(self, payload: Any, *, most: int) -> int:
        """The job size of ``payload``: from 1 to ``most`` units, else ``InvalidInput``."""
        size = self.measure(payload)
        if size < 1:
            raise InvalidInput(f"the input holds no {self.unit} to work on")
        if size > most:
            raise InvalidInput(
                f"the input has {size:,} {self.unit}, more than the {most:,} one job may "
                "take; split it into several jobs"
            )
        return size
