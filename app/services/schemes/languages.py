"""The wording of a definition in several languages.

Any text of a definition (a title, a description, a stage's name, a requirement's label, a
principle's name, an element) may be plain text, which is English, or a mapping of language
codes to text: `title: {en: First half, nl: Eerste helft}`. English is required; the others are
optional, and readers whose language has none read English. `split_wording` takes the mappings
apart before the definition is validated: the definition keeps the English text (so its digest,
which decides revisions, covers the rules and English alone), and the other languages are
returned as translations, {language: {English text: text}}, kept beside the revision.
"""

import copy
import re
from collections.abc import Iterator
from typing import Any

from annotated_types import MaxLen
from babel import localedata
from pydantic import BaseModel

from app.services.schemes.schema import (
    ElementDef,
    FrameworkDef,
    Loc,
    PrincipleDef,
    RequirementDef,
    SchemeDef,
    StageDef,
    describe_value,
    format_key,
)

Translations = dict[str, dict[str, str]]

ENGLISH = "en"
EACH = "*"  # any item of a list

# Where wording may stand, per kind of definition: a key path (EACH for a list's items) and the
# model and field that say how long it may be.
WORDING: dict[str, tuple[tuple[tuple[str, ...], type[BaseModel], str], ...]] = {
    "scheme": (
        (("title",), SchemeDef, "title"),
        (("body",), SchemeDef, "body"),
        (("description",), SchemeDef, "description"),
        (("stages", EACH, "title"), StageDef, "title"),
        (("stages", EACH, "description"), StageDef, "description"),
        (("stages", EACH, "requirements", EACH, "label"), RequirementDef, "label"),
        (("renewal", EACH, "label"), RequirementDef, "label"),
    ),
    "framework": (
        (("title",), FrameworkDef, "title"),
        (("description",), FrameworkDef, "description"),
        (("principles", EACH, "name"), PrincipleDef, "name"),
        (("principles", EACH, "description"), PrincipleDef, "description"),
        (("principles", EACH, "elements", EACH, "text"), ElementDef, "text"),
    ),
}

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")
# Line breaks and tabs are text; other control characters (NUL above all) are not.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Unquoted, YAML reads these language codes as true or false (Norwegian's "no" above all).
_YAML_BOOLEANS = "yes, no, on, off, y, n"


def split_wording(
    data: dict[str, Any],
) -> tuple[dict[str, Any], Translations, list[tuple[Loc, str]]]:
    """The definition with English wording only, its other languages, and the problems found
    in its wording (each with its key path)."""
    places = WORDING.get(data.get("kind"))  # type: ignore[arg-type]
    if places is None:
        return data, {}, []
    english = copy.deepcopy(data)
    translations: Translations = {}
    first: dict[tuple[str, str], tuple[Loc, str]] = {}
    problems: list[tuple[Loc, str]] = []
    for path, model, field in places:
        limit = _max_length(model, field)
        for loc, parent in _places(english, path):
            value = parent[loc[-1]]
            if isinstance(value, str):
                problems.extend(_text_problems(loc, value, limit, required=False))
                continue
            texts, found = _languages(loc, value, limit)
            problems.extend(found)
            parent[loc[-1]] = texts.get(ENGLISH, "?")  # "?": refused already, checked no further
            if found or ENGLISH not in texts:
                continue
            for language, text in texts.items():
                if language == ENGLISH:
                    continue
                problems.extend(_conflicts(loc, language, texts[ENGLISH], text, first))
                translations.setdefault(language, {})[texts[ENGLISH]] = text
    return english, translations, problems


def _places(data: Any, path: tuple[str, ...], loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Each (key path, container) the path reaches in data that has the shape it expects (the
    models report any other shape)."""
    key, rest = path[0], path[1:]
    if key == EACH:
        items = enumerate(data) if isinstance(data, list) else ()
    else:
        items = [(key, data[key])] if isinstance(data, dict) and key in data else ()  # type: ignore[assignment]
    for index, item in items:
        if rest:
            yield from _places(item, rest, (*loc, index))
        else:
            yield (*loc, index), data


def _languages(
    loc: Loc, value: Any, limit: int | None
) -> tuple[dict[str, str], list[tuple[Loc, str]]]:
    """The texts of a mapping of languages, by normalised code, and the problems in it."""
    if not isinstance(value, dict):
        got = describe_value(value)
        quote = "; put it in quotes" if isinstance(value, int | float) else ""
        return {}, [
            (loc, f"must be text, or a mapping of language codes to text (got {got}{quote})")
        ]
    texts: dict[str, str] = {}
    problems: list[tuple[Loc, str]] = []
    for code, text in value.items():
        if not isinstance(code, str):
            hint = (
                f" (unquoted, YAML reads {_YAML_BOOLEANS} as true or false)"
                if isinstance(code, bool)
                else ""
            )
            message = f"language codes must be text, like en or nl (got {describe_value(code)})"
            problems.append((loc, f"{message}{hint}; put it in quotes"))
            continue
        problem = _code_problem(code)
        if problem:
            problems.append(((*loc, code), problem))
            continue
        if not isinstance(text, str):
            got = describe_value(text)
            quote = "; put it in quotes" if isinstance(text, int | float) else ""
            problems.append(((*loc, code), f"must be text (got {got}{quote})"))
            continue
        found = _text_problems((*loc, code), text, limit, required=True)
        problems.extend(found)
        if not found:
            texts[code.replace("-", "_")] = text  # as Babel names a locale: pt_BR
    if ENGLISH not in value:
        problems.append((loc, "needs the English text (en); other languages are optional"))
    return texts, problems


def _code_problem(code: str) -> str:
    if not LANGUAGE_CODE.fullmatch(code):
        return (
            f"{code!r} is not a language code: two or three lowercase letters, with a region "
            "in capitals after a hyphen if needed (nl, pt-BR)"
        )
    if code.startswith(f"{ENGLISH}-"):
        return f"{code!r}: give English once, as en (every English reader reads it)"
    if not localedata.exists(code.replace("-", "_")):
        return f"{code!r} is not a known language"
    return ""


def _text_problems(loc: Loc, text: str, limit: int | None, required: bool) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    if required and not text.strip():
        problems.append((loc, "must not be empty (leave the language out instead)"))
    if limit is not None and len(text) > limit:
        problems.append((loc, f"must be at most {limit} characters long"))
    control = CONTROL.search(text)
    if control:
        code = f"U+{ord(control.group()):04X}"
        problems.append((loc, f"must not contain control characters (found {code})"))
    return problems


def _conflicts(
    loc: Loc, language: str, english: str, text: str, first: dict[tuple[str, str], tuple[Loc, str]]
) -> list[tuple[Loc, str]]:
    """One English text reads the same wherever it appears: refuse a second, different
    translation of it in the same language."""
    seen = first.setdefault((language, english), (loc, text))
    if seen[1] == text:
        return []
    where, code = format_key(seen[0]), language.replace("_", "-")  # as the file writes it
    return [((*loc, code), f"translates {english!r} differently at {where} ({seen[1]!r})")]


def _max_length(model: type[BaseModel], field: str) -> int | None:
    for rule in model.model_fields[field].metadata:
        if isinstance(rule, MaxLen):
            return rule.max_length
    return None
