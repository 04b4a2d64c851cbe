"""What every feature's forms share: the base Form (hostile text refused beside its field), fields
and validators, choices, timecodes. Running a service for a form is in `commit`."""

from collections.abc import Iterable
from typing import Any, TypeVar

import wtforms
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    StopValidation,
    ValidationError,
)

from app.i18n import gettext, language_name
from app.i18n import lazy_gettext as _l
from app.services.evidence.identifying_text import identifying_text
from app.services.people.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from app.services.plain_text import has_control_characters, printable
from app.web.select_widget import QuickSelect

T = TypeVar("T")

# Ceilings for text fields that declare no Length of their own (the tests check that every
# field stored in a String(n) column declares one that fits).
DEFAULT_MAX_LINE = 255
DEFAULT_MAX_TEXT = 20000


def _sent_text(field: Field) -> list[str]:
    """What was typed into a field (and its value, when that is text)."""
    sent = [value for value in field.raw_data or [] if isinstance(value, str)]
    return [*sent, field.data] if isinstance(field.data, str) else sent


def _refuse_control_characters(_form: object, field: Field) -> None:
    """Stop at a control character before any other check (some query the database)."""
    multiline = isinstance(field, TextAreaField)
    if any(has_control_characters(text, multiline) for text in _sent_text(field)):
        raise StopValidation(
            gettext(
                "This contains an invisible control character (such as NUL), which Attune "
                "cannot keep. Please type it again."
            )
        )


class TypedLength(Length):
    """A ceiling on what was typed, for any text field (a time or number field included)."""

    def __call__(self, form: object, field: Field) -> None:
        """Refuse typed text longer than the ceiling."""
        if any(len(text) > self.max for text in _sent_text(field)):
            raise ValidationError(self.message % {"max": self.max})


def max_length(field: Field) -> int | None:
    """The most characters a field accepts, from its Length validator."""
    limits = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(limits) if limits else None


def _guard_text(field: Field) -> None:
    # A new list: bound fields share their class's validator list, which must not grow.
    validators: list[Any] = [_refuse_control_characters, *field.validators]
    if max_length(field) is None:
        limit = DEFAULT_MAX_TEXT if isinstance(field, TextAreaField) else DEFAULT_MAX_LINE
        validators.append(TypedLength(max=limit, message=_l("Use at most %(max)d characters.")))
    field.validators = validators
    if not isinstance(field, TextAreaField | PasswordField):
        # Single lines (names above all) are printed: direction controls are dropped.
        field.filters = (*field.filters, printable)


class Form(FlaskForm):
    """The base of every Attune form: text fields refuse control characters and overlong
    values beside the field, and single-line text loses bidirectional controls."""

    class Meta(DefaultMeta):
        """Guards every text field as it is bound."""

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            """Bind as usual, then guard text fields."""
            field: Field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField):
                _guard_text(field)
            return field

    def hidden_tag(self, *fields: Any) -> Markup:
        """The hidden fields (the CSRF token first of all) without ids: a page holding several
        forms would otherwise repeat `id="csrf_token"`, and nothing labels a hidden field."""
        chosen = [getattr(self, f, None) if isinstance(f, str) else f for f in fields or self]
        hidden = [f for f in chosen if f is not None and isinstance(f.widget, widgets.HiddenInput)]
        return Markup("\n".join(str(f(id=False)) for f in hidden))


