"""The error every service raises when a rule refuses an action."""

from app.phrase import Phrase, Value


class RuleViolation(Exception):
    """A domain rule refused the action; `field` names the form field it belongs beside.

    The refusal is worded in English with `%(name)s` placeholders for its values, given by name
    (`RuleViolation("Use at most %(limit)s characters.", "name", limit=200)`), or as a ready
    phrase; pages show it in their reader's language (`app.web.commit.refusal_text`), and
    `message` keeps the English text for logs and the command line."""

    def __init__(self, message: str | Phrase, field: str | None = None, **values: Value) -> None:
        self.phrase = message if isinstance(message, Phrase) else Phrase(message, **values)
        self.message = self.phrase.english()
        self.field = field
        super().__init__(self.message)
