"""Creating a cohort and adding trainees to it."""

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.i18n import lazy_gettext as _l
from app.services.coordination.cohorts import MAX_NAME
from app.web.forms import Form, SelectField, choices

from .listing import KIND_NAMES


class CohortForm(Form):
    """A cohort's name, kind and description."""

    name = StringField(
        _l("Name"),
        description=_l("For example “Leeds course, spring 2026” or “NHS Fife”."),
        validators=[DataRequired(_l("Give the cohort a name.")), Length(max=MAX_NAME)],
    )
    kind = SelectField(_l("Kind"), choices=choices(KIND_NAMES.items()))
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])


class AddMembersForm(Form):
    """Trainees to add, by e-mail address."""

    addresses = TextAreaField(
        _l("Trainees' e-mail addresses"),
        description=_l("One per line, or separated by commas. Only people with the trainee role."),
        validators=[DataRequired(_l("Give at least one trainee's e-mail address."))],
    )
