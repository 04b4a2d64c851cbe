"""Sign-in, password-reset and choose-a-password forms."""

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.i18n import lazy_gettext as _l
from app.services.people.accounts import MAX_PASSWORD_LENGTH
from app.web.forms import Form, NewPasswordFields, email_field


class LoginForm(Form):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
    )


class ForgotPasswordForm(Form):
    """Ask for a reset link."""

    email = email_field(_l("E-mail"), _l("Enter your e-mail address."))


class ChoosePasswordForm(NewPasswordFields):
    """A new password through an invitation or reset link."""
