"""The SVG charts: well-formed, accessible, and never colour alone."""

from decimal import Decimal
from xml.etree import ElementTree

from dashboards.charts import bar_chart, line_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str):
    return ElementTree.fromstring(svg)  # noqa: S314 - our own markup


def test_bar_chart_is_accessible_and_labels_values():
    root = _parse(
        bar_chart(title="持证人数<测试>", categories=["莲塘镇", "向塘镇"], values=[120, 85], unit="人", chart_id="t1")
    )
    assert root.get("role") == "img" and root.get("aria-label") == "持证人数<测试>"
    assert root.find(f"{SVG}title").text == "持证人数<测试>"
    assert "莲塘镇" in root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "120" in texts and "85" in texts and "莲塘镇" in texts


def test_stacked_bars_use_a_pattern_per_series_and_a_legend():
    svg = stacked_bar_chart(
        title="按等级",
        categories=["A", "B"],
        series=[("一级", [1, 2]), ("二级", [3, 0]), ("三级", [0, 5])],
        chart_id="t2",
    )
    root = _parse(svg)
    patterns = root.findall(f".//{SVG}pattern")
    assert len(patterns) == 3
    # Patterns differ in their marks, not only in colour.
    assert len({ElementTree.tostring(p[1]) if len(p) > 1 else b"solid" for p in patterns}) == 3
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"一级", "二级", "三级"} <= set(texts)  # legend
    assert "4" in texts and "7" in texts  # totals on top


def test_line_chart_differs_by_dash_and_marker_and_names_lines_directly():
    svg = line_chart(
        title="享受人数",
        categories=["1月", "2月"],
        series=[("生活补贴", [Decimal(3), 4]), ("护理补贴", [5, 6])],
        chart_id="t3",
    )
    root = _parse(svg)
    paths = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    assert len({p.get("stroke-dasharray") for p in paths}) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("生活补贴") >= 1 and texts.count("护理补贴") >= 1


def test_empty_chart_says_so():
    root = _parse(bar_chart(title="空", categories=[], values=[]))
    assert root.get("role") == "img"
    assert "暂无数据" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_bar_of_one_segment_prints_its_value_once():
    svg = stacked_bar_chart(
        title="按项目", categories=["A", "B"], series=[("生活", [37, 29]), ("护理", [0, 53])], chart_id="t9"
    )
    texts = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    assert texts.count("37") == 1  # bar A has one segment: its total alone
    assert "29" in texts and "53" in texts and "82" in texts  # bar B: both segments and the total
