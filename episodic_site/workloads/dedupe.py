"""Near-duplicate paragraphs in an episode script: word shingles, MinHash, LSH.

Writers paste, rework and re-paste; the pipeline flags paragraphs whose estimated
Jaccard similarity passes a threshold so an editor can cut the repeats. Hashes
are CRC32-based, never ``hash()``, whose seed differs between processes and would
make results differ between executor modes. Size unit: paragraphs (documents,
when a person pastes or uploads their own: see ``dedupe_inputs``).
"""

import random
import re
import zlib
from collections import defaultdict

from episodic_site.workloads.dedupe_inputs import (
    DOCUMENT_MARKER,
    count_documents,
    documents_from_files,
    documents_from_text,
)
from episodic_site.workloads.text_files import words_capacity
from interp_exec.core.domain.inputs import FileUpload, PastedText, WorkloadInputs
from interp_exec.core.workloads.registry import cpu_workload

# For the type checker only: a subinterpreter importing this module loads no typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MERSENNE_PRIME = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1
_WORD = re.compile(r"\w+")
_VOCABULARY = (
    "radio station streaming guest birdsong mountains listeners questions sleep memory "
    "archive interviews transcribed break podcasts grow fade microphone telephone live "
    "audience research stories facts producer edited tape minutes council lighthouse "
    "tourists season finale history music science culture community moment idea host "
    "recording studio network language weather island harbour festival library village"
).split()


def make_script(size: int, seed: int) -> dict[str, Any]:
    """``size`` paragraphs; about a fifth are lightly edited copies of earlier ones."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    for _ in range(size):
        if paragraphs and rng.random() < 0.2:
            words = rng.choice(paragraphs).split()
            words[rng.randrange(len(words))] = rng.choice(_VOCABULARY)
            paragraphs.append(" ".join(words))
        else:
            paragraphs.append(" ".join(rng.choice(_VOCABULARY) for _ in range(rng.randint(40, 80))))
    return {"paragraphs": paragraphs, "threshold": 0.8}


def _shingles(text: str, width: int) -> set[int]:
    words = _WORD.findall(text.lower())
    if len(words) < width:
        return {zlib.crc32(" ".join(words).encode())}
    return {
        zlib.crc32(" ".join(words[i : i + width]).encode()) for i in range(len(words) - width + 1)
    }


def _permutations(count: int) -> list[tuple[int, int]]:
    rng = random.Random(1_000_003)  # fixed: signatures must match across runs and modes
    return [
        (rng.randrange(1, _MERSENNE_PRIME), rng.randrange(0, _MERSENNE_PRIME)) for _ in range(count)
    ]


def _signature(shingles: set[int], permutations: list[tuple[int, int]]) -> list[int]:
    return [
        min(((a * s + b) % _MERSENNE_PRIME) & _MAX_HASH for s in shingles) for a, b in permutations
    ]


DEDUPE_INPUTS = WorkloadInputs(
    unit="paragraphs",
    measure=count_documents,
    paste=PastedText(
        parse=documents_from_text,
        help_text=(
            f"Episode descriptions or show notes, separated by a line of three dashes "
            f"({DOCUMENT_MARKER}) or, when there is none, by blank lines."
        ),
    ),
    upload=FileUpload(
        suffixes=(".txt",),
        parse=documents_from_files,
        help_text="Two or more .txt files (UTF-8), one document each.",
        many=True,
    ),
    capacity=words_capacity,
)


# min_task_size: 20x the worst per-job pool overhead measured (docs/rollout.md).
@cpu_workload(
    "text.dedupe",
    sample=make_script,
    bench_size=150,  # paragraphs, 1.0 to 1.4 ms each
    min_task_size=20,
    inputs=DEDUPE_INPUTS,
)
def near_duplicates(payload: dict[str, Any]) -> dict[str, Any]:
    """Pairs of paragraphs whose estimated Jaccard similarity passes the threshold."""
    paragraphs = payload["paragraphs"]
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise TypeError("payload['paragraphs'] must be a list of strings")
    threshold = float(payload.get("threshold", 0.8))
    permutation_count = int(payload.get("permutations", 64))
    bands = int(payload.get("bands", 16))
    if permutation_count % bands:
        raise ValueError("permutations must be a multiple of bands")
    rows = permutation_count // bands
    permutations = _permutations(permutation_count)
    signatures = [_signature(_shingles(p, 3), permutations) for p in paragraphs]

    buckets: defaultdict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    for index, signature in enumerate(signatures):
        for band in range(bands):
            buckets[band, tuple(signature[band * rows : (band + 1) * rows])].append(index)
    candidates = {
        (first, second)
        for members in buckets.values()
        for i, first in enumerate(members)
        for second in members[i + 1 :]
    }
    pairs = []
    for first, second in sorted(candidates):
        same = sum(x == y for x, y in zip(signatures[first], signatures[second], strict=True))
        similarity = same / permutation_count
        if similarity >= threshold:
            pairs.append([first, second, round(similarity, 4)])
    return {
        "paragraphs": len(paragraphs),
        "candidate_pairs": len(candidates),
        "duplicate_pairs": pairs,
    }
