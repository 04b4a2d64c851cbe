"""Running one service call for a request: commit what it did, or roll everything back and show
its refusal (beside the form's field, or flashed) — never half-saved data."""

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from app.errors import RuleViolation
from app.extensions import db
from app.web.phrases import phrase_text

T = TypeVar("T")


def refusal_text(error: RuleViolation) -> str:
    """A service's refusal in the reader's language, its values in the reader's formats."""
    return phrase_text(error.phrase)


def show_violation(form: FlaskForm, error: RuleViolation) -> None:
    """Put a service's refusal beside the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, refusal_text(error)]
    else:
        form.form_errors.append(refusal_text(error))


def apply_service(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Run one service call for a valid form: commit and return its result, or roll back
    everything and show the refusal beside its field (returning None)."""
    try:
        result = action()
    except RuleViolation as error:
        db.session.rollback()
        show_violation(form, error)
        return None
    db.session.commit()
    return result


def apply_or_flash(action: Callable[[], object]) -> bool:
    """Run a service call that has no form: commit, or roll back and flash the refusal."""
    try:
        action()
    except RuleViolation as error:
        db.session.rollback()
        flash(refusal_text(error), "error")
        return False
    db.session.commit()
    return True


def flash_form_errors(form: FlaskForm) -> None:
    """Flash a form's errors, for forms posted from another page that is redirected back to."""
    # `errors` holds each field's messages, and the form's own under the key None.
    for messages in form.errors.values():
        for message in messages:
            flash(str(message), "error")
