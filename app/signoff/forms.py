"""Forms of the end-of-stage workflow."""

from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.i18n import lazy_gettext as _l
from app.web.forms import Form, MultiCheckboxField, SelectField, choices

DATE_MESSAGE = _l("Give a date like 2026-09-01.")


class ExceptionRequestForm(Form):
    """A coordinator requests the meeting although requirements are missing."""

    reason = TextAreaField(
        _l("Reason for the exception"),
        description=_l("For example: prior learning recognised by the association."),
        validators=[InputRequired(_l("Give the reason for the exception.")), Length(max=2000)],
    )


class AssessorForm(Form):
    """Name the assessing supervisor."""

    assessor = SelectField(
        _l("Assessing supervisor"),
        coerce=int,
        validators=[InputRequired(_l("Choose a supervisor."))],
    )


class OutcomeForm(Form):
    """The meeting as held, and its outcome."""

    held_on = DateField(_l("Held on"), validators=[DataRequired(DATE_MESSAGE)])
    minutes = IntegerField(
        _l("Minutes"),
        validators=[
            InputRequired(_l("Give the meeting's length in minutes.")),
            NumberRange(min=1, max=480),
        ],
    )
    clips = MultiCheckboxField(
        _l("Clips shown (only films whose consent allows an assessor)"), coerce=int
    )
    documents_read = TextAreaField(_l("Documents read"), validators=[Length(max=5000)])
    outcome = SelectField(
        _l("Outcome"),
        choices=choices(
            [("passed", _l("Passed")), ("not_yet", _l("Not yet")), ("withdrawn", _l("Withdrawn"))]
        ),
    )
    actions = TextAreaField(
        _l("Actions agreed (needed for “not yet”)"), validators=[Length(max=5000)]
    )
    new_target_on = DateField(_l("New target date (for “not yet”)"), validators=[Optional()])


class StatementForm(Form):
    """The own supervisor's statement."""

    statement = TextAreaField(
        _l("Your statement as the trainee's own supervisor"),
        validators=[InputRequired(_l("Write the statement.")), Length(max=5000)],
    )


class ReasonForm(Form):
    """A reason, required for sending back and reopening."""

    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(_l("Give the reason.")), Length(max=2000)]
    )
