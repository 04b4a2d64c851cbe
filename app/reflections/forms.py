"""The form for writing a reflection."""

from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.i18n import lazy_gettext as _l
from app.web.forms import IdentifyingTextCheck, SelectField


class ReflectionForm(IdentifyingTextCheck):
    """A reflection: private to its author until shared."""

    text_fields = ("title", "body")
    title = StringField(_l("Title (optional)"), validators=[Length(max=120)])
    body = TextAreaField(
        _l("Reflection"),
        description=_l("Write about your clients without naming them."),
        validators=[DataRequired(_l("Write something to keep.")), Length(max=20000)],
    )
    written_on = DateField(
        _l("Written on"), validators=[DataRequired(_l("Give a date like 2026-09-01."))]
    )
    about = SelectField(
        _l("About (optional)"),
        description=_l("A case or a supervision session this reflection is about."),
    )
    private = BooleanField(
        _l("Keep it private: only you can read it until you share it"), default=True
    )
