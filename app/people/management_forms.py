"""Deactivating an account, handing over supervisees, merging a duplicate account and erasing
a person."""

from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.i18n import lazy_gettext as _l
from app.services.people.account_status import MAX_REASON_LENGTH
from app.web.forms import Form, MultiCheckboxField, SelectField, email_field


def _optional_id(value: object) -> int | None:
    """A chosen id, or None for the "choose" placeholder."""
    return int(str(value)) if value not in (None, "") else None


class DeactivateForm(Form):
    """Why the account is deactivated."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l("Kept in the audit log and shown on the person's page."),
        validators=[
            DataRequired(_l("Say why the account is deactivated.")),
            Length(max=MAX_REASON_LENGTH),
        ],
    )


class ReassignForm(Form):
    """Some or all current supervisees, a new own supervisor and the day the change starts."""

    enrolments = MultiCheckboxField(
        _l("Trainees to hand over"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one trainee."))],
    )
    supervisor = SelectField(
        _l("New own supervisor"),
        coerce=_optional_id,
        validators=[DataRequired(_l("Choose a supervisor."))],
    )
    from_date = DateField(
        _l("From"),
        description=_l(
            "The first day the new supervisor is responsible; the current assignments end the "
            "day before."
        ),
        validators=[DataRequired(_l("Give a date like 2026-09-01."))],
    )

    def chosen_ids(self) -> set[int]:
        """The ticked enrolments."""
        return set(self.enrolments.data or [])


class MergeForm(Form):
    """The duplicate account, why it is a duplicate, and a confirmation."""

    duplicate = email_field(
        _l("E-mail address of the duplicate account"),
        _l("Give the e-mail address of the duplicate account."),
    )
    note = TextAreaField(
        _l("Note"),
        description=_l("Why both accounts are the same person; kept in the audit log."),
        validators=[
            DataRequired(_l("Say why these accounts belong to the same person.")),
            Length(max=MAX_REASON_LENGTH),
        ],
    )
    confirm = BooleanField(
        _l("I have checked that both accounts belong to the same person."),
        validators=[DataRequired(_l("Confirm that both accounts are the same person."))],
    )


class EraseForm(Form):
    """Why the person is erased, and their e-mail address typed again to confirm."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l(
            "For example the date and reference of their request. It is kept in the audit log "
            "after the erasure, so leave their name and e-mail address out."
        ),
        validators=[
            DataRequired(_l("Say why the person is erased.")),
            Length(max=MAX_REASON_LENGTH),
        ],
    )
    confirm_email = StringField(
        _l("Their e-mail address, to confirm"),
        description=_l("Type the address shown above: erasing cannot be undone."),
        validators=[DataRequired(_l("Type their e-mail address to confirm."))],
    )

    def __init__(self, expected_email: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.expected_email = expected_email

    def validate_confirm_email(self, field: StringField) -> None:
        """The typed address must be the person's (letter case aside)."""
        typed = (field.data or "").strip().casefold()
        if typed != self.expected_email.strip().casefold():
            raise ValidationError(_l("This is not their e-mail address; nothing was erased."))
