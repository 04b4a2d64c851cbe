"""Certificate forms."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms import Form
from app.i18n import lazy_gettext as _l


class IssueForm(Form):
    """The name as it should be printed, and whether to list it in the public register."""

    holder_name = StringField(
        _l("Name as printed"),
        validators=[InputRequired(_l("Give the name as it should be printed.")), Length(max=120)],
    )
    listed = BooleanField(_l("List in the public register (the holder agreed)"))


class RevokeForm(Form):
    """Revoking needs a reason."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(_l("Give the reason for revoking.")), Length(max=2000)],
    )