def choices(pairs: Iterable[tuple[object, object]], group: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, optionally inside one <optgroup>. A label from
    the catalogue (`_l`) stays lazy: options made once, at import, read in each reader's
    language when they are shown."""
    return [SelectChoice(value, _label(label), optgroup=group) for value, label in pairs]


class LazyLabel:
    """An option's label worded when it is shown, in the reader's language, and escaped."""

    def __init__(self, text: LazyString) -> None:
        self.text = text

    def __str__(self) -> str:
        return str(self.text)

    def __html__(self) -> Markup:
        return escape(str(self.text))


def _label(label: object) -> Any:
    return LazyLabel(label) if isinstance(label, LazyString) else str(label)


def language_choices(codes: Iterable[str]) -> list[SelectChoice]:
    """The languages offered, each named in itself ("Nederlands"), so anyone finds their own,
    and marked as written in it (lang), so it is read out in that language."""
    return [SelectChoice(code, language_name(code), render_kw={"lang": code}) for code in codes]


def email_field(label: str, required: str) -> EmailField:
    """An e-mail address field with Attune's messages."""
    return EmailField(
        label,
        validators=[
            DataRequired(required),
            Email(_l("Enter an e-mail address like name@example.org."), check_deliverability=False),
            Length(max=254),
        ],
    )


class SelectField(wtforms.SelectField):
    """WTForms' SelectField, written by the quick select (a page may offer dozens of options)."""

    widget = QuickSelect()


class NewPasswordFields(Form):
    """A new password, typed twice (shared by invitations, resets and the account page)."""

    password = PasswordField(
        _l("New password"),
        description=_l(
            "At least %(n)s characters. A few unrelated words work well.", n=MIN_PASSWORD_LENGTH
        ),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("Use at least %(min)d characters (and at most %(max)d)."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class IdentifyingTextCheck(Form):
    """Free text is checked for names and dates of birth before it is saved; the trainee can
    rephrase, or confirm that nothing identifies the client."""

    text_fields: tuple[str, ...] = ()
    # The field holding the case's own label, if the form has one: it is not compared with itself.
    label_field: str | None = None
    confirm_identifying = BooleanField(
        _l("I have checked: nothing I wrote identifies a client."),
    )

    def needs_rephrasing(self, own_label: str = "") -> bool:
        """Attach warnings to the free-text fields; True when they must be seen first."""
        found = False
        for name in self.text_fields:
            field = getattr(self, name)
            # gettext, not lazy_gettext: lazy strings count as safe HTML, and these quote user text.
            field.warnings = [
                gettext("“%(found)s” %(reason)s.", found=w.found, reason=gettext(w.reason))
                for w in identifying_text(
                    field.data or "", "" if name == self.label_field else own_label
                )
            ]
            found = found or bool(field.warnings)
        return found and not self.confirm_identifying.data

    def has_warnings(self) -> bool:
        """Whether any free-text field carries a warning."""
        return any(getattr(getattr(self, name), "warnings", None) for name in self.text_fields)


def parse_timecode(text: str) -> int:
    """Milliseconds from "1:05:30", "12:30", "75" or "75.5"; ValueError when unreadable."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or any(p.strip() == "" for p in parts):
        raise ValueError(text)
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) > 1 else 0
    hours = int(parts[-3]) if len(parts) > 2 else 0
    if seconds < 0 or minutes < 0 or hours < 0 or (len(parts) > 1 and seconds >= 60):
        raise ValueError(text)
    return round((hours * 3600 + minutes * 60 + seconds) * 1000)


def format_timecode(milliseconds: int) -> str:
    """ "1:05" or "1:02:05" (with tenths when there are any)."""
    seconds, ms = divmod(milliseconds, 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    tenths = f".{ms // 100}" if ms else ""
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}{tenths}"
    return f"{minutes}:{secs:02d}{tenths}"


class TimecodeField(StringField):
    """A time on a film typed as m:ss (or h:mm:ss, or seconds); `data` is milliseconds."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the typed time."""
        self.raw_text = valuelist[0] if valuelist else ""
        if not self.raw_text.strip():
            self.data = None
            return
        try:
            self.data = parse_timecode(self.raw_text)
        except ValueError as error:
            self.data = None
            raise ValueError(gettext("Give a time like 1:05 or 65.5 (seconds).")) from error

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return format_timecode(self.data) if isinstance(self.data, int) else ""


def field_attrs(
    described_by: str = "", errors: object = None, autocomplete: str | None = None
) -> dict[str, str]:
    """HTML attributes for a field: only those that have a value (never the text "None")."""
    attrs = {
        "aria-describedby": described_by.strip(),
        "aria-invalid": "true" if errors else "",
        "autocomplete": autocomplete or "",
    }
    return {name: value for name, value in attrs.items() if value}
