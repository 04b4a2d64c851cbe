"""How guessable a chosen password is, estimated offline by zxcvbn (Dropbox's estimator: common
password lists, dictionaries, keyboard patterns, repeats, dates), with the person's own name and
e-mail address counted as the first words an attacker would try."""

import re

from zxcvbn import zxcvbn

from app.phrase import Phrase

# zxcvbn's score 3: about 10^8 guesses or more, "safely unguessable" against online guessing
# and a slow password hash such as ours.
MIN_SCORE = 3
PASSPHRASE_HINT = Phrase(
    "Try a passphrase: three or four unrelated words, with spaces if you like."
)
# zxcvbn's own warnings (English only), as phrases the catalogue translates.
_WARNINGS = {
    phrase.wording: phrase
    for phrase in (
        Phrase("Straight rows of keys are easy to guess."),
        Phrase("Short keyboard patterns are easy to guess."),
        Phrase('Repeats like "aaa" are easy to guess.'),
        Phrase('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
        Phrase('Sequences like "abc" or "6543" are easy to guess.'),
        Phrase("Recent years are easy to guess."),
        Phrase("Dates are often easy to guess."),
        Phrase("This is a top-10 common password."),
        Phrase("This is a top-100 common password."),
        Phrase("This is a very common password."),
        Phrase("This is similar to a commonly used password."),
        Phrase("A word by itself is easy to guess."),
        Phrase("Names and surnames by themselves are easy to guess."),
        Phrase("Common names and surnames are easy to guess."),
    )
}
_PATTERN = Phrase("It follows a pattern that is quick to try.")
# Only the start of a long password is estimated: the estimate grows slowly with length, and
# longer passwords (up to the maximum) only get stronger.
_ESTIMATED_LENGTH = 64


def _personal_words(email: str, name: str) -> list[str]:
    """The person's name and address in the pieces an attacker would try, plus our own name."""
    local, _, domain = email.strip().lower().partition("@")
    names = [part for part in re.split(r"\W+", name.lower()) if part]
    words = [email.strip().lower(), local, *re.split(r"[._+-]+", local), *domain.split(".")]
    words += [*names, "".join(names), "attune"]
    return [word for word in dict.fromkeys(words) if len(word) > 1]


def weakness(password: str, email: str, name: str) -> Phrase | None:
    """Why the password is easy to guess, with a hint, or None when it is strong enough."""
    result = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=_personal_words(email, name))
    if result["score"] >= MIN_SCORE:
        return None
    personal = any(m.get("dictionary_name") == "user_inputs" for m in result["sequence"])
    if personal:
        why = Phrase("It is built from your name or e-mail address.")
    else:
        why = _WARNINGS.get(result["feedback"]["warning"], _PATTERN)
    return Phrase(
        "This password is too easy to guess. %(why)s %(hint)s", why=why, hint=PASSPHRASE_HINT
    )
