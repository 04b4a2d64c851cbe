"""Forms for logging supervision sessions and for the supervisor's decisions and notes."""

from collections.abc import Mapping, Sequence
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.web.forms import Form, IdentifyingTextCheck, MultiCheckboxField, SelectField

DATE_MESSAGE = _l("Give a date like 2026-09-01.")


class SessionForm(IdentifyingTextCheck):
    """A supervision session as the trainee logs it."""

    text_fields = ("reflection_before", "reflection_after", "next_steps")
    supervisor = SelectField(
        _l("Supervisor"),
        description=_l("Your own supervisor on the day of the session."),
        coerce=int,
        validators=[InputRequired(_l("Choose the supervisor."))],
    )
    held_on = DateField(_l("Held on"), validators=[DataRequired(DATE_MESSAGE)])
    minutes = IntegerField(
        _l("Length in minutes"),
        description=_l("For example 60, 90 or 120."),
        validators=[InputRequired(_l("Give the length in minutes, e.g. 90."))],
    )
    group = BooleanField(_l("Group session"))
    online = BooleanField(_l("Held online"))
    filmed = BooleanField(_l("The session was filmed"))
    cycles = MultiCheckboxField(_l("Cycles reviewed"), coerce=int)
    films = MultiCheckboxField(_l("Films reviewed"), coerce=int)
    reflection_before = TextAreaField(
        _l("Your reflection before the session"),
        description=_l("What you wanted to look at, and why."),
        validators=[Length(max=5000)],
    )
    reflection_after = TextAreaField(
        _l("Your reflection after the session"), validators=[Length(max=5000)]
    )
    next_steps = TextAreaField(
        _l("Agreed next steps"),
        description=_l("Your working points until the next session."),
        validators=[Length(max=5000)],
    )


class NotesForm(Form):
    """The supervisor's own reflection and feedback on a session."""

    reflection = TextAreaField(_l("Your reflection"), validators=[Length(max=5000)])
    feedback = TextAreaField(_l("Feedback for the trainee"), validators=[Length(max=5000)])


class DecisionForm(NotesForm):
    """The supervisor's notes and decision in one form: confirming or returning saves the
    notes too, so nothing typed is lost."""

    reason = TextAreaField(
        _l("Why does it go back?"),
        description=_l(
            "Only when you return it. The trainee sees this and can change the session."
        ),
        validators=[Length(max=2000)],
    )
    confirm = SubmitField(_l("Confirm the session"))
    send_back = SubmitField(_l("Return to the trainee"))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Valid fields, and one of the two buttons pressed."""
        valid = super().validate(extra_validators)
        if not (self.confirm.data or self.send_back.data):
            self.form_errors.append(_("Choose: confirm the session, or return it."))
            return False
        return valid


class _ChosenSessions(MultiCheckboxField):
    """The sessions ticked: each must be one of the supervisor's own."""

    def pre_validate(self, form: Any) -> None:
        valid = {value for value, *_rest in self.choices or []}
        if any(value not in valid for value in self.data or []):
            raise ValidationError(_("Choose among the sessions waiting for you."))


class ConfirmSessionsForm(Form):
    """Several waiting sessions confirmed at once from the supervisor's home page."""

    sessions = _ChosenSessions(
        _l("Sessions to confirm"),
        coerce=int,
        validators=[DataRequired(_l("Choose the sessions to confirm."))],
    )
