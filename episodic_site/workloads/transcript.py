"""Transcript statistics: how hard an episode's script is to follow when spoken.

Readability (Flesch reading ease, Flesch-Kincaid grade), speaking-pace figures,
filler words and the most used content words. Size unit: words. A payload may
carry ``spoken_seconds`` (from a subtitle file's cue timings): the spoken minutes
and words per minute are then measured, not estimated. It holds nothing else.
"""

import random
import re
from collections import Counter

from episodic_site.workloads.payload_checks import number, only_keys
from episodic_site.workloads.text_files import words_capacity
from episodic_site.workloads.transcript_inputs import (
    TRANSCRIPT_SUFFIXES,
    transcript_from_files,
    transcript_from_text,
)
from interp_exec.core.domain.errors import InvalidInput
from interp_exec.core.domain.inputs import FileUpload, PastedText, WorkloadInputs
from interp_exec.core.workloads.registry import cpu_workload

# For the type checker only: a subinterpreter importing this module loads no typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_WORD = re.compile(r"[A-Za-z']+")
# A sentence: a run of text between end marks that is not all whitespace, counted
# without making it a string (on a 30,000-word transcript splitting on the end marks
# took 2.8 ms and 0.3 MB of strings, this 1.5 ms and none).
_SENTENCE = re.compile(r"[^.!?\s][^.!?]*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_FILLERS = ("um", "uh", "like", "basically", "actually", "literally", "so")
_STOPWORDS = frozenset(
    "a an and are as at be but by for from has have i if in into is it its of on or our "
    "so that the their there they this to was we were what when which who will with you "
    "your um uh like just".split()
)
_VOCABULARY = (
    "podcast episode listener guest story interview microphone audio question answer "
    "history science music culture research community idea moment minute season host "
    "conversation production editing transcript recording studio network language "
    "I we you they think really know mean people time thing year way day world "
    "um uh like basically actually so and the a to of in that is it for on with as"
).split()
WORDS_PER_MINUTE_SPOKEN = 150
# Spoken time a payload may give: from the millisecond a subtitle timing resolves
# to 100 hours, longer than any episode (and than a pace worth reporting).
MIN_SPOKEN_SECONDS = 0.001
MAX_SPOKEN_SECONDS = 360_000
_PAYLOAD_KEYS = ("text", "spoken_seconds")


def count_syllables(word: str) -> int:
    word = word.lower().strip("'")
    if not word:
        return 0
    groups = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(groups, 1)


def make_transcript(size: int, seed: int) -> dict[str, Any]:
    """A deterministic transcript of ``size`` words in sentences of 4 to 24 words."""
    rng = random.Random(seed)
    words: list[str] = []
    while len(words) < size:
        length = min(rng.randint(4, 24), size - len(words))
        sentence = [rng.choice(_VOCABULARY) for _ in range(length)]
        sentence[0] = sentence[0].capitalize()
        sentence[-1] += rng.choice(".?!.")
        words.extend(sentence)
    return {"text": " ".join(words)}


def count_words(payload: Any) -> int:
    """A transcript payload's size: its words, counted as the workload counts them, once
    every field it reads is checked (``InvalidInput`` naming the first bad one)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        raise InvalidInput('a transcript payload is an object with its "text" as a string')
    only_keys(payload, _PAYLOAD_KEYS, "a transcript payload")
    _spoken_seconds(payload)
    return len(_WORD.findall(payload["text"]))


def _spoken_seconds(payload: dict[str, Any]) -> float | None:
    if "spoken_seconds" not in payload:
        return None
    return number(payload, "spoken_seconds", MIN_SPOKEN_SECONDS, MAX_SPOKEN_SECONDS, "seconds")


TRANSCRIPT_INPUTS = WorkloadInputs(
    unit="words",
    measure=count_words,
    paste=PastedText(
        parse=transcript_from_text,
        help_text="The episode's transcript as plain text.",
    ),
    upload=FileUpload(
        suffixes=TRANSCRIPT_SUFFIXES,
        parse=transcript_from_files,
        help_text=(
            "A transcript (.txt, UTF-8) or subtitles (.srt, .vtt): cue numbers, timings "
            "and tags are stripped, and the cue timings give the real speaking pace."
        ),
    ),
    capacity=words_capacity,
)


# min_task_size: 20x the worst per-job pool overhead measured (docs/rollout.md).
@cpu_workload(
    "transcript.readability",
    sample=make_transcript,
    bench_size=150_000,  # words, 1.0 to 1.5 us each: 150 to 220 ms a job inline
    min_task_size=15_000,
    inputs=TRANSCRIPT_INPUTS,
)
def readability(payload: dict[str, Any]) -> dict[str, Any]:
    """Readability and speaking statistics of a transcript."""
    text = payload["text"]
    if not isinstance(text, str):
        raise TypeError("payload['text'] must be a string")
    spoken_seconds = _spoken_seconds(payload)
    sentences = max(sum(1 for _ in _SENTENCE.finditer(text)), 1)
    words = _WORD.findall(text)
    if not words:
        return {"words": 0, "sentences": 0}
    syllables = sum(count_syllables(w) for w in words)
    counts = Counter(map(str.lower, words))
    content = Counter({w: n for w, n in counts.items() if w not in _STOPWORDS and len(w) > 2})
    per_sentence = len(words) / sentences
    per_word = syllables / len(words)
    result = {
        "words": len(words),
        "sentences": sentences,
        "syllables": syllables,
        "flesch_reading_ease": round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 4),
        "flesch_kincaid_grade": round(0.39 * per_sentence + 11.8 * per_word - 15.59, 4),
        "mean_sentence_words": round(per_sentence, 4),
        "type_token_ratio": round(len(counts) / len(words), 6),
        "spoken_minutes": round(len(words) / WORDS_PER_MINUTE_SPOKEN, 2),
        "fillers": {f: counts[f] for f in _FILLERS if counts[f]},
        "top_words": [[w, n] for w, n in sorted(content.items(), key=lambda i: (-i[1], i[0]))[:10]],
    }
    if spoken_seconds is not None:
        result["spoken_minutes"] = round(spoken_seconds / 60, 2)
        result["words_per_minute"] = round(len(words) / (spoken_seconds / 60), 1)
    return result
