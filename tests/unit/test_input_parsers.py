"""Parsers of a person's own input: text files, subtitles, pasted documents, sizes."""

import base64
import codecs
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from episodic_site.workloads import MODULES as SITE_WORKLOADS
from episodic_site.workloads.audio_inputs import samples_per_channel
from episodic_site.workloads.dedupe_inputs import (
    count_documents,
    documents_from_files,
    documents_from_text,
)
from episodic_site.workloads.subtitles import parse_srt, parse_vtt
from episodic_site.workloads.text_files import decode_text_file
from episodic_site.workloads.transcript import count_words, readability
from episodic_site.workloads.transcript_inputs import transcript_from_files
from interp_exec.core.domain import InvalidInput
from interp_exec.core.domain.inputs import FileUpload, InputFile
from interp_exec.core.workloads import get_workload, load_workload_modules

SRT = """1
00:00:01,000 --> 00:00:04,500
<i>Welcome back</i> to the show.

2
00:00:05,000 --> 00:00:08,000
{\\an8}Today: birds &amp; bees.
- And a guest!

"""

VTT = """WEBVTT - an episode

NOTE written by hand
spanning two lines

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:04.500 align:start position:10%
<v Host>Welcome back</v> to the show.

00:00:05.000 --> 00:00:08.000
<c.yellow>Today</c>: birds &amp; bees.
"""


def file(name: str, text: str, encoding: str = "utf-8") -> InputFile:
    return InputFile(name, text.encode(encoding))


def test_an_srt_file_gives_its_words_and_the_seconds_spoken() -> None:
    payload = transcript_from_files([file("ep1.srt", SRT)])

    assert payload == {
        "text": "Welcome back to the show. Today: birds & bees. - And a guest!",
        "spoken_seconds": 6.5,  # 3.5 s + 3 s; the pause between the cues is not speech
    }


def test_a_vtt_file_skips_its_header_notes_styles_and_cue_identifiers() -> None:
    payload = transcript_from_files([file("ep1.vtt", VTT)])

    assert payload == {
        "text": "Welcome back to the show. Today: birds & bees.",
        "spoken_seconds": 6.5,
    }


def test_overlapping_cues_count_their_shared_time_once() -> None:
    subtitles = parse_srt(
        "1\n00:00:00,000 --> 00:00:02,000\nA\n\n2\n00:00:01,000 --> 00:00:03,000\nB\n", "x.srt"
    )

    assert subtitles.spoken_seconds == 3.0


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_bom_and_any_line_end_read_the_same(encoding: str, bom: bytes, newline: str) -> None:
    content = bom + SRT.replace("\n", newline).encode(encoding)

    payload = transcript_from_files([InputFile("ep1.srt", content)])

    assert payload == transcript_from_files([file("ep1.srt", SRT)])


