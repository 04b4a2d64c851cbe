"""Certificate forms."""

from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.i18n import lazy_gettext as _l
from app.models import RevocationScope
from app.web.forms import Form, choices


class IssueForm(Form):
    """The name as it should be printed, and whether to list it in the public register."""

    holder_name = StringField(
        _l("Name as printed"),
        validators=[InputRequired(_l("Give the name as it should be printed.")), Length(max=120)],
    )
    listed = BooleanField(_l("List in the public register (the holder agreed)"))


class RevokeForm(Form):
    """Revoking needs a reason, and says whether the accreditation itself is withdrawn."""

    scope = RadioField(
        _l("What is withdrawn?"),
        choices=choices(
            [
                (
                    RevocationScope.DOCUMENT.value,
                    _l("Only this document: the accreditation stands and a new certificate is due"),
                ),
                (
                    RevocationScope.ACCREDITATION.value,
                    _l("The accreditation itself: the holder is no longer accredited"),
                ),
            ]
        ),
        validators=[InputRequired(_l("Choose whether the accreditation itself is withdrawn."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(_l("Give the reason for revoking.")), Length(max=2000)],
    )
