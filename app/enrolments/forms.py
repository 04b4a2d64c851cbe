"""Enrolling a trainee and changing their own supervisor."""

from wtforms import DateField
from wtforms.validators import DataRequired, InputRequired

from app.i18n import lazy_gettext as _l
from app.web.forms import Form, SelectField


class EnrolForm(Form):
    """Scheme and starting stage, start date and own supervisor."""

    first_stage = SelectField(
        _l("Scheme and starting stage"),
        description=_l("Trainees who have finished the initial training usually start at stage 1."),
        coerce=int,
        validators=[InputRequired(_l("Choose a scheme and stage."))],
    )
    started_on = DateField(
        _l("Start date"), validators=[DataRequired(_l("Give a date like 2026-09-01."))]
    )
    supervisor = SelectField(
        _l("Own supervisor"), coerce=int, validators=[InputRequired(_l("Choose a supervisor."))]
    )


class ChangeSupervisorForm(Form):
    """A new own supervisor from a date."""

    supervisor = SelectField(
        _l("New own supervisor"),
        coerce=int,
        validators=[InputRequired(_l("Choose a supervisor."))],
    )
    from_date = DateField(
        _l("From"),
        description=_l("The first day the new supervisor is responsible."),
        validators=[DataRequired(_l("Give a date like 2026-09-01."))],
    )
