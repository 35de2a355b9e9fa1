"""Small server-side SVG charts: bar, stacked bar and line.

The same markup is shown in the browser and embedded in PDF reports by WeasyPrint, so the charts work offline and
look alike on screen and paper. Accessibility: every chart is `role="img"` with an aria-label, a <title> and a
<desc>; colour is never the only carrier of meaning — series also differ by fill pattern (bars) or by dash and
marker shape (lines), carry direct labels (values on the bars, series names at line ends) and a legend that
repeats the pattern. Every chart on a page is shown next to a table with the same numbers.

    svg = bar_chart(title="持证人数", categories=["莲塘镇", "向塘镇"], values=[120, 85], unit="人")
    svg = stacked_bar_chart(title=..., categories=[...], series=[("一级", [..]), ("二级", [..])])
    svg = line_chart(title=..., categories=[...], series=[("生活补贴", [..]), ("护理补贴", [..])])

Each function returns a SafeString; values are numbers (int, Decimal or float) or None for "no data".
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

FONT_FAMILY = "FedportalCJK, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
# Dark, distinct colours (each at least 4.5:1 against white, so white lines of the patterns stay visible).
COLOURS = ("#1f4e79", "#a0410d", "#3b6e22", "#6a2c91", "#7a5c00", "#00616e", "#8b1c3f")
# Fill patterns drawn over the colour; the first series is solid.
PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "vertical", "backdiagonal")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 2")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle", "square")

WIDTH = 720
_counter = itertools.count(1)


def _uid(prefix: str | None) -> str:
    return prefix or f"chart{next(_counter)}"


def _num(value) -> float:
    if value is None:
        return 0.0
    return float(value)


def format_number(value) -> str:
    """Numbers as a leader reads them: thousands separators, at most two decimals, nothing for None."""
    if value is None:
        return "—"
    if isinstance(value, Decimal | float) and value != int(value):
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _nice_max(value: float, *, integer: bool = False) -> tuple[float, float]:
    """A round axis maximum at or above `value`, and the tick step (4-6 ticks; whole steps for counts)."""
    if value <= 0:
        return 1.0, 0.25
    exponent = math.floor(math.log10(value))
    for base in (1, 2, 2.5, 5, 10):
        step = base * 10 ** (exponent - 1)
        if value / step <= 6:
            break
    else:  # pragma: no cover - the loop always breaks at base 10
        step = 10**exponent
    if step < 1:
        step = 1.0 if integer else max(step, 0.25)
    top = math.ceil(value / step) * step
    return top, step


def _tick_label(value: float) -> str:
    if value >= 10000:
        return _("%(n)s万") % {"n": f"{value / 10000:g}"}
    return f"{value:g}"


def _open(uid: str, title: str, desc: str, height: int) -> list[str]:
    t, d = escape(title), escape(desc)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fp-chart" role="img" aria-label="{t}" '
        f'aria-labelledby="{uid}-title {uid}-desc" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" font-family="{FONT_FAMILY}" font-size="12">',
        f'<title id="{uid}-title">{t}</title>',
        f'<desc id="{uid}-desc">{d}</desc>',
    ]


def _pattern_defs(uid: str, count: int) -> str:
    parts = ["<defs>"]
    for i in range(count):
        colour, kind = COLOURS[i % len(COLOURS)], PATTERNS[i % len(PATTERNS)]
        pid = f"{uid}-p{i}"
        if kind == "solid":
            parts.append(
                f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="{colour}"/></pattern>'
            )
            continue
        marks = {
            "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>',
            "backdiagonal": '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#fff" stroke-width="1.6"/>',
            "dots": '<circle cx="4" cy="4" r="1.7" fill="#fff"/>',
            "cross": '<path d="M0,4 h8 M4,0 v8" stroke="#fff" stroke-width="1.4"/>',
            "horizontal": '<path d="M0,2 h8 M0,6 h8" stroke="#fff" stroke-width="1.4"/>',
            "vertical": '<path d="M2,0 v8 M6,0 v8" stroke="#fff" stroke-width="1.4"/>',
        }[kind]
        parts.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
        )
    parts.append("</defs>")
    return "".join(parts)


def _axes(*, left: int, top: int, plot_w: int, plot_h: int, axis_max: float, step: float, unit: str) -> list[str]:
    out = ['<g class="fp-axis" fill="#333" stroke="none">']
    value = 0.0
    while value <= axis_max + 1e-9:
        y = top + plot_h - plot_h * value / axis_max
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0" stroke-width="1"/>'
        )
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(_tick_label(value))}</text>')
        value += step
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333" stroke-width="1"/>'
    )
    if unit:
        out.append(f'<text x="{left - 6}" y="{top - 10}" text-anchor="end">({escape(unit)})</text>')
    out.append("</g>")
    return out


def _category_labels(categories: Sequence[str], *, left: int, band: float, y: float) -> list[str]:
    out = ['<g class="fp-categories" fill="#222">']
    # Thin out labels when they would overlap (long series of months).
    every = max(1, math.ceil(len(categories) * 44 / (band * len(categories) or 1)))
    for i, label in enumerate(categories):
        if i % every:
            continue
        x = left + band * (i + 0.5)
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(str(label))}</text>')
    out.append("</g>")
    return out


def _legend(uid: str, names: Sequence[str], *, y: int, lines: bool = False) -> list[str]:
    out = [f'<g class="fp-legend" transform="translate(60,{y})" fill="#222">']
    x = 0
    for i, name in enumerate(names):
        if lines:
            colour = COLOURS[i % len(COLOURS)]
            dash = DASHES[i % len(DASHES)]
            out.append(
                f'<line x1="{x}" x2="{x + 28}" y1="0" y2="0" stroke="{colour}" stroke-width="2.5"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
            out.append(_marker(MARKERS[i % len(MARKERS)], x + 14, 0, colour))
            x += 34
        else:
            out.append(
                f'<rect x="{x}" y="-9" width="16" height="12" fill="url(#{uid}-p{i})" stroke="#222" stroke-width=".6"/>'
            )
            x += 20
        out.append(f'<text x="{x}" y="2">{escape(str(name))}</text>')
        x += 14 * len(str(name)) + 18
    out.append("</g>")
    return out


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" fill="{colour}"/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} L{x - 5:.1f},{y:.1f} Z" fill="{colour}"/>'
    if shape == "cross":
        return (
            f'<path d="M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} M{x + 4:.1f},{y - 4:.1f} L{x - 4:.1f},{y + 4:.1f}" '
            f'stroke="{colour}" stroke-width="2.2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _empty(uid: str, title: str, desc: str) -> SafeString:
    out = _open(uid, title, desc, 80)
    no_data = escape(_("暂无数据"))
    out.append(f'<text x="{WIDTH / 2}" y="45" text-anchor="middle" fill="#444">{no_data}</text></svg>')
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    values: Sequence,
    unit: str = "",
    desc: str = "",
    height: int = 300,
    chart_id: str | None = None,
) -> SafeString:
    """One series of vertical bars with the value written above each bar."""
    return stacked_bar_chart(
        title=title,
        categories=categories,
        series=[(title, values)],
        unit=unit,
        desc=desc,
        height=height,
        chart_id=chart_id,
        legend=False,
    )


def stacked_bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    unit: str = "",
    desc: str = "",
    height: int = 320,
    chart_id: str | None = None,
    legend: bool = True,
) -> SafeString:
    """Bars stacked from several series; each series has its own fill pattern, totals are written on top and a
    segment's value inside it when it is tall enough."""
    uid = _uid(chart_id)
    desc = desc or _describe(categories, series, unit)
    totals = [sum(_num(s[1][i]) for s in series) for i in range(len(categories))]
    if not categories or not any(totals):
        return _empty(uid, title, desc)
    left, top, right = 64, 28, 16
    legend_h = 30 if legend and len(series) > 1 else 0
    plot_w, plot_h = WIDTH - left - right, height - top - 34 - legend_h
    axis_max, step = _nice_max(max(totals), integer=_all_int(series))
    band = plot_w / len(categories)
    bar_w = max(4.0, min(56.0, band * 0.62))
    out = _open(uid, title, desc, height)
    out.append(_pattern_defs(uid, len(series)))
    out += _axes(left=left, top=top, plot_w=plot_w, plot_h=plot_h, axis_max=axis_max, step=step, unit=unit)
    out.append('<g class="fp-bars">')
    for i, category in enumerate(categories):
        x = left + band * i + (band - bar_w) / 2
        base = top + plot_h
        # A segment's own label only when the bar has two or more segments: otherwise the total above says it.
        segments = sum(1 for _name, values in series if _num(values[i]) > 0)
        for s_index, (name, values) in enumerate(series):
            value = _num(values[i])
            if value <= 0:
                continue
            h = plot_h * value / axis_max
            base -= h
            label = (
                f"{category} {name}{pgettext('punctuation', '：')}{format_number(values[i])}{unit}"
                if legend
                else f"{category}{pgettext('punctuation', '：')}{format_number(values[i])}{unit}"
            )
            out.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="url(#{uid}-p{s_index})" '
                f'stroke="#fff" stroke-width=".8"><title>{escape(label)}</title></rect>'
            )
            if segments > 1 and h >= 16 and bar_w >= 26:
                text = format_number(values[i])
                label_w = 7 * len(text) + 6
                cx, cy = x + bar_w / 2, base + h / 2
                out.append(
                    f'<rect x="{cx - label_w / 2:.1f}" y="{cy - 7:.1f}" width="{label_w}" height="14" rx="3" fill="#fff" '
                    f'fill-opacity="0.9"/><text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" font-size="10" '
                    f'fill="#111">{escape(text)}</text>'
                )
        if totals[i] > 0:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{base - 5:.1f}" text-anchor="middle" font-size="11" fill="#111">'
                f"{escape(format_number(_total_value(series, i)))}</text>"
            )
    out.append("</g>")
    out += _category_labels(categories, left=left, band=band, y=top + plot_h + 18)
    if legend_h:
        out += _legend(uid, [name for name, _v in series], y=height - 10)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def line_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    unit: str = "",
    desc: str = "",
    height: int = 320,
    chart_id: str | None = None,
) -> SafeString:
    """One line per series, each with its own dash and marker shape and its name written at its last point."""
    uid = _uid(chart_id)
    desc = desc or _describe(categories, series, unit)
    peak = max((_num(v) for _n, values in series for v in values), default=0)
    if not categories or peak <= 0:
        return _empty(uid, title, desc)
    left, top, right = 64, 28, 110
    legend_h = 30 if len(series) > 1 else 0
    plot_w, plot_h = WIDTH - left - right, height - top - 34 - legend_h
    axis_max, step = _nice_max(peak, integer=_all_int(series))
    band = plot_w / len(categories)
    out = _open(uid, title, desc, height)
    out += _axes(left=left, top=top, plot_w=plot_w, plot_h=plot_h, axis_max=axis_max, step=step, unit=unit)
    end_labels: list[tuple[float, str, str]] = []
    for s_index, (name, values) in enumerate(series):
        colour, dash, marker = (
            COLOURS[s_index % len(COLOURS)],
            DASHES[s_index % len(DASHES)],
            MARKERS[s_index % len(MARKERS)],
        )
        points = [
            (left + band * (i + 0.5), top + plot_h - plot_h * _num(v) / axis_max, v)
            for i, v in enumerate(values)
            if v is not None
        ]
        if not points:
            continue
        path = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y, _v) in enumerate(points))
        out.append(f'<g class="fp-series"><title>{escape(str(name))}</title>')
        out.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        for i, (x, y, v) in enumerate(points):
            out.append(_marker(marker, x, y, colour))
            if len(series) == 1 or i == len(points) - 1:
                out.append(
                    f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="10" fill="#111">{escape(format_number(v))}</text>'
                )
        out.append("</g>")
        end_labels.append((points[-1][1], str(name), colour))
    # Direct labels at the right, nudged apart so they never overlap.
    end_labels.sort()
    last_y = -1e9
    for y, name, colour in end_labels:
        y = max(y + 4, last_y + 14)
        last_y = y
        out.append(
            f'<text x="{left + plot_w + 8}" y="{y:.1f}" fill="{colour}" font-weight="bold">{escape(name)}</text>'
        )
    out += _category_labels(categories, left=left, band=band, y=top + plot_h + 18)
    if legend_h:
        out += _legend(uid, [name for name, _v in series], y=height - 10, lines=True)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def _all_int(series) -> bool:
    return all(isinstance(v, int) for _n, values in series for v in values if v is not None)


def _total_value(series, i):
    total = sum((v for _n, values in series if (v := values[i]) is not None), start=0)
    return total


def _describe(categories, series, unit: str) -> str:
    """A short text alternative: the largest value of each series (the table next to the chart has them all)."""
    parts = []
    for name, values in series:
        pairs = [(v, c) for c, v in zip(categories, values, strict=False) if v is not None]
        if not pairs:
            continue
        value, category = max(pairs, key=lambda p: _num(p[0]))
        parts.append(
            _("%(name)s最高为%(category)s，%(value)s%(unit)s")
            % {"name": name, "category": category, "value": format_number(value), "unit": unit}
        )
    return pgettext("punctuation", "；").join(parts) + (_("。详细数字见图下表格。") if parts else _("暂无数据。"))
