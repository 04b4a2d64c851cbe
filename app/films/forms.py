"""Film, moment and clip forms."""

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.i18n import lazy_gettext as _l
from app.web.evidence_labels import FILM_KIND_NAMES
from app.web.forms import Form, SelectField, TimecodeField, choices


class FilmForm(Form):
    """A film's metadata; footage is kept elsewhere unless a short clip is uploaded."""

    kind = SelectField(_l("The film shows"), choices=choices(FILM_KIND_NAMES.items()))
    recorded_on = DateField(
        _l("Recorded on"), validators=[DataRequired(_l("Give a date like 2026-09-01."))]
    )
    length = TimecodeField(
        _l("Length"),
        description=_l("Minutes and seconds, e.g. 12:30."),
        validators=[InputRequired(_l("Give the film's length, e.g. 12:30."))],
    )
    kept_at = StringField(
        _l("Where the footage is kept"),
        description=_l("For example: employer's secure drive."),
        validators=[InputRequired(_l("Say where the footage is kept.")), Length(max=200)],
    )
    consent = SelectField(_l("Covered by the consent"), coerce=int)


class MomentForm(Form):
    """A time range tagged with a principle (and optionally one of its elements)."""

    start = TimecodeField(_l("From"), validators=[InputRequired(_l("Give the start, e.g. 0:45."))])
    end = TimecodeField(_l("To"), validators=[InputRequired(_l("Give the end, e.g. 0:52."))])
    principle = SelectField(_l("Principle"), coerce=int)
    element = SelectField(
        _l("Element (optional)"),
        description=_l("One of the chosen principle's elements."),
        coerce=int,
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class ClipForm(Form):
    """A short clip (MP4, WebM or QuickTime)."""

    clip = FileField(_l("Short clip"), validators=[FileRequired(_l("Choose a video file."))])


class MomentReplyForm(Form):
    """A reply on a moment's thread."""

    text = TextAreaField(_l("Your reply"), validators=[Length(max=2000)])
