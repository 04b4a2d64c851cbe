"""Forms for milestones (courses, intro sessions, documents ...) and pauses."""

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.i18n import lazy_gettext as _l
from app.web.evidence_labels import MILESTONE_NAMES
from app.web.forms import Form, IdentifyingTextCheck, SelectField, choices

DATE_MESSAGE = _l("Give a date like 2026-09-01.")


class MilestoneForm(IdentifyingTextCheck):
    """Something dated the trainee did: a course, an intro session, a document, a meeting ..."""

    text_fields = ("title", "notes")
    kind = SelectField(_l("What"), choices=choices(MILESTONE_NAMES.items()))
    subtype = SelectField(
        _l("Which document or meeting"),
        description=_l("For documents and meetings: the ones your scheme asks for."),
    )
    other_subtype = StringField(
        _l("Or another kind of document or meeting"),
        description=_l("Only if it is not in the list, e.g. case_study."),
        validators=[Length(max=40)],
    )
    occurred_on = DateField(_l("Date"), validators=[DataRequired(DATE_MESSAGE)])
    title = StringField(_l("Title (optional)"), validators=[Length(max=200)])
    notes = TextAreaField(_l("Notes (optional)"), validators=[Length(max=5000)])


class PauseForm(Form):
    """A break (illness, leave) that extends the trainee's expected dates."""

    starts_on = DateField(_l("From"), validators=[DataRequired(DATE_MESSAGE)])
    ends_on = DateField(_l("To (inclusive)"), validators=[DataRequired(DATE_MESSAGE)])
    reason = StringField(
        _l("Reason"),
        description=_l("In general terms, e.g. illness or parental leave."),
        validators=[InputRequired(_l("Give the reason for the pause.")), Length(max=200)],
    )
