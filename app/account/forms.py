"""A person's own profile and password."""

from typing import Any

from flask import current_app
from flask_babel import get_locale
from wtforms import Field, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.i18n import gettext
from app.i18n import lazy_gettext as _l
from app.models import NotifyBy
from app.services.people.directory import MAX_NAME_LENGTH
from app.web.forms import Form, NewPasswordFields, SelectField, choices, language_choices

from .timezones import UTC, countries, listed_zones, real_zones, zone_label


def timezone_choices(locale_name: str, kept: str | None = None) -> list[SelectChoice]:
    """Every country's zones, grouped by country; then UTC, and the zone kept from before when
    the lists no longer name it (an old alias such as America/Buenos_Aires)."""
    grouped = [
        choice for name, zones in countries(locale_name) for choice in choices(zones, group=name)
    ]
    other = gettext("Other")
    grouped += choices([(UTC, gettext("Coordinated Universal Time (UTC)"))], group=other)
    if kept and kept in real_zones() and kept not in listed_zones(locale_name):
        label = zone_label(kept, locale_name) if "/" in kept else kept
        grouped += choices([(kept, label)], group=other)
    return grouped


class ProfileForm(Form):
    """Name, time zone and how to be told about what waits."""

    display_name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Give the name you want to be called.")),
            Length(max=MAX_NAME_LENGTH),
        ],
    )
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Dates and times are shown in this zone: choose your country, then a city."),
        # Refused by validate_timezone, with a message of ours, when not offered.
        validate_choice=False,
        # For static/timezone.js, which adds a search box and a country list and narrows this
        # list to the chosen country's cities.
        render_kw={
            "data-timezone-picker": "",
            "data-search-label": _l("Search for a country or city"),
            "data-country-label": _l("Country"),
            "data-city-label": _l("City"),
            "data-none-label": _l("No country or city matches. Try another spelling."),
        },
    )
    locale = SelectField(
        _l("Language"),
        description=_l("The language of Attune's pages and of the e-mails it sends you."),
        validate_choice=False,  # refused by the service, beside this field, when not offered
    )
    notify_by = RadioField(
        _l("How should Attune tell you about things waiting for you?"),
        choices=choices(
            [
                (NotifyBy.IMMEDIATE.value, _l("An e-mail for each thing, straight away")),
                (NotifyBy.DIGEST.value, _l("One daily digest e-mail with everything")),
            ]
        ),
        coerce=NotifyBy,
        validators=[InputRequired(_l("Choose how Attune should tell you."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = getattr(kwargs.get("obj"), "timezone", None)
        self._kept_zone = saved if isinstance(saved, str) else None
        self.timezone.choices = timezone_choices(str(get_locale()), self._kept_zone)
        self.locale.choices = language_choices(current_app.config["LANGUAGES"])

    def validate_timezone(self, field: Field) -> None:
        """Only a real zone the lists offer (or the one already saved) is taken."""
        offered = listed_zones(str(get_locale())) | {self._kept_zone}
        if field.data not in offered or field.data not in real_zones():
            raise ValidationError(gettext("Choose a country, then a city, from the lists."))


class ChangePasswordForm(NewPasswordFields):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
