"""One message in the pseudo-locale: "Sign in" reads "[Šîĝñ·· îñ·]".

Every letter is accented (a reader sees at a glance that it went through the catalogue), each
word grows by a third with "·" (Dutch and German words run longer than English ones: a box too
narrow for them shows here), and the message is bracketed (a text cut short loses its "]").
Placeholders (%(name)s, %s, %%, {name}), markup (<a href="…">) and entities are left as they
are, so the message formats and renders exactly as the English one does."""

import math
import re

GROWTH = 0.35
PAD = "·"
OPEN, CLOSE = "[", "]"

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "àƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"
_ACCENTS = str.maketrans(_PLAIN, _ACCENTED)

# What a translation must keep as it is: printf placeholders (named or not, and %%), format
# fields, tags and character references.
_KEPT = re.compile(
    r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]"
    r"|\{[^{}\s]*\}"
    r"|<[^<>]*>"
    r"|&(?:#\d+|#x[0-9a-fA-F]+|\w+);"
)
# A word: letters, with an apostrophe inside ("don't" grows as one word).
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def pseudo(message: str) -> str:
    """The message accented, each word a third longer, bracketed inside its outer whitespace."""
    if not message.strip():
        return message
    parts, at = [], 0
    for kept in _KEPT.finditer(message):
        parts.append(_accented(message[at : kept.start()]))
        parts.append(kept.group())
        at = kept.end()
    parts.append(_accented(message[at:]))
    text = "".join(parts)
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return text[:start] + OPEN + text[start:end] + CLOSE + text[end:]


def _accented(text: str) -> str:
    return _WORD.sub(_grown, text)


def _grown(word: re.Match[str]) -> str:
    letters = word.group()
    return letters.translate(_ACCENTS) + PAD * math.ceil(len(letters) * GROWTH)
