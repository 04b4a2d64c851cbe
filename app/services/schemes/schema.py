"""The shape of scheme and framework definition files, and the rules that span several keys.

The pydantic models check keys and types (strictly: a quoted "6" is not a number); the rule
functions check what one field cannot see alone, and yield (key path, message) pairs that
`files` turns into located problems.
"""

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Loc = tuple[str | int, ...]

REQUIREMENT_KINDS: frozenset[str] = frozenset(
    {
        "cycles",
        "clients",
        "new_clients",
        "cases",
        "supervision_minutes",
        "supervision_sessions",
        "intro_session",
        "course",
        "document",
        "meeting",
        "minimum_months",
        "peer_presentations",
        "intervision_sessions",
        "competency",
    }
)

# The parameters each requirement kind accepts: name -> (type, required). Types are "code" (a
# lowercase slug), "count" (a whole number, 0 or more) and "flag" (true or false).
REQUIREMENT_PARAMS: dict[str, dict[str, tuple[str, bool]]] = {
    "cycles": {"sessions_per_cycle": ("count", False)},
    "clients": {"who": ("code", False)},
    "new_clients": {"who": ("code", False)},
    "cases": {"who": ("code", False)},
    "supervision_minutes": {"of": ("code", False)},
    "supervision_sessions": {
        "of": ("code", False),
        "given": ("flag", False),
        "filmed": ("flag", False),
    },
    "intro_session": {"minutes": ("count", False)},
    "course": {"days": ("count", False)},
    "document": {"document": ("code", True)},
    "meeting": {"meeting": ("code", True), "minutes": ("count", False)},
    "minimum_months": {},
    "peer_presentations": {},
    "intervision_sessions": {},
    "competency": {"principle": ("code", True), "rating": ("count", True)},
}

StageEnding = Literal[
    "course_completion",
    "transition_meeting",
    "accreditation_meeting",
    "mid_course_evaluation",
    "final_review",
    "none",
]
SchemeKind = Literal["practitioner", "supervisor", "verp"]
AssessorGrade = Literal["in_training", "supervisor", "advanced"]

CODE_PATTERN = r"^[a-z][a-z0-9_-]*$"
Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=40)]
Version = Annotated[str, Field(min_length=1, max_length=40)]
Months = Annotated[int, Field(ge=0, le=600)]


def _text(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length)


