"""The error every service raises when a rule refuses an action."""


class RuleViolation(Exception):
    """A domain rule refused the action; `field` names the form field it belongs beside."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
