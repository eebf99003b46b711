"""Server-side SVG charts and route drawings: no JavaScript, no map tiles, no CDN.

Every function returns a complete ``<svg>`` string (escaped) that scales to its
container, so pages stay fast and work on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

INK = "#14213d"
ACCENT = "#0b6e4f"
WARN = "#b3261e"
GRID = "#d9dde3"


def _svg(width: int, height: int, body: str, label: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every dynamic value below is escaped or numeric
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" class="chart" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def line_chart(
    points: Sequence[tuple[str, float]],
    *,
    label: str,
    y_min: float = 0,
    y_max: float = 100,
    width: int = 420,
    height: int = 200,
    threshold: float | None = None,
) -> SafeString:
    """A trend line with dots (e.g. trip scores over time); ``points`` = (x label, value)."""
    pad_l, pad_r, pad_t, pad_b = 36, 12, 12, 28
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    span = (y_max - y_min) or 1
    parts = []
    for tick in range(5):
        v = y_min + span * tick / 4
        y = pad_t + h - h * (v - y_min) / span
        parts.append(
            f'<line x1="{pad_l}" y1="{y:.1f}" x2="{width - pad_r}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{pad_l - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}">{v:g}</text>'
        )
    if threshold is not None:
        y = pad_t + h - h * (threshold - y_min) / span
        parts.append(
            f'<line x1="{pad_l}" y1="{y:.1f}" x2="{width - pad_r}" y2="{y:.1f}" stroke="{WARN}" stroke-dasharray="4 3"/>'
        )
    if points:
        n = len(points)
        coords = []
        for i, (_, v) in enumerate(points):
            x = pad_l + (w * i / (n - 1) if n > 1 else w / 2)
            y = pad_t + h - h * (min(max(v, y_min), y_max) - y_min) / span
            coords.append((x, y))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>'
        )
        for (x, y), (name, v) in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}"><title>{escape(name)}: {v:.1f}</title></circle>'
            )
        first, last = points[0][0], points[-1][0]
        parts.append(
            f'<text x="{pad_l}" y="{height - 8}" font-size="11" fill="{INK}">{escape(first)}</text>'
        )
        parts.append(
            f'<text x="{width - pad_r}" y="{height - 8}" font-size="11" text-anchor="end" fill="{INK}">{escape(last)}</text>'
        )
    else:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{INK}">No data yet</text>'
        )
    return _svg(width, height, "".join(parts), label)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    label: str,
    y_max: float = 100,
    width: int = 420,
    height: int = 190,
) -> SafeString:
    """Vertical bars with their values (e.g. the four indicator scores)."""
    pad_t, pad_b = 20, 30
    h = height - pad_t - pad_b
    n = max(len(bars), 1)
    slot = width / n
    parts = []
    for i, (name, v) in enumerate(bars):
        bh = h * min(max(v, 0), y_max) / (y_max or 1)
        x = i * slot + slot * 0.2
        y = pad_t + h - bh
        colour = ACCENT if v >= 60 else WARN
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{bh:.1f}" rx="4" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{y - 5:.1f}" font-size="13" text-anchor="middle" fill="{INK}">{v:.0f}</text>'
        )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{height - 10}" font-size="12" text-anchor="middle" fill="{INK}">{escape(name)}</text>'
        )
    return _svg(width, height, "".join(parts), label)


def route(
    track: Sequence[Sequence[float]],
    *,
    label: str,
    marks: Sequence[tuple[float, float, str]] = (),
    width: int = 320,
    height: int = 220,
) -> SafeString:
    """A trip's route drawn from its own points (equirectangular, north up); ``marks`` are
    (lat, lon, title) dots, e.g. where an alert was raised or the last known position."""
    coords = [(float(p[0]), float(p[1])) for p in track] + [(m[0], m[1]) for m in marks]
    if not coords:
        return _svg(
            width,
            height,
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">No route</text>',
            label,
        )
    import math

    lats = [c[0] for c in coords]
    lons = [c[1] for c in coords]
    mid = math.cos(math.radians(sum(lats) / len(lats)))
    xs = [lon * mid for lon in lons]
    span = max(max(xs) - min(xs), max(lats) - min(lats), 1e-6)
    pad = 14

    def xy(lat: float, lon: float) -> tuple[float, float]:
        x = pad + (lon * mid - min(xs)) / span * (min(width, height) - 2 * pad)
        y = height - pad - (lat - min(lats)) / span * (min(width, height) - 2 * pad)
        return x + (width - min(width, height)) / 2, y

    parts = [f'<rect width="{width}" height="{height}" fill="#eef3f0" rx="8"/>']
    if track:
        pts = " ".join("{:.1f},{:.1f}".format(*xy(float(p[0]), float(p[1]))) for p in track)
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{INK}" stroke-width="3" stroke-linejoin="round"/>'
        )
        sx, sy = xy(float(track[0][0]), float(track[0][1]))
        ex, ey = xy(float(track[-1][0]), float(track[-1][1]))
        parts.append(
            f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="5" fill="{ACCENT}"><title>start</title></circle>'
        )
        parts.append(
            f'<rect x="{ex - 5:.1f}" y="{ey - 5:.1f}" width="10" height="10" fill="{INK}"><title>end</title></rect>'
        )
    for lat, lon, title in marks:
        mx, my = xy(lat, lon)
        parts.append(
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="7" fill="{WARN}" stroke="#fff" stroke-width="2"><title>{escape(title)}</title></circle>'
        )
    return _svg(width, height, "".join(parts), label)


def hbar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    label: str,
    x_max: float = 100,
    unit: str = "%",
    width: int = 560,
) -> SafeString:
    """Horizontal bars, each with its full name on its own line above it, so long names
    (distributors) are never cut off or overlap, at any screen width (issue 12)."""
    row_h, pad = 46, 6
    label_w = width - 70  # room on the right for the value
    height = max(len(bars), 1) * row_h + pad
    parts = []
    if not bars:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2 + 14}" text-anchor="middle" fill="{INK}">'
            "No data</text>"
        )
        height = 40
    for i, (name, v) in enumerate(bars):
        top = pad + i * row_h
        bw = label_w * min(max(v, 0), x_max) / (x_max or 1)
        colour = ACCENT if v >= 60 else WARN
        parts.append(
            f'<text x="0" y="{top + 13}" font-size="14" fill="{INK}">{escape(name)}</text>'
        )
        parts.append(
            f'<rect x="0" y="{top + 19}" width="{max(bw, 2):.1f}" height="18" rx="3" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{max(bw, 2) + 6:.1f}" y="{top + 33}" font-size="14" fill="{INK}">'
            f"{v:.0f}{escape(unit)}</text>"
        )
    return _svg(width, height, "".join(parts), label)
