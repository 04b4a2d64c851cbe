"""A person's own profile and password."""

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.forms import PASSWORD_LENGTH_MESSAGE
from app.forms import choices
from app.i18n import lazy_gettext as _l
from app.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
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


class ChangePasswordForm(FlaskForm):
    """Current password, then the new one twice."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=PASSWORD_LENGTH_MESSAGE
            ),
        ],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
