"""Inviting people and changing their roles and grade."""

from typing import Any

from flask import current_app
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import lazy_gettext as _l
from app.models import Role
from app.services.people.directory import MAX_NAME_LENGTH
from app.web.forms import (
    Form,
    MultiCheckboxField,
    SelectField,
    choices,
    email_field,
    language_choices,
)
from app.web.labels import GRADE_NAMES, ROLE_NAMES


def _grade_choices() -> list[SelectChoice]:
    return choices([("", _l("— not a supervisor —")), *GRADE_NAMES.items()])


class PersonForm(Form):
    """Name, roles and grade."""

    display_name = StringField(
        _l("Name"),
        description=_l("As the person wants to be called."),
        validators=[DataRequired(_l("Give the person's name.")), Length(max=MAX_NAME_LENGTH)],
    )
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=choices(ROLE_NAMES.items()),
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    supervisor_grade = SelectField(
        _l("Supervisor grade"),
        description=_l("Decides whether the supervisor may assess stage meetings."),
        choices=_grade_choices(),
        validators=[Optional()],
    )

    def chosen_roles(self) -> set[Role]:
        """The ticked roles."""
        return {Role(value) for value in self.roles.data or []}


class InviteForm(PersonForm):
    """A new person, invited by e-mail."""

    email = email_field(_l("E-mail"), _l("Give the person's e-mail address."))
    locale = SelectField(
        _l("Language"),
        description=_l(
            "The invitation is written in it, and Attune speaks it to them until they choose "
            "another on their account page."
        ),
        validate_choice=False,  # refused by the service, beside this field, when not offered
    )
    field_order = ("email", "display_name", "roles", "supervisor_grade", "locale")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices(current_app.config["LANGUAGES"])
