"""Read scheme and framework definition files: safe YAML, validated, every error located.

Files are YAML read with yaml.SafeLoader. The node tree is kept so that each problem names the
file, the line and the key path (`aviguk.yaml, line 14, stages[1].requirements[0].amount: ...`).
Shapes, types and the rules spanning several keys live in `schema`; this module reads the
files, runs those checks and turns every finding into a located `Problem`.
"""

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.errors import RuleViolation
from app.services.schemes.languages import Translations, split_wording
from app.services.schemes.schema import (
    REQUIREMENT_KINDS,
    FrameworkDef,
    Loc,
    SchemeDef,
    describe_value,
    format_key,
    rule_problems,
)

__all__ = [
    "REQUIREMENT_KINDS",
    "Definition",
    "Problem",
    "SchemeFileError",
    "default_schemes_dir",
    "definition_files",
    "format_key",
    "parse_file",
    "parse_text",
    "read_definitions",
]

PACKAGE_SCHEMES_DIR = Path(__file__).resolve().parents[2] / "schemes"


@dataclass(frozen=True)
class Problem:
    """One problem in a definition file, located by file, line and key path."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}"
        return f"{where}, {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class SchemeFileError(RuleViolation):
    """Definition files were refused; `problems` lists every problem found, one per line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        self.file, self.line, self.key = first.file, first.line, first.key
        super().__init__("\n".join(str(p) for p in self.problems), field=first.key or None)


@dataclass(frozen=True)
class Definition:
    """A validated definition file: its model (English wording), the digest of its rules and
    English wording, the line of every key, and its wording's other languages (not digested:
    {language: {English text: text}}; shared by every parse of the same text, never changed)."""

    path: Path
    model: FrameworkDef | SchemeDef
    digest: str
    lines: dict[Loc, int]
    translations: Translations

    @property
    def file(self) -> str:
        """The file name, as shown in messages and stored with loaded rows."""
        return self.path.name

    def problem(self, loc: Loc, message: str) -> Problem:
        """A problem at `loc`, on the line of the nearest key of that path present in the file."""
        return _locate(self.file, self.lines, loc, message)


def default_schemes_dir() -> Path:
    """The definition files shipped with the application (app/schemes)."""
    return PACKAGE_SCHEMES_DIR


def definition_files(source: str | Path | Iterable[str | Path]) -> list[Path]:
    """The *.yaml files of a directory (sorted), a single file, or the given files."""
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            files = sorted(path.glob("*.yaml"))
            if not files:
                raise RuleViolation("No definition files (*.yaml) in %(path)s.", path=str(path))
            return files
        sources: list[Path] = [path]
    else:
        sources = [Path(p) for p in source]
    for path in sources:
        if not path.is_file():
            raise RuleViolation("No such definition file: %(path)s.", path=str(path))
    return sources


def read_definitions(files: Iterable[Path]) -> list[Definition]:
    """Parse and validate every file; raise one SchemeFileError listing all problems of all."""
    definitions: list[Definition] = []
    problems: list[Problem] = []
    for path in files:
        try:
            definitions.append(parse_file(path))
        except SchemeFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SchemeFileError(problems)
    return definitions


