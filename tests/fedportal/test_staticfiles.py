"""collectstatic copies what browsers load and leaves out the PDF fonts (WeasyPrint reads them in place)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders


def _collected() -> set[str]:
    patterns = apps.get_app_config("staticfiles").ignore_patterns
    return {
        f"{storage.prefix}/{path}" if getattr(storage, "prefix", None) else path
        for finder in finders.get_finders()
        for path, storage in finder.list(patterns)
    }


def test_collectstatic_leaves_out_the_pdf_fonts_and_keeps_the_browser_ones():
    collected = _collected()
    assert {"css/fonts.css", "lib/fonts/SourceHanSansSC-Regular.woff2", "lib/fonts/SourceHanSansSC-Bold.woff2"} <= (
        collected
    )
    assert "lib/bootstrap/bootstrap.min.css" in collected
    assert not [path for path in collected if path.endswith((".otf", ".ttf", ".ttc"))]
    # The PDFs still find theirs where WeasyPrint reads them.
    assert (Path(settings.PDF_FONT_DIR) / "SourceHanSansSC-Regular.otf").is_file()
