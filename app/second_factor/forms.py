"""Forms of second factors: a code, a passkey's name, a reset's reason, the policy."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.i18n import lazy_gettext as _l
from app.services.second_factor.passkeys import MAX_NAME
from app.services.second_factor.policy import MAX_REASON
from app.web.forms import Form


class CodeForm(Form):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Type the code.")), Length(max=64)],
    )


class PasskeyNameForm(Form):
    """The name of a passkey about to be created (the browser does the rest)."""

    name = StringField(
        _l("Name of this passkey"),
        validators=[DataRequired(_l("Name the passkey.")), Length(max=MAX_NAME)],
    )


class ConfirmForm(Form):
    """A button that changes something (CSRF only)."""


class ResetForm(Form):
    """A coordinator's reset of someone's second factor."""

    reason = TextAreaField(
        _l("Why"),
        validators=[DataRequired(_l("Say why.")), Length(max=MAX_REASON)],
    )


class PolicyForm(Form):
    """Which roles must have a second factor."""

    trainee = BooleanField(_l("Trainees"))
    supervisor = BooleanField(_l("Supervisors (and so assessors)"))
    coordinator = BooleanField(_l("Coordinators"))
