"""The SVG charts and the run comparison: pure functions, no database."""

import re
from xml.etree import ElementTree

import pytest

from interp_exec.admin.charts import Bar, ReferenceLine, bar_chart
from interp_exec.bench.comparison import METRICS, compare_runs
from tests.bench.figures import figures

SVG = "{http://www.w3.org/2000/svg}"


def bars_of(svg: str) -> list[ElementTree.Element]:
    return [
        r for r in ElementTree.fromstring(svg).iter(f"{SVG}rect") if "bar" in r.get("class", "")
    ]


def test_one_bar_per_mode_per_workload_sized_by_value() -> None:
    svg = bar_chart(
        [
            Bar("text.dedupe", "inline", 5.0),
            Bar("text.dedupe", "interpreters", 10.0),
            Bar("audio.loudness", "processes", 2.5),
            Bar("audio.loudness", "inline", 5.0),
        ],
        chart_id="c",
        title="Throughput",
        suffix=" jobs/s",
    )

    bars = bars_of(svg)
    assert [b.get("class") for b in bars] == [
        "bar mode-inline",
        "bar mode-interpreters",
        "bar mode-inline",
        "bar mode-processes",
    ], "grouped by workload as given, modes in their fixed order"
    widths = [float(b.get("width", "0")) for b in bars]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert widths[3] == pytest.approx(widths[0] / 2)
    legend = re.findall(r'class="swatch mode-(\w+)"', svg)
    assert legend == ["inline", "interpreters", "processes"]


def test_labels_are_escaped() -> None:
    svg = bar_chart(
        [Bar("<script>alert(1)</script>", 'x" onload="y', 1.0)],
        chart_id='id"><b>',
        title="A & B",
        suffix="<u>",
    )

    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "<u>" not in svg
    assert 'onload="y' not in svg
    ElementTree.fromstring(svg)  # still well-formed
    assert bars_of(svg)[0].get("class") == "bar mode-x--onload--y"


def test_reference_line_sits_at_its_value_on_the_bars_scale() -> None:
    svg = bar_chart(
        [Bar("w", "inline", 1.0), Bar("w", "interpreters", 1.5)],
        chart_id="s",
        title="Speedup",
        suffix="x",
        reference=ReferenceLine(2.0, "ideal 2x"),
    )

    inline = bars_of(svg)[0]
    line = next(e for e in ElementTree.fromstring(svg).iter(f"{SVG}line") if e.get("class"))
    left = float(inline.get("x", "0"))
    assert float(line.get("x1", "0")) - left == pytest.approx(
        2 * float(inline.get("width", "0")), abs=0.2
    )
    assert "ideal 2x" in svg


def test_an_empty_chart_says_so() -> None:
    svg = bar_chart([], chart_id="e", title="Nothing", suffix="x")

    assert bars_of(svg) == []
    assert "No results" in svg


def test_comparison_gives_the_change_and_its_direction_per_figure() -> None:
    before = [figures("text.dedupe", "interpreters", jobs_per_s=10.0, overhead_us_per_job=100.0)]
    after = [
        figures("text.dedupe", "interpreters", jobs_per_s=8.0, overhead_us_per_job=50.0),
        figures("text.dedupe", "inline"),
    ]

    inline, interpreters = compare_runs(before, after)

    assert (inline.mode, interpreters.mode) == ("inline", "interpreters")
    changes = {c.metric.field: c for c in interpreters.changes}
    assert [c.metric for c in interpreters.changes] == list(METRICS)
    assert changes["jobs_per_s"].change_pct == pytest.approx(-20.0)
    assert changes["jobs_per_s"].verdict == "worse"
    assert changes["overhead_us_per_job"].change_pct == pytest.approx(-50.0)
    assert changes["overhead_us_per_job"].verdict == "better"
    only_after = {c.metric.field: c for c in inline.changes}["jobs_per_s"]
    assert only_after.before is None
    assert only_after.change_pct is None


def test_no_change_is_given_against_a_figure_that_shows_as_zero() -> None:
    before = [figures("text.dedupe", "inline", rss_delta_mb=0.004)]
    after = [figures("text.dedupe", "inline", rss_delta_mb=-0.01)]

    (inline,) = compare_runs(before, after)

    memory = next(c for c in inline.changes if c.metric.field == "rss_delta_mb")
    assert memory.change_pct is None
    assert memory.verdict == ""


def test_the_longest_value_label_fits_inside_the_chart() -> None:
    bars = [Bar("w", "inline", 12.5), Bar("w", "interpreters", 1531.15)]
    svg = ElementTree.fromstring(bar_chart(bars, chart_id="c", title="t", suffix=" jobs/s"))
    width = float(svg.get("viewBox", "").split()[2])
    (label,) = [t for t in svg.iter(f"{SVG}text") if t.text == "1531.15 jobs/s"]
    # 13-unit system-ui digits are under 7.5 units wide.
    assert float(label.get("x", "0")) + 7.5 * len("1531.15 jobs/s") <= width


def test_a_chart_has_no_style_attribute_for_the_content_security_policy_to_block() -> None:
    svg = bar_chart([Bar("text.dedupe", "inline", 1.0)], chart_id="c", title="T", suffix="x")

    assert [e.tag for e in ElementTree.fromstring(svg).iter() if e.get("style")] == []
