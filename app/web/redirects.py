"""Where a sign-in (or any form with a `next`) may send the browser afterwards: this site only."""

from urllib.parse import unquote, urlsplit

from app.services.plain_text import has_control_characters


def safe_next(target: str | None) -> str | None:
    """A redirect target only when it stays on this site: a path, with no scheme and no host."""
    # Browsers drop tab, CR and LF from addresses and read "\\" as "/", so "/\t/evil.example"
    # and "/\\evil.example" lead to another host: anything holding them is refused outright,
    # also when percent-encoded.
    if not target or not target.startswith("/"):
        return None
    parts = urlsplit(target)
    for text in (target, unquote(parts.path)):
        if text.startswith("//") or "\\" in text or has_control_characters(text):
            return None
    return None if parts.scheme or parts.netloc else target
