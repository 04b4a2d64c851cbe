"""Warnings for free text that looks as if it identifies a client (names, dates of birth)."""

import re
from dataclasses import dataclass
from itertools import pairwise

# Two capitalised words in a row look like a person's name ("Jamie Smith", "Łucja Nowak"),
# unless one is a word that often starts a sentence or names a role.
_WORD = re.compile(r"[^\W\d_][^\W\d_'\u2019-]+")
_NOT_NAMES = frozenset(
    "The This That These Those When Where What Why How Who Mum Mom Dad Father Mother Parent "
    "Teacher Child Baby Boy Girl Miss Mr Mrs Ms Dr Video Interaction Guidance VIG VERP Stage "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December I In On At After Before During We "
    "She He They It My Our Their Her His Early Years School Family Health Shared Review".split()
)
_DATE = re.compile(
    r"\b(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}(st|nd|rd|th)?\s+(of\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
    r"\.?\s+\d{4})\b",
    re.IGNORECASE,
)
_BIRTH = re.compile(r"\b(d\.?o\.?b\.?|date of birth|born on|born in)\b", re.IGNORECASE)


def _capitalised(word: str) -> bool:
    return word[0].isupper() and word[1:].islower() and word not in _NOT_NAMES


@dataclass(frozen=True)
class Warning:
    """Something in a text that may identify a client, and what it is."""

    found: str
    reason: str


def identifying_text(text: str, own_label: str = "") -> list[Warning]:
    """The fragments of `text` that look like names, dates (of birth) or the case's own label."""
    warnings: list[Warning] = []
    words = list(_WORD.finditer(text))
    for first, second in pairwise(words):
        between = text[first.end() : second.start()]
        if between.strip() == "" and _capitalised(first.group()) and _capitalised(second.group()):
            pair = f"{first.group()} {second.group()}"
            warnings.append(Warning(pair, "looks like a person's name"))
    for match in _DATE.finditer(text):
        warnings.append(Warning(match.group(0), "is a date (a date of birth identifies a person)"))
    for match in _BIRTH.finditer(text):
        warnings.append(Warning(match.group(0), "mentions a date of birth"))
    label = own_label.strip()
    if len(label) >= 3 and label.lower() in text.lower():
        warnings.append(Warning(label, "is this case's own label; it may identify the client"))
    return warnings
