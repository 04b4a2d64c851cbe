"""HTML templates rendered to PDF bytes with WeasyPrint (imported once per worker)."""

from functools import cache
from typing import Any

import segno
from flask import render_template


@cache
def _weasyprint() -> Any:
    # Importing WeasyPrint costs about a third of a second: once per process, on first use.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    return weasyprint, FontConfiguration()


def qr_data_uri(payload: str) -> str:
    """A QR code of `payload` as an SVG data URI, for embedding in a PDF template."""
    return segno.make(payload, error="m").svg_data_uri(scale=4, border=2)


def render_pdf(template: str, **context: object) -> bytes:
    """Render templates/pdf/<template> to PDF; user text is escaped by Jinja like any page."""
    weasyprint, fonts = _weasyprint()
    html = render_template(f"pdf/{template}", **context)
    return weasyprint.HTML(string=html).write_pdf(font_config=fonts)
