"""The cycle form."""

from wtforms import BooleanField, DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import lazy_gettext as _l
from app.web.forms import IdentifyingTextCheck

DATE_MESSAGE = _l("Give a date like 2026-09-01.")


class CycleForm(IdentifyingTextCheck):
    """Filming, micro-analysis and shared review."""

    text_fields = ("notes",)
    filmed_on = DateField(_l("Filmed on"), validators=[DataRequired(DATE_MESSAGE)])
    micro_analysis_done = BooleanField(_l("Micro-analysis and clip editing done"))
    shared_review_on = DateField(_l("Shared review on (when held)"), validators=[Optional()])
    review_filmed = BooleanField(_l("The shared review was filmed for supervision"))
    notes = TextAreaField(_l("Your notes"), validators=[Length(max=5000)])
