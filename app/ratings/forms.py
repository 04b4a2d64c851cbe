"""The rating form."""

from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.i18n import lazy_gettext as _l
from app.web.forms import IdentifyingTextCheck, SelectField, choices

SCORES = {
    1: _l("1 — not yet seen"),
    2: _l("2 — emerging"),
    3: _l("3 — developing"),
    4: _l("4 — secure"),
    5: _l("5 — confident and consistent"),
}


class RatingForm(IdentifyingTextCheck):
    """A rating against a principle, optionally one element, with moments as evidence."""

    text_fields = ("comment",)
    principle = SelectField(_l("Principle"), coerce=int)
    element = SelectField(_l("Element (optional)"), coerce=int, validators=[Optional()])
    score = SelectField(
        _l("Rating"),
        coerce=int,
        choices=choices(SCORES.items()),
        validators=[InputRequired(_l("Choose a rating."))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])
    moments = SelectMultipleField(
        _l("Moments as evidence (optional)"), coerce=int, validators=[Optional()]
    )
