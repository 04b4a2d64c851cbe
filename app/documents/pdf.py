"""HTML templates rendered to PDF bytes with WeasyPrint (imported once per worker)."""

from functools import cache
from typing import Any

import segno
from flask import render_template
from markupsafe import Markup

from app.services.plain_text import without_bidi_controls


@cache
def _weasyprint() -> Any:
    # Importing WeasyPrint costs about a third of a second: once per process, on first use.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    return weasyprint, FontConfiguration()


def qr_data_uri(payload: str) -> str:
    """A QR code of `payload` as an SVG data URI, for embedding in a PDF template."""
    return segno.make(payload, error="m").svg_data_uri(scale=4, border=2)


def render_html(template: str, **context: object) -> str:
    """templates/pdf/<template> as HTML; user text is escaped by Jinja like any page, and
    nothing printed keeps a bidirectional control (a name must not print reversed)."""
    return without_bidi_controls(render_template(f"pdf/{template}", **context))


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """WeasyPrint's rendering of an HTML string: the PDF and its number of pages."""
    weasyprint, fonts = _weasyprint()
    document = weasyprint.HTML(string=html).render(font_config=fonts)
    return document.write_pdf(), len(document.pages)


def css_string(text: object) -> Markup:
    """`text` as a quoted CSS string (for page headers and footers in a template's <style>):
    anything but letters, digits and spaces is written as a CSS escape (its terminating space
    is consumed by CSS), so it cannot break out."""
    escaped = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):06x} "
        for ch in without_bidi_controls(str(text))
    )
    return Markup(f'"{escaped}"')
