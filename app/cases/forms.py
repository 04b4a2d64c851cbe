"""Case and consent forms."""

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.i18n import lazy_gettext as _l
from app.web.evidence_labels import SCOPE_NAMES, SETTING_NAMES
from app.web.forms import Form, IdentifyingTextCheck, MultiCheckboxField, SelectField, choices

DATE_MESSAGE = _l("Give a date like 2026-09-01.")


class CaseForm(IdentifyingTextCheck):
    """A case: never the client's name, only a generated code and your own short label."""

    text_fields = ("label", "helping_question", "goals")
    label_field = "label"
    setting = SelectField(_l("Setting"), choices=choices(SETTING_NAMES.items()))
    label = StringField(
        _l("Your own short label (optional)"),
        description=_l("Something only you recognise, never the client's name."),
        validators=[Length(max=40)],
    )
    helping_question = TextAreaField(
        _l("Helping question"),
        description=_l("In the client's words, e.g. “How can I help him to …?”"),
        validators=[Length(max=5000)],
    )
    goals = TextAreaField(_l("Goals"), validators=[Length(max=5000)])
    started_on = DateField(_l("Started"), validators=[DataRequired(DATE_MESSAGE)])
    ended_on = DateField(_l("Ended (optional)"), validators=[Optional()])


class ConsentForm(Form):
    """Consent: who gave it (by role), when, and what it covers."""

    given_by_role = StringField(
        _l("Given by"),
        description=_l("Their role, never their name: parent, teacher, carer …"),
        validators=[InputRequired(_l("Say who gave consent by their role.")), Length(max=40)],
    )
    given_on = DateField(_l("Given on"), validators=[DataRequired(DATE_MESSAGE)])
    scopes = MultiCheckboxField(
        _l("The films may be seen for"),
        choices=choices(SCOPE_NAMES.items()),
        validators=[DataRequired(_l("Choose at least filming."))],
    )
    deletion_due_on = DateField(
        _l("Films to be deleted by"),
        description=_l("Leave empty to use the scheme's rule."),  # its months: add_consent
        validators=[Optional()],
    )


class WithdrawConsentForm(Form):
    """Withdraw consent: the date, and what (if anything) still stands."""

    withdrawn_on = DateField(_l("Withdrawn on"), validators=[DataRequired(DATE_MESSAGE)])
    remaining = MultiCheckboxField(
        _l("What the client still agrees to (leave all unticked to withdraw everything)"),
        choices=choices(SCOPE_NAMES.items()),
    )
