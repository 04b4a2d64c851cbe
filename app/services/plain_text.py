"""Which characters Attune keeps and prints: no control characters, no bidirectional controls."""

import re
import unicodedata

# C0 controls, DEL and C1 controls. PostgreSQL cannot store NUL at all, and none of them is
# anything a person types into a field.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Multi-line text keeps tab, line feed and carriage return (browsers send lines as CR LF).
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Embeddings, overrides, isolates and direction marks: "rtl \u202egnp.exe" prints as
# "rtl exe.png", so a name could print reversed on a certificate.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """Whether `text` holds a control character (tab and line breaks allowed when multiline)."""
    return (_CONTROL_IN_LINES if multiline else _CONTROL).search(text) is not None


def without_bidi_controls(text: str) -> str:
    """`text` without the invisible characters that change the direction it is printed in."""
    return _BIDI_CONTROLS.sub("", text)


def printable(value: object) -> object:
    """A value ready to print: text loses its bidirectional controls, anything else is kept."""
    return without_bidi_controls(value) if isinstance(value, str) else value


def comparison_key(text: str) -> str:
    """The form under which two names count as the same: compatibility-normalised, case-folded
    for every script ("Ωμέγα" and "ΩΜΈΓΑ"), spaces collapsed, bidirectional controls dropped."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(without_bidi_controls(folded).split())