def parse_file(path: Path) -> Definition:
    """Parse and validate one definition file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SchemeFileError([Problem(path.name, 1, "", "is not UTF-8 text")]) from None
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> Definition:
    """Parse and validate definition text; `path` names it in messages. A text already parsed
    under the same path is not parsed again (the result is immutable; failures are not kept)."""
    return _parse_text(text, path)


@functools.lru_cache(maxsize=64)
def _parse_text(text: str, path: Path) -> Definition:
    root, data = _compose(text, path.name)
    if root is None:
        raise SchemeFileError([Problem(path.name, 1, "", "the file is empty")])
    if not isinstance(data, dict):
        got = describe_value(data)
        message = f"must be a mapping of keys to values at the top level (got {got})"
        raise SchemeFileError([Problem(path.name, root.start_mark.line + 1, "", message)])
    lines: dict[Loc, int] = {}
    duplicates: list[tuple[Loc, int]] = []
    _map_lines(root, (), lines, duplicates)
    problems = [
        Problem(path.name, line, format_key(loc), f"key appears twice (first on line {lines[loc]})")
        for loc, line in duplicates
    ]
    english, translations, findings = split_wording(data)
    found, model = _validate(english)
    findings.extend(found)
    if model is not None:
        findings.extend(rule_problems(model))
    problems.extend(_locate(path.name, lines, loc, message) for loc, message in findings)
    if problems:
        raise SchemeFileError(problems)
    assert model is not None
    # The other languages are left out: adding or correcting them is not a new revision.
    canonical = json.dumps(english, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return Definition(path, model, digest, lines, translations)


def _locate(file: str, lines: dict[Loc, int], loc: Loc, message: str) -> Problem:
    # A missing key has no line of its own: use the nearest enclosing key that has one.
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return Problem(file, lines[loc[:end]], format_key(loc), message)
    return Problem(file, 1, format_key(loc), message)


def _compose(text: str, file: str) -> tuple[Node | None, Any]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"YAML syntax error: {exc.problem or exc.context}"
        raise SchemeFileError([Problem(file, line, _path_at_error(text), message)]) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", 0)
        line = text[:position].count("\n") + 1
        raise SchemeFileError([Problem(file, line, "", f"unreadable YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return root, data


def _map_lines(node: Node, loc: Loc, lines: dict[Loc, int], dups: list[tuple[Loc, int]]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            child = (*loc, key_node.value)
            if child in lines:
                dups.append((child, key_node.start_mark.line + 1))
                continue
            lines[child] = key_node.start_mark.line + 1
            _map_lines(value_node, child, lines, dups)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*loc, index), lines, dups)


def _path_at_error(text: str) -> str:
    """The key path the parser had reached when it met a syntax error (a hint next to the line)."""
    # Frames: ["map", last key, expecting a key next] or ["seq", last index].
    stack: list[list[Any]] = []

    def node_started(scalar: Any = None, is_scalar: bool = False) -> None:
        if not stack:
            return
        frame = stack[-1]
        if frame[0] == "seq":
            frame[1] += 1
        elif frame[2]:
            frame[1], frame[2] = scalar if is_scalar else "?", False
        else:
            frame[2] = is_scalar

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                node_started(getattr(event, "value", None), is_scalar=True)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                node_started()
                is_map = isinstance(event, yaml.MappingStartEvent)
                stack.append(["map", None, True] if is_map else ["seq", -1])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                if stack and stack[-1][0] == "map":
                    stack[-1][2] = True
    except yaml.YAMLError:
        pass
    loc = [f[1] for f in stack if f[1] is not None and f[1] != -1]
    return format_key(tuple(loc))


def _validate(
    data: dict[str, Any],
) -> tuple[list[tuple[Loc, str]], FrameworkDef | SchemeDef | None]:
    models: dict[Any, type[FrameworkDef] | type[SchemeDef]] = {
        "framework": FrameworkDef,
        "scheme": SchemeDef,
    }
    kind = data.get("kind")
    if kind not in models:
        got = "missing" if "kind" not in data else f"got {describe_value(kind)}"
        return [(("kind",), f"must be framework or scheme ({got})")], None
    try:
        return [], models[kind].model_validate(data)
    except ValidationError as exc:
        return [(tuple(e["loc"]), _describe_error(e)) for e in exc.errors()], None


def _describe_error(error: ErrorDetails) -> str:
    kind, ctx, got = error["type"], error.get("ctx", {}), describe_value(error.get("input"))
    quote = "; put it in quotes" if isinstance(error.get("input"), int | float) else ""
    messages = {
        "missing": "required key is missing",
        "extra_forbidden": "unknown key",
        "int_type": f"must be a whole number (got {got})",
        "greater_than_equal": f"must be {ctx.get('ge')} or more (got {got})",
        "less_than_equal": f"must be {ctx.get('le')} or less (got {got})",
        "string_type": f"must be text (got {got}{quote})",
        "bool_type": f"must be true or false (got {got})",
        "list_type": f"must be a list (got {got})",
        "dict_type": f"must be a mapping of keys to values (got {got})",
        "model_type": f"must be a mapping of keys to values (got {got})",
        "literal_error": f"must be one of {ctx.get('expected')} (got {got})",
        "string_pattern_mismatch": f"must be a code of lowercase letters, digits, hyphens and "
        f"underscores, starting with a letter (got {got})",
        "string_too_short": "must not be empty",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters long",
        "too_short": f"must list at least {ctx.get('min_length')} item(s)",
        "value_error": str(ctx.get("error", error["msg"])),
    }
    return messages.get(kind, error["msg"])
