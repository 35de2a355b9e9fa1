"""PDF rendering with WeasyPrint and an embedded Simplified-Chinese font.

The machines the portal runs on have no CJK system fonts, so Chinese text
would come out as empty boxes. Every PDF therefore gets a stylesheet that
declares the font family "FedportalCJK" with @font-face, pointing at Source
Han Sans SC (OpenType, full character set) that `make assets` copies into
``settings.PDF_FONT_DIR`` (.assets/lib/fonts/), and uses it for <body>.

    from fedportal.pdf import render_pdf, render_pdf_template
    pdf_bytes = render_pdf_template("certificates/approval_form.html", {"case": case}, request)

Templates may refer to static and media files with ordinary ``{% static %}`` /
``.url`` paths: they are read from disk (STATIC_ROOT, the staticfiles finders,
MEDIA_ROOT), never over the network. Only file: and data: URLs are fetched,
so user-supplied HTML cannot make the server request other hosts.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

# WeasyPrint logs every rendering step at INFO; keep its warnings (missing
# images, bad CSS) but not the step-by-step chatter in the portal's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_FAMILY = "FedportalCJK"
# Regular is required; Bold is used for <b>, <th>, headings when present
# (otherwise Pango fakes bold, which looks smeared).
FONT_FILES = {
    "normal": "SourceHanSansSC-Regular.otf",
    "bold": "SourceHanSansSC-Bold.otf",
}

# Base URL given to templates so that root-relative paths like
# "/static/img/logo.png" resolve to something the fetcher below recognises.
# The host is reserved (RFC 2606) and is never contacted.
INTERNAL_BASE_URL = "https://fedportal.invalid/"

_DEFAULT_FONT_DIR = Path(__file__).resolve().parent.parent / ".assets" / "lib" / "fonts"


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", _DEFAULT_FONT_DIR))


def _font_paths() -> dict[str, Path]:
    directory = font_dir()
    regular = directory / FONT_FILES["normal"]
    if not regular.is_file():
        raise RuntimeError(
            f"PDF font {regular} is missing: run `make assets` "
            "(bin/build_assets.py) to install the front-end packages and fonts."
        )
    paths = {"normal": regular}
    bold = directory / FONT_FILES["bold"]
    if bold.is_file():
        paths["bold"] = bold
    return paths


def font_face_css() -> str:
    """The stylesheet injected into every PDF."""
    rules = [
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; '
        f'font-weight: {weight}; src: url("{path.as_uri()}") format("opentype"); }}'
        for weight, path in _font_paths().items()
    ]
    rules.append(f'body {{ font-family: "{FONT_FAMILY}", sans-serif; }}')
    return "\n".join(rules)


class _LocalOnlyURLFetcher(URLFetcher):
    """Serve INTERNAL_BASE_URL paths from static/media folders; allow only file: and data:."""

    def __init__(self):
        super().__init__(allowed_protocols=("file", "data"))

    def fetch(self, url, headers=None):
        if url.startswith(INTERNAL_BASE_URL):
            local = _local_file(unquote(urlsplit(url).path))
            if local is None:
                raise ValueError(f"no static or media file for {url}")
            url = local.as_uri()
        return super().fetch(url, headers)


def _local_file(path: str) -> Path | None:
    from django.contrib.staticfiles import finders
    from django.core.exceptions import SuspiciousFileOperation
    from django.utils._os import safe_join

    def under(prefix: str | None) -> str | None:
        if not prefix:
            return None
        prefix = "/" + prefix.strip("/") + "/"
        return path[len(prefix) :] if path.startswith(prefix) else None

    candidates: list[Path] = []
    if (rel := under(settings.STATIC_URL)) is not None:
        # STATIC_ROOT first: after collectstatic it has the hashed names that
        # {% static %} produces in production; finders cover DEBUG.
        if settings.STATIC_ROOT:
            try:
                candidates.append(Path(safe_join(settings.STATIC_ROOT, rel)))
            except SuspiciousFileOperation:  # the path escapes the root
                return None
        found = finders.find(rel)
        if found:
            candidates.append(Path(found))
    elif (rel := under(getattr(settings, "MEDIA_URL", None))) is not None and settings.MEDIA_ROOT:
        try:
            candidates.append(Path(safe_join(settings.MEDIA_ROOT, rel)))
        except SuspiciousFileOperation:
            return None
    return next((c for c in candidates if c.is_file()), None)


# A FontConfiguration copies the font files into a temporary folder and asks
# fontconfig to scan them, which costs tens of milliseconds for a 17 MB CJK
# font: keep one per thread (they are not documented as thread-safe) and
# reuse it for every PDF that thread renders.
_local = threading.local()


def _font_setup() -> tuple[FontConfiguration, CSS]:
    key = str(font_dir())
    cached = getattr(_local, "font_setup", None)
    if cached is None or cached[0] != key:
        font_config = FontConfiguration()
        css = CSS(string=font_face_css(), font_config=font_config)
        cached = (key, font_config, css)
        _local.font_setup = cached
    return cached[1], cached[2]


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML string to PDF bytes with the CJK font available."""
    font_config, font_css = _font_setup()
    document = HTML(
        string=html,
        base_url=base_url or INTERNAL_BASE_URL,
        url_fetcher=_LocalOnlyURLFetcher(),
    )
    return document.write_pdf(stylesheets=[font_css], font_config=font_config)


def render_pdf_template(template_name: str, context: dict, request=None) -> bytes:
    """Render a Django template to PDF bytes (see render_pdf)."""
    html = render_to_string(template_name, context, request=request)
    return render_pdf(html)
