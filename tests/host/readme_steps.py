"""The steps of the app's README section "Use it in your project", as a test follows them.

Each fenced block of the section is one step: a ``sh`` block holds commands, a
``python`` block whose first line is ``# <path>`` is code for that file of the
host project (``settings.py`` and ``urls.py`` are added to; other files are
created). A block with no such line is an example for the reader, not a step.
The subsection "The optional apps" holds the steps for the extras.
"""

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "packages" / "django-interp-exec" / "README.md"
SECTION = "## Use it in your project"
EXTRAS = "### The optional apps"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.M | re.S)


@dataclass(frozen=True)
class Step:
    language: str
    code: str

    @property
    def path(self) -> str | None:
        """The host file a python block is for, else None."""
        first = self.code.splitlines()[0] if self.code else ""
        found = re.fullmatch(r"# ([\w/]+\.py)", first) if self.language == "python" else None
        return found.group(1) if found else None

    @property
    def commands(self) -> list[str]:
        return [line for line in self.code.splitlines() if line and not line.startswith("#")]


def readme_steps() -> tuple[list[Step], list[Step]]:
    """The base steps and the extras' steps, in the README's order."""
    text = README.read_text()
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    base, _, extras = section.partition(EXTRAS)
    return _steps(base), _steps(extras)


def _steps(text: str) -> list[Step]:
    return [Step(language, code) for language, code in _BLOCK.findall(text)]
