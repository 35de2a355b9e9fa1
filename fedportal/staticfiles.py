"""collectstatic without the PDF fonts.

The OpenType (.otf) Source Han Sans files are read by WeasyPrint straight from PDF_FONT_DIR; browsers get the
much smaller .woff2 files (static/css/fonts.css). Collected as static files, the .otf files were copied, hashed
and compressed (gzip and brotli, by whitenoise) on every deployment for nothing: most of collectstatic's time.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig


class PortalStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "*.otf", "*.ttf", "*.ttc"]
