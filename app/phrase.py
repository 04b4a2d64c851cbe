"""Words written in English with named values, put into the reader's language where shown.

Services refuse actions and leave notifications without a request, so without knowing who will
read them: they keep the wording (English, the catalogue's msgid) apart from its values, and the
page, e-mail or PDF that shows it translates the wording and formats the values in its reader's
language (`app.i18n.phrase_text`). Notifications store a phrase as JSON, so each reader sees it in
the language they have when they read it. `make translations` extracts the wording of every
`Phrase(...)`, `counted(...)`, `RuleViolation(...)` and `ensure(...)` (refusal) in the code."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Union

from babel.dates import format_date
from babel.lists import format_list

# A value put into a phrase: shown as it is (text: a person's name, a code, a reason they
# typed), formatted by the reader's locale (numbers, days), translated (a phrase, and scheme
# wording: a stage's name, a requirement) or listed.
Value = Union[str, int, date, "Phrase", tuple["Value", ...]]


@dataclass(frozen=True)
class Phrase:
    """English wording with `%(name)s` placeholders and the values that fill them. A counted
    phrase (see `counted`) has a plural wording chosen by its `num` value."""

    wording: str
    values: Mapping[str, Value]
    plural: str | None = None

    def __init__(self, wording: str, /, **values: Value) -> None:
        object.__setattr__(self, "wording", wording)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "plural", None)

    def english(self) -> str:
        """The phrase as written: English wording, English formats."""
        return self.shown(Reader.english())

    def shown(self, reader: "Reader") -> str:
        """The phrase as `reader` reads it (their catalogue and formats)."""
        if self.plural is not None:
            num = self.values["num"]
            if not isinstance(num, int):
                raise TypeError("a counted phrase's num is a number")
            wording = reader.translate_plural(self.wording, self.plural, num)
        else:
            wording = reader.translate(self.wording)
        if not self.values:
            return wording
        return wording % {name: reader.show(value) for name, value in self.values.items()}

    def to_json(self) -> dict[str, Any]:
        """A form a JSON column keeps (see `from_json`)."""
        data: dict[str, Any] = {"wording": self.wording, "values": _values_json(self.values)}
        if self.plural is not None:
            data["plural"] = self.plural
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Phrase":
        values = {name: _value_from_json(value) for name, value in data["values"].items()}
        phrase = cls(data["wording"], **values)
        object.__setattr__(phrase, "plural", data.get("plural"))
        return phrase


def counted(singular: str, plural: str, /, num: int, **values: Value) -> Phrase:
    """A phrase whose wording depends on the number `num` ("1 passkey", "3 passkeys")."""
    phrase = Phrase(singular, num=num, **values)
    object.__setattr__(phrase, "plural", plural)
    return phrase


@dataclass(frozen=True)
class Reader:
    """How one reader reads: their catalogue, and their formats of days, numbers and lists."""

    translate: Callable[[str], str]
    translate_plural: Callable[[str, str, int], str]
    day: Callable[[date], str]
    number: Callable[[int], str]
    listed: Callable[[list[str]], str]

    @classmethod
    def english(cls) -> "Reader":
        return cls(
            translate=lambda wording: wording,
            translate_plural=lambda one, many, num: one if num == 1 else many,
            day=lambda day: format_date(day, "medium", locale="en"),
            number=lambda num: f"{num:,}",
            listed=lambda items: format_list(items, locale="en"),
        )

    def show(self, value: Value) -> str:
        """One value as this reader reads it."""
        if isinstance(value, Phrase):
            return value.shown(self)
        if isinstance(value, datetime):
            return self.day(value.date())
        if isinstance(value, date):
            return self.day(value)
        if isinstance(value, bool):
            raise TypeError("a phrase shows no bare yes/no: word it")
        if isinstance(value, int):
            return self.number(value)
        if isinstance(value, tuple):
            return self.listed([self.show(item) for item in value])
        if _is_scheme_wording(value):  # read in the language of this moment (app/models)
            return str(value.read())  # type: ignore[attr-defined]
        return str(value)


def _values_json(values: Mapping[str, Value]) -> dict[str, Any]:
    return {name: _value_json(value) for name, value in values.items()}


def _value_json(value: Value) -> Any:
    if isinstance(value, Phrase):
        return {"phrase": value.to_json()}
    if isinstance(value, datetime):
        return {"day": value.date().isoformat()}
    if isinstance(value, date):
        return {"day": value.isoformat()}
    if isinstance(value, tuple):
        return {"list": [_value_json(item) for item in value]}
    if _is_scheme_wording(value):
        return {"scheme_wording": str(value)}
    return value


def _value_from_json(value: Any) -> Value:
    if isinstance(value, dict):
        if "phrase" in value:
            return Phrase.from_json(value["phrase"])
        if "day" in value:
            return date.fromisoformat(value["day"])
        if "scheme_wording" in value:
            from app.models.scheme_text import LocalText  # models import errors, errors this

            return LocalText(value["scheme_wording"])
        return tuple(_value_from_json(item) for item in value["list"])
    if isinstance(value, str | int):
        return value
    raise ValueError(f"not a phrase's value: {value!r}")


def _is_scheme_wording(value: object) -> bool:
    """Scheme wording (app/models/scheme_text.py): English text that reads itself in the
    reader's language."""
    return isinstance(value, str) and callable(getattr(value, "read", None))