def test_a_text_file_is_the_transcript_as_it_is() -> None:
    assert transcript_from_files([file("a.txt", "One. Two!\r\nThree?")]) == {
        "text": "One. Two!\nThree?"
    }


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "latin.txt",
            "caf\u00e9 au lait".encode("latin-1"),
            "latin.txt is not UTF-8 text: byte 0xe9",
        ),
        ("empty.srt", b"", r"empty.srt is empty \(0 bytes\)"),
        ("nul.txt", b"abc\x00def", "holds a NUL character at offset 3"),
        ("odd.txt", codecs.BOM_UTF16_LE + b"a\x00b", "odd.txt is not UTF-16 text"),
    ],
)
def test_a_file_that_is_not_text_is_refused_by_name(
    name: str, content: bytes, problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        decode_text_file(InputFile(name, content))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "1\n00:00:01,000 --> 00:00:0x,000\nHi\n",
            r"line 2: '00:00:01,000 --> 00:00:0x,000' is not",
        ),
        ("1\n00:00:01 --> 00:00:02\nHi\n", "line 2: .* is not a cue timing; expected HH:MM:SS,mmm"),
        ("1\n00:00:05,000 --> 00:00:01,000\nHi\n", "line 2: the cue ends before it starts"),
        ("1\n00:00:61,000 --> 00:01:02,000\nHi\n", "line 2: .* minutes or seconds over 59"),
        ("1\nHi there\n", "line 2: expected a cue timing after its cue number"),
        ("Hello\n\n1\n00:00:01,000 --> 00:00:02,000\nHi\n", "line 1: expected a cue timing"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nHi\n2\n00:00:03,000 --> 00:00:04,000\nHo\n",
            "line 5: a second timing in one cue",
        ),
        ("\n\n", "has no subtitle cues"),
    ],
)
def test_an_srt_file_with_broken_timings_is_refused_at_its_line(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=f"ep.srt, {problem}" if "line" in problem else problem):
        parse_srt(text, "ep.srt")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("00:01.000 --> 00:02.000\nHi\n", "does not start with the line WEBVTT"),
        ("WEBVTT\n00:01.000 --> 00:02.000\nHi\n", "line 2: a cue must be separated"),
        ("WEBVTT\n\n00:01,000 --> 00:02,000\nHi\n", "line 3: .* is not a cue timing"),
        ("WEBVTT\n\nintro\nHi\n", "line 4: expected a cue timing"),
        ("WEBVTT\n\n00:03.000 --> 00:02.000\nHi\n", "line 3: the cue ends before it starts"),
    ],
)
def test_a_vtt_file_with_broken_timings_is_refused_at_its_line(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_vtt(text, "ep.vtt")


def timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


words = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
cues = st.lists(
    st.tuples(
        st.integers(0, 10_000_000), st.integers(0, 60_000), st.lists(words, min_size=1, max_size=6)
    ),
    min_size=1,
    max_size=20,
)


@given(cues=cues, crlf=st.booleans())
def test_any_well_formed_subtitles_give_back_their_words_and_covered_time(
    cues: list[tuple[int, int, list[str]]], crlf: bool
) -> None:
    srt = "".join(
        f"{n}\n{timestamp(start, ',')} --> {timestamp(start + length, ',')}\n{' '.join(ws)}\n\n"
        for n, (start, length, ws) in enumerate(cues, start=1)
    )
    vtt = "WEBVTT\n\n" + "".join(
        f"{timestamp(start, '.')} --> {timestamp(start + length, '.')}\n{' '.join(ws)}\n\n"
        for start, length, ws in cues
    )
    covered: set[int] = set()  # every millisecond some cue covers
    for start, length, _ in cues:
        covered.update(range(start, start + length))
    spoken = [w for _, _, ws in cues for w in ws]

    for parsed in (
        parse_srt(srt.replace("\n", "\r\n") if crlf else srt, "h.srt"),
        parse_vtt(vtt, "h.vtt"),
    ):
        assert parsed.text.split() == spoken
        assert parsed.spoken_seconds == len(covered) / 1000
        assert parsed.cues == len(cues)


def test_spoken_seconds_give_the_measured_pace_and_leave_the_rest_unchanged() -> None:
    text = "Welcome back to the show. Today we talk about birds and bees."
    estimated = readability({"text": text})
    measured = readability({"text": text, "spoken_seconds": 6.0})

    assert "words_per_minute" not in estimated
    assert estimated["spoken_minutes"] == round(12 / 150, 2)
    assert measured["words_per_minute"] == 120.0  # 12 words in 6 s
    assert measured["spoken_minutes"] == 0.1
    assert {
        k: v for k, v in measured.items() if k not in {"words_per_minute", "spoken_minutes"}
    } == {k: v for k, v in estimated.items() if k != "spoken_minutes"}


@pytest.mark.parametrize(
    "seconds", [0, -1, float("nan"), "60", True, None, 1e-300, 1e308, 10**400, 360_000.5]
)
def test_a_transcript_payload_with_bad_spoken_seconds_is_refused(seconds: object) -> None:
    with pytest.raises(
        InvalidInput, match=r"spoken_seconds must be a number of seconds from 0\.001 to 360,000"
    ):
        count_words({"text": "hi", "spoken_seconds": seconds})
    with pytest.raises(ValueError, match="spoken_seconds"):
        readability({"text": "hi", "spoken_seconds": seconds})


def test_pasted_documents_split_on_dashes_when_there_are_some_else_on_blank_lines() -> None:
    notes = "Episode one.\n\nWith a second paragraph.\n---\nEpisode two.\r\n --- \r\nEpisode three."
    plain = "First description.\n\n\nSecond description.\n  \nThird."

    assert documents_from_text(notes)["paragraphs"] == [
        "Episode one.\n\nWith a second paragraph.",
        "Episode two.",
        "Episode three.",
    ]
    assert documents_from_text(plain)["paragraphs"] == [
        "First description.",
        "Second description.",
        "Third.",
    ]


def test_dedupe_needs_two_documents_and_names_an_empty_file() -> None:
    with pytest.raises(InvalidInput, match=r"at least two documents are needed.*found 1"):
        count_documents(documents_from_text("Only one document here."))
    with pytest.raises(InvalidInput, match=r"at least two documents are needed.*found 1"):
        count_documents(documents_from_files([file("a.txt", "one")]))
    with pytest.raises(InvalidInput, match=r"b\.txt holds only blank space"):
        documents_from_files([file("a.txt", "one"), file("b.txt", " \n\t")])
    assert documents_from_files([file("a.txt", "one"), file("b.txt", "two\n")]) == {
        "paragraphs": ["one", "two"],
        "names": ["a.txt", "b.txt"],
    }


def test_an_upload_declaration_checks_count_and_suffix_before_parsing() -> None:
    load_workload_modules(SITE_WORKLOADS)
    upload = get_workload("transcript.readability").inputs.upload  # type: ignore[union-attr]
    assert isinstance(upload, FileUpload)

    with pytest.raises(InvalidInput, match="choose a file"):
        upload.parse_files([])
    with pytest.raises(InvalidInput, match="upload one file, not 2"):
        upload.parse_files([file("a.txt", "x"), file("b.txt", "y")])
    with pytest.raises(InvalidInput, match=r"ep\.mp3 is not a file this workload reads: .*\.srt"):
        upload.parse_files([file("ep.mp3", "x")])
    assert upload.parse_files([file("EP.TXT", "Hi.")]) == {"text": "Hi."}


@pytest.mark.parametrize(("channels", "samples"), [(1, 0), (1, 1), (1, 7), (2, 5), (8, 3)])
def test_audio_size_is_samples_per_channel_read_from_the_base64_length(
    channels: int, samples: int
) -> None:
    pcm = b"\x01\x02" * channels * samples
    payload = {"channels": channels, "pcm16_b64": base64.b64encode(pcm).decode()}

    assert samples_per_channel(payload) == samples


def test_sizes_outside_one_to_the_most_are_refused_with_the_unit() -> None:
    load_workload_modules(SITE_WORKLOADS)
    inputs = get_workload("transcript.readability").inputs
    assert inputs is not None

    with pytest.raises(InvalidInput, match="holds no words"):
        inputs.size_of({"text": "... !!!"}, most=10)
    with pytest.raises(InvalidInput, match="has 11 words, more than the 10 one job may take"):
        inputs.size_of({"text": "a " * 11}, most=10)
    assert inputs.size_of({"text": "a " * 10}, most=10) == 10


def parsed_or_refusal(parse: Callable[[], Any]) -> Any:
    """What ``parse`` returns, or the ``InvalidInput`` it raises (any other error escapes)."""
    try:
        return parse()
    except InvalidInput as exc:
        return exc


subtitle_like = st.text(
    alphabet=st.sampled_from(list("0123456789:,.-> \n\r\tWEBVTNOabc<>/{}\\&;")), max_size=300
)


@given(name=st.sampled_from(["a.txt", "a.srt", "a.vtt"]), content=st.binary(max_size=300))
def test_any_bytes_give_a_transcript_or_a_named_refusal(name: str, content: bytes) -> None:
    payload = parsed_or_refusal(lambda: transcript_from_files([InputFile(name, content)]))

    if isinstance(payload, InvalidInput):
        assert str(payload).startswith("a.")
    else:
        assert isinstance(payload["text"], str)
        assert "\x00" not in payload["text"]
        assert payload.get("spoken_seconds", 1) > 0


@given(text=subtitle_like)
def test_any_subtitle_like_text_parses_or_is_refused_with_a_reason(text: str) -> None:
    for parse in (parse_srt, parse_vtt):
        parsed = parsed_or_refusal(lambda parse=parse: parse(text, "x"))  # type: ignore[misc]

        if isinstance(parsed, InvalidInput):
            assert str(parsed).startswith("x")
        else:
            assert parsed.cues >= 1
            assert parsed.spoken_seconds >= 0


@given(text=st.text(max_size=300))
def test_any_pasted_documents_split_or_are_refused(text: str) -> None:
    documents = parsed_or_refusal(lambda: documents_from_text(text))

    if isinstance(documents, InvalidInput):
        assert "NUL" in str(documents)
        return
    assert all(d == d.strip() and d for d in documents["paragraphs"])
    counted = parsed_or_refusal(lambda: count_documents(documents))
    if isinstance(counted, InvalidInput):
        assert "at least two documents" in str(counted)
        assert len(documents["paragraphs"]) < 2
    else:
        assert counted == len(documents["paragraphs"]) >= 2


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"pcm16_b64": 5}, "base64 text"),
        ({"pcm16_b64": "AAAA", "channels": 9}, "channels must be a whole number from 1 to 8"),
        ({"pcm16_b64": "AAAA", "channels": True}, "channels must be"),
        (
            {"pcm16_b64": "AAAA", "sample_rate": 4_000},
            "sample_rate must be a whole number from 8,000",
        ),
        ({"pcm16_b64": "AA=A"}, "not base64 text"),
        ({"pcm16_b64": "AAAA", "channels": 2}, "3 bytes, not a whole number of 2-channel"),
    ],
)
def test_an_audio_payload_the_workloads_would_fail_is_refused(
    payload: dict[str, object], problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        samples_per_channel(payload)
