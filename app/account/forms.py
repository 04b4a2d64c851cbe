"""A person's own profile and password."""

from zoneinfo import available_timezones

from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.i18n import lazy_gettext as _l
from app.models import NotifyBy
from app.services.people.directory import MAX_NAME_LENGTH
from app.web.forms import Form, NewPasswordFields, choices

TIMEZONES = sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/"))


class ProfileForm(Form):
    """Name, time zone and how to be told about what waits."""

    display_name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Give the name you want to be called.")),
            Length(max=MAX_NAME_LENGTH),
        ],
    )
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Dates and times are shown in this zone."),
        choices=choices((tz, tz.replace("_", " ")) for tz in TIMEZONES),
    )
    notify_by = RadioField(
        _l("How should Attune tell you about things waiting for you?"),
        choices=choices(
            [
                (NotifyBy.IMMEDIATE.value, _l("An e-mail for each thing, straight away")),
                (NotifyBy.DIGEST.value, _l("One daily digest e-mail with everything")),
            ]
        ),
        coerce=NotifyBy,
        validators=[InputRequired(_l("Choose how Attune should tell you."))],
    )


class ChangePasswordForm(NewPasswordFields):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