class _Definition(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ElementDef(_Definition):
    """An observable element of a principle."""

    code: Annotated[str, Field(pattern=CODE_PATTERN, max_length=60)]
    text: str = _text(255)


class PrincipleDef(_Definition):
    """A principle; its number is its position in the file."""

    code: Code
    name: str = _text(120)
    description: str = ""
    elements: list[ElementDef] = Field(min_length=1)


class FrameworkDef(_Definition):
    """A framework definition file."""

    kind: Literal["framework"]
    code: Code
    version: Version
    title: str = _text(200)
    description: str = ""
    principles: list[PrincipleDef] = Field(min_length=1)


class FrameworkRef(_Definition):
    """The framework version a scheme rates trainees against."""

    code: Code
    version: Version


class RequirementDef(_Definition):
    """A countable requirement; supervision_minutes counts minutes."""

    kind: str
    amount: int = Field(ge=0)
    label: str = _text(255)
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in REQUIREMENT_KINDS:
            known = ", ".join(sorted(REQUIREMENT_KINDS))
            raise ValueError(f"unknown requirement kind {kind!r} (known: {known})")
        return kind


class StageDef(_Definition):
    """A stage and the requirements that must be met before it ends."""

    number: int = Field(ge=0)
    title: str = _text(200)
    description: str = ""
    ends_with: StageEnding
    typical_months: Months | None = None
    requirements: list[RequirementDef]


class SchemeDef(_Definition):
    """A scheme definition file."""

    kind: Literal["scheme"]
    code: Code
    version: Version
    title: str = _text(200)
    body: str = _text(120)
    scheme_kind: SchemeKind
    description: str
    offered: bool
    framework: FrameworkRef
    expected_months: Months | None
    film_retention_months: Months
    certificate_validity_months: Months | None = None
    assessor_grades: list[AssessorGrade] = Field(min_length=1)
    stages: list[StageDef] = Field(min_length=1)
    renewal: list[RequirementDef] = Field(default_factory=list)


def iter_requirements(scheme: SchemeDef) -> Iterator[tuple[Loc, StageDef | None, RequirementDef]]:
    """Every requirement of a scheme with its key path and its stage (None for renewal)."""
    for i, stage in enumerate(scheme.stages):
        for j, requirement in enumerate(stage.requirements):
            yield ("stages", i, "requirements", j), stage, requirement
    for j, requirement in enumerate(scheme.renewal):
        yield ("renewal", j), None, requirement


def rule_problems(model: FrameworkDef | SchemeDef) -> Iterator[tuple[Loc, str]]:
    """Problems that span several keys of one valid-shaped definition."""
    if isinstance(model, FrameworkDef):
        yield from _framework_rules(model)
    else:
        yield from _scheme_rules(model)


def format_key(loc: Loc) -> str:
    """A key path as written in messages: `stages[1].requirements[0].amount`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe_value(value: Any) -> str:
    """A value as quoted in messages: strings quoted, collections named."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def _framework_rules(framework: FrameworkDef) -> Iterator[tuple[Loc, str]]:
    # Element codes are unique in the whole framework, so a film moment can name one alone.
    principles: dict[str, int] = {}
    elements: dict[str, str] = {}
    for i, principle in enumerate(framework.principles):
        if principle.code in principles:
            first = f"principles[{principles[principle.code]}]"
            yield ("principles", i, "code"), f"duplicate principle code (also in {first})"
        principles.setdefault(principle.code, i)
        for j, element in enumerate(principle.elements):
            if element.code in elements:
                message = f"duplicate element code (also in {elements[element.code]})"
                yield ("principles", i, "elements", j, "code"), message
            elements.setdefault(element.code, f"principles[{i}].elements[{j}]")


def _scheme_rules(scheme: SchemeDef) -> Iterator[tuple[Loc, str]]:
    highest: int | None = None
    for i, stage in enumerate(scheme.stages):
        if highest is not None and stage.number == highest:
            yield ("stages", i, "number"), f"duplicate stage number {stage.number}"
        elif highest is not None and stage.number < highest:
            yield ("stages", i, "number"), f"must be greater than the stage before it ({highest})"
        highest = stage.number if highest is None else max(highest, stage.number)
    for i, grade in enumerate(scheme.assessor_grades):
        if grade in scheme.assessor_grades[:i]:
            yield ("assessor_grades", i), f"{grade} is listed twice"
    if scheme.renewal and scheme.certificate_validity_months is None:
        yield (
            ("renewal",),
            "needs certificate_validity_months (renewal is for expiring certificates)",
        )
    for loc, _stage, requirement in iter_requirements(scheme):
        yield from _params_rules(requirement, loc)


def _params_rules(requirement: RequirementDef, loc: Loc) -> Iterator[tuple[Loc, str]]:
    kind, params = requirement.kind, requirement.params
    spec = REQUIREMENT_PARAMS[kind]
    for name in params:
        if name not in spec:
            allowed = ", ".join(sorted(spec)) or "none"
            yield (*loc, "params", name), f"not a parameter of {kind} (allowed: {allowed})"
    for name, (expected, required) in spec.items():
        if name not in params:
            if required:
                yield (*loc, "params", name), f"required for a {kind} requirement"
        elif not _has_type(params[name], expected):
            got = describe_value(params[name])
            yield (*loc, "params", name), f"must be {_TYPE_WORDS[expected]} (got {got})"


_TYPE_WORDS = {
    "code": "a code of lowercase letters, digits, hyphens and underscores",
    "count": "a whole number, 0 or more",
    "flag": "true or false",
}


def _has_type(value: Any, expected: str) -> bool:
    if expected == "code":
        return isinstance(value, str) and re.fullmatch(CODE_PATTERN, value) is not None
    if expected == "count":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, bool)
