"""The PDFs must show Chinese: the machines have no CJK system fonts, so this
checks that fedportal.pdf embeds its own font (glyphs) with a ToUnicode map
(text extraction gives the characters back). No database needed."""

import io

import pypdf

from fedportal.pdf import FONT_FAMILY, render_pdf

HTML = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<h1>残疾人证申请审批表</h1>
<p>姓名：张三　残疾类别：肢体</p>
<table><tr><th>编号</th><td>A-001</td></tr></table>
</body></html>"""


def _pdf_text_and_fonts(pdf: bytes) -> tuple[str, set[str]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return text, fonts


def test_pdf_renders_chinese_with_embedded_font():
    pdf = render_pdf(HTML)
    assert pdf.startswith(b"%PDF")
    text, fonts = _pdf_text_and_fonts(pdf)
    assert "张三" in text
    assert "肢体" in text
    assert "残疾人证申请审批表" in text
    # Subset names look like "ABCDEF+FedportalCJK": the glyphs come from our font.
    assert any(FONT_FAMILY in name for name in fonts), fonts


def test_pdf_can_render_twice_in_one_thread():
    # The font configuration is cached per thread; a second document must still work.
    for _ in range(2):
        text, _fonts = _pdf_text_and_fonts(render_pdf("<p>张三 肢体</p>"))
        assert "张三" in text and "肢体" in text


def test_static_files_resolve_without_network(tmp_path, settings):
    # Root-relative /static/ paths are read from disk, other hosts are never fetched.
    (tmp_path / "x.css").write_text("p { color: red; }")
    settings.STATIC_ROOT = str(tmp_path)
    html = '<link rel="stylesheet" href="/static/x.css"><img src="http://example.com/a.png"><p>张三</p>'
    text, _fonts = _pdf_text_and_fonts(render_pdf(html))
    assert "张三" in text
