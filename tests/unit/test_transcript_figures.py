"""``transcript.readability``'s figures, pinned.

The workload counts sentences with a pattern and words in one ``Counter`` rather
than by splitting the text and lowering each word into a list of its own (less
time, and 1 MiB less left in each subinterpreter that runs it): the figures below
were taken from the splitting version, and a property keeps the count equal to
its definition (the runs between end marks that hold more than whitespace) on any
text, Unicode whitespace included.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from episodic_site.workloads.transcript import make_transcript, readability

PINNED = [
    (
        "Um, so... like, I think?!  \u00a0 . \u2003!  Well. It's the end.\n\n\t?",
        {
            "fillers": {"like": 1, "so": 1, "um": 1},
            "flesch_kincaid_grade": -2.9125,
            "flesch_reading_ease": 119.9513,
            "mean_sentence_words": 2.25,
            "sentences": 4,
            "spoken_minutes": 0.06,
            "syllables": 9,
            "top_words": [["end", 1], ["it's", 1], ["think", 1], ["well", 1]],
            "type_token_ratio": 1.0,
            "words": 9,
        },
    ),
    ("   ", {"sentences": 0, "words": 0}),
    (
        "no end mark at all",
        {
            "fillers": {},
            "flesch_kincaid_grade": -1.84,
            "flesch_reading_ease": 117.16,
            "mean_sentence_words": 5.0,
            "sentences": 1,
            "spoken_minutes": 0.03,
            "syllables": 5,
            "top_words": [["all", 1], ["end", 1], ["mark", 1]],
            "type_token_ratio": 1.0,
            "words": 5,
        },
    ),
    (
        ". . . word",
        {
            "fillers": {},
            "flesch_kincaid_grade": -3.4,
            "flesch_reading_ease": 121.22,
            "mean_sentence_words": 1.0,
            "sentences": 1,
            "spoken_minutes": 0.01,
            "syllables": 1,
            "top_words": [["word", 1]],
            "type_token_ratio": 1.0,
            "words": 1,
        },
    ),
]


@pytest.mark.parametrize(("text", "figures"), PINNED)
def test_figures_of_short_texts(text: str, figures: dict[str, object]) -> None:
    assert readability({"text": text}) == figures


def test_figures_of_a_sample_transcript() -> None:
    figures = readability(make_transcript(3000, 11))
    assert figures["sentences"] == 225
    assert figures["syllables"] == 5164
    assert figures["flesch_reading_ease"] == 47.6769
    assert figures["fillers"] == {
        "actually": 45,
        "basically": 50,
        "like": 46,
        "so": 44,
        "uh": 46,
        "um": 39,
    }
    assert figures["top_words"][0] == ["studio", 62]


def sentences_by_splitting(text: str) -> int:
    return len([part for part in re.split(r"[.!?]+", text) if part.strip()])


@given(
    st.text(
        alphabet=st.sampled_from("ab .!?'\t\n\u00a0\u2003\u3000\x1c\x85"),
        max_size=60,
    )
)
def test_sentences_are_the_runs_between_end_marks_that_hold_more_than_whitespace(
    text: str,
) -> None:
    figures = readability({"text": text + " word"})
    assert figures["sentences"] == max(sentences_by_splitting(text + " word"), 1)
