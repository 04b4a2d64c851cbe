"""Sign-in, password-reset and choose-a-password forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.i18n import lazy_gettext as _l
from app.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

PASSWORD_LENGTH_MESSAGE = _l("Use at least %(min)d characters (and at most %(max)d).")


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
    )


class ForgotPasswordForm(FlaskForm):
    """Ask for a reset link."""

    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False),
            Length(max=254),
        ],
    )


class ChoosePasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("New password"),
        description=_l(
            "At least %(n)s characters. A few unrelated words work well.", n=MIN_PASSWORD_LENGTH
        ),
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
