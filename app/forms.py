"""Helpers shared by every feature's forms."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from app.services.errors import RuleViolation


def show_violation(form: FlaskForm, error: RuleViolation) -> None:
    """Put a service's refusal beside the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None) -> str | None:
    """A redirect target only when it stays on this site (a path, not another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def choices(pairs: Iterable[tuple[object, object]], group: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, optionally inside one <optgroup>."""
    return [SelectChoice(value, str(label), optgroup=group) for value, label in pairs]
