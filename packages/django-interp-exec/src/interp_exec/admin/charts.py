"""Bar charts drawn on the server as inline SVG: no script, no CDN, no network.

One group per workload and one horizontal bar per mode in each; horizontal, so
that long workload names and values keep their room on a phone (the SVG scales
to the page's width through its viewBox). Every bar is a
``<rect class="bar mode-<mode>">``, so a page's bars can be counted per mode.
Every label and title goes through ``escape``: workload names come from host
projects and must not become markup.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from interp_exec.core.domain.modes import MODE_ORDER

# Okabe-Ito colours: told apart with every common kind of colour blindness.
MODE_COLOURS = {"inline": "#6b6b6b", "interpreters": "#0072b2", "processes": "#d55e00"}
_OTHER_COLOUR = "#009e73"

_WIDTH = 480
_LEFT = 96  # room for the mode names left of the bars
_CHAR = 7.5  # width of one character of the 13-unit labels, a little generous
_TOP = 64  # title, legend and the reference line's label
_BAR = 16
_GAP = 4
_GROUP_LABEL = 20
_GROUP_GAP = 12


@dataclass(frozen=True, slots=True)
class Bar:
    group: str
    mode: str
    value: float


@dataclass(frozen=True, slots=True)
class ReferenceLine:
    """A vertical line across the bars, e.g. the ideal speedup (= workers)."""

    value: float
    label: str


def mode_class(mode: str) -> str:
    """A CSS class part for a mode name, whatever the name holds."""
    return re.sub(r"[^a-z0-9-]", "-", mode.lower())


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    suffix: str,
    decimals: int = 2,
    reference: ReferenceLine | None = None,
) -> str:
    """An SVG element: ``title`` on top, a legend, then the grouped bars.

    Each bar's value is written after it with ``suffix`` (its unit: " jobs/s", "x").
    """
    groups: dict[str, list[Bar]] = {}
    for bar in bars:
        groups.setdefault(bar.group, []).append(bar)
    modes = _ordered_modes({bar.mode for bar in bars})
    largest = max([bar.value for bar in bars] + [reference.value if reference else 0.0])
    # Room after the longest bar for the longest value label, so none is cut off.
    right = 8 + _CHAR * max((len(f"{bar.value:.{decimals}f}{suffix}") for bar in bars), default=0)
    scale = (_WIDTH - _LEFT - right) / largest if largest > 0 else 0.0

    body: list[str] = []
    y = _TOP
    for group, members in groups.items():
        body.append(
            f'<text class="group" x="0" y="{y + 13}" font-weight="bold">{escape(group)}</text>'
        )
        y += _GROUP_LABEL
        for bar in sorted(members, key=lambda b: modes.index(b.mode)):
            width = max(bar.value, 0.0) * scale
            value = f"{bar.value:.{decimals}f}{suffix}"
            body.append(
                f'<text x="{_LEFT - 6}" y="{y + 12}" text-anchor="end">{escape(bar.mode)}</text>'
                f'<rect class="bar mode-{mode_class(bar.mode)}" x="{_LEFT}" y="{y}" '
                f'width="{width:.1f}" height="{_BAR}" fill="{_colour(bar.mode)}">'
                f"<title>{escape(f'{group}, {bar.mode}: {value}')}</title></rect>"
                f'<text x="{_LEFT + width + 4:.1f}" y="{y + 12}">{escape(value)}</text>'
            )
            y += _BAR + _GAP
        y += _GROUP_GAP
    height = y

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" '
        f'viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title" '
        # Sized by the page's stylesheet (svg.bar-chart): the Content-Security-Policy
        # blocks style attributes.
        'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<text x="0" y="16" font-size="15" font-weight="bold">{escape(title)}</text>',
        _legend(modes),
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{height - _GROUP_GAP}" stroke="#333"/>',
        *body,
    ]
    if reference is not None and scale > 0:
        x = _LEFT + reference.value * scale
        parts.append(
            f'<line class="reference" x1="{x:.1f}" y1="{_TOP - 8}" x2="{x:.1f}" '
            f'y2="{height - _GROUP_GAP}" stroke="#000" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{_TOP - 11}" text-anchor="middle">'
            f"{escape(reference.label)}</text>"
        )
    if not bars:
        parts.append(f'<text x="0" y="{_TOP + 14}">No results to draw.</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(modes: list[str]) -> str:
    items = []
    x = 0
    for mode in modes:
        items.append(
            f'<rect class="swatch mode-{mode_class(mode)}" x="{x}" y="26" width="12" '
            f'height="12" fill="{_colour(mode)}"/>'
            f'<text x="{x + 16}" y="36">{escape(mode)}</text>'
        )
        x += 28 + 7 * len(mode)
    return f'<g class="legend">{"".join(items)}</g>'


def _ordered_modes(modes: set[str]) -> list[str]:
    known = [m for m in MODE_ORDER if m in modes]
    return known + sorted(modes - set(MODE_ORDER))


def _colour(mode: str) -> str:
    return MODE_COLOURS.get(mode, _OTHER_COLOUR)
