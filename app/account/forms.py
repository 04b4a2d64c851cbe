"""A person's own profile and password."""

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.forms import NewPasswordFields, choices
from app.i18n import lazy_gettext as _l
from app.services.people import MAX_NAME_LENGTH

TIMEZONES = sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/"))


class ProfileForm(FlaskForm):
    """Name and time zone."""

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


class ChangePasswordForm(NewPasswordFields):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
