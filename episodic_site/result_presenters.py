"""How Episodic's workloads' results read on the job page: what a readability score,
a loudness figure or a duplicate pair means (``interp_exec.web.results``)."""

from typing import Any

from interp_exec.web.results import Payload, Presenter, register_presenter

# The podcast loudness targets (AES TD1004, Apple's and Spotify's guidance): -16
# LUFS integrated for stereo, -19 for mono (3 dB less: one channel carries it
# all), each within 1 LU; true peaks at or below -1 dBTP so encoding does not clip.
STEREO_TARGET_LUFS = -16.0
MONO_TARGET_LUFS = -19.0
TARGET_TOLERANCE_LU = 1.0
TRUE_PEAK_CEILING_DBTP = -1.0
# Pairs listed on the page; the raw JSON has them all.
SHOWN_PAIRS = 100
SNIPPET_CHARS = 80

# Flesch reading ease: the lower bound of each band and what it means.
_READING_EASE = (
    (90, "very easy: a 5th-grader follows it"),
    (80, "easy: conversational English"),
    (70, "fairly easy"),
    (60, "plain English: comfortable to follow by ear"),
    (50, "fairly difficult: listeners need to concentrate"),
    (30, "difficult: hard to follow by ear"),
    (float("-inf"), "very difficult: academic prose"),
)


def reading_ease_meaning(score: float) -> str:
    return next(text for low, text in _READING_EASE if score >= low)


def grade_meaning(grade: float) -> str:
    if grade < 6:
        return "easy to follow by ear"
    if grade < 9:
        return "plain: fine for a general audience"
    if grade < 13:
        return "demanding: high-school level"
    return "hard to follow by ear: college level"


def pace_meaning(words_per_minute: float) -> str:
    if words_per_minute < 130:
        return "slow"
    if words_per_minute <= 170:
        return "a conversational pace"
    return "fast"


def _readability(value: dict[str, Any], payload: Payload) -> dict[str, Any]:
    if not value["words"]:
        return {"value": value, "empty": True}
    pace = value.get("words_per_minute")
    return {
        "value": value,
        "empty": False,
        "ease_meaning": reading_ease_meaning(float(value["flesch_reading_ease"])),
        "grade_meaning": grade_meaning(float(value["flesch_kincaid_grade"])),
        "pace_meaning": pace_meaning(float(pace)) if pace is not None else "",
        "fillers": sorted(value["fillers"].items(), key=lambda item: -item[1]),
    }


def _loudness(value: dict[str, Any], payload: Payload) -> dict[str, Any]:
    channels = value.get("channels")
    if channels is None:
        stored = payload()
        channels = stored.get("channels", 1) if isinstance(stored, dict) else 1
    target = STEREO_TARGET_LUFS if int(channels) >= 2 else MONO_TARGET_LUFS
    integrated = value["integrated_lufs"]
    context: dict[str, Any] = {
        "value": value,
        "channels": int(channels),
        "target": target,
        "tolerance": TARGET_TOLERANCE_LU,
        "ceiling": TRUE_PEAK_CEILING_DBTP,
        "true_peak": value.get("true_peak_dbtp"),
        "sample_peak": value.get("sample_peak_dbfs"),
        "loudness_range": value.get("loudness_range_lu"),
    }
    if integrated is not None:
        off = round(float(integrated) - target, 1)
        context["off_by"] = abs(off)
        context["verdict"] = (
            "on target"
            if abs(off) <= TARGET_TOLERANCE_LU
            else "too loud"
            if off > 0
            else "too quiet"
        )
    if context["true_peak"] is not None:
        context["peak_over"] = float(context["true_peak"]) > TRUE_PEAK_CEILING_DBTP
    return context


def _spectrum(value: dict[str, Any], payload: Payload) -> dict[str, Any]:
    return {
        "value": value,
        "bands": [
            {**band, "percent": round(100 * float(band["share"]), 1)} for band in value["bands"]
        ],
    }


def _dedupe(value: dict[str, Any], payload: Payload) -> dict[str, Any]:
    pairs = value["duplicate_pairs"]
    stored = payload()
    documents = stored.get("paragraphs") if isinstance(stored, dict) else None
    names = stored.get("names") if isinstance(stored, dict) else None

    def label(index: int) -> str:
        if isinstance(names, list) and index < len(names):
            return str(names[index])
        if isinstance(documents, list) and index < len(documents):
            text = " ".join(str(documents[index]).split())
            return text if len(text) <= SNIPPET_CHARS else f"{text[:SNIPPET_CHARS]}…"
        return ""

    return {
        "value": value,
        "pairs": [
            {
                "first": first + 1,
                "second": second + 1,
                "first_label": label(first),
                "second_label": label(second),
                "percent": round(100 * float(similarity), 1),
            }
            for first, second, similarity in pairs[:SHOWN_PAIRS]
        ],
        "more": max(len(pairs) - SHOWN_PAIRS, 0),
    }


def register_presenters() -> None:
    """Called by the site's app config as Django starts."""
    register_presenter(
        "transcript.readability",
        Presenter("episodic_site/results/readability.html", _readability),
    )
    register_presenter(
        "audio.loudness", Presenter("episodic_site/results/loudness.html", _loudness)
    )
    register_presenter(
        "audio.spectrum", Presenter("episodic_site/results/spectrum.html", _spectrum)
    )
    register_presenter("text.dedupe", Presenter("episodic_site/results/dedupe.html", _dedupe))
