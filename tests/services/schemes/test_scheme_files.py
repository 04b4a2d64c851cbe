"""Scheme and framework definition files: the shipped numbers, and located errors."""

from pathlib import Path
from textwrap import dedent

import pytest

from app.services.schemes.files import (
    Definition,
    SchemeFileError,
    default_schemes_dir,
    definition_files,
    parse_file,
    parse_text,
    read_definitions,
)
from app.services.schemes.schema import REQUIREMENT_KINDS, FrameworkDef, SchemeDef

SHIPPED = default_schemes_dir()

# A small valid scheme; the line numbers in the tests below refer to this text.
VALID = dedent(
    """\
    # A small scheme for tests.
    kind: scheme
    code: test-scheme
    version: "1"
    title: Test scheme
    body: Test association
    scheme_kind: practitioner
    description: A scheme used by the tests.
    offered: true
    framework: {code: paig, version: "2024"}
    expected_months: 12
    film_retention_months: 2
    assessor_grades: [supervisor]
    stages:
      - number: 0
        title: Initial training
        ends_with: course_completion
        requirements:
          - kind: course
            amount: 1
            label: Complete the course
      - number: 1
        title: Stage 1
        ends_with: accreditation_meeting
        requirements:
          - kind: cycles
            amount: 6
            label: Six cycles
          - kind: document
            amount: 1
            label: Reflective statement
            params: {document: reflective_statement}
    """
)


def _scheme(name: str) -> SchemeDef:
    model = parse_file(SHIPPED / name).model
    assert isinstance(model, SchemeDef)
    return model


def _amounts(scheme: SchemeDef) -> dict[int, dict[str, int]]:
    return {s.number: {r.kind: r.amount for r in s.requirements} for s in scheme.stages}


def _total(scheme: SchemeDef, kind: str) -> int:
    return sum(r.amount for s in scheme.stages for r in s.requirements if r.kind == kind)


def _error(text: str, name: str = "test.yaml") -> SchemeFileError:
    with pytest.raises(SchemeFileError) as caught:
        parse_text(text, Path(name))
    return caught.value


def test_every_shipped_file_parses() -> None:
    definitions = read_definitions(definition_files(SHIPPED))
    assert sorted(d.file for d in definitions) == [
        "aviguk-practitioner-2024.yaml",
        "aviguk-practitioner-legacy.yaml",
        "nl-vig-practitioner.yaml",
        "paig-framework-2024.yaml",
        "verp-practitioner.yaml",
        "vig-supervisor.yaml",
    ]
    assert all(len(d.digest) == 64 for d in definitions)


def test_every_shipped_scheme_names_the_shipped_framework() -> None:
    for definition in read_definitions(definition_files(SHIPPED)):
        if isinstance(definition.model, SchemeDef):
            assert (definition.model.framework.code, definition.model.framework.version) == (
                "paig",
                "2024",
            )


def test_current_aviguk_scheme_has_the_published_numbers() -> None:
    scheme = _scheme("aviguk-practitioner-2024.yaml")
    assert (scheme.code, scheme.version, scheme.offered) == ("aviguk-practitioner", "2024", True)
    assert (scheme.expected_months, scheme.film_retention_months) == (18, 2)
    assert scheme.assessor_grades == ["supervisor", "advanced"]
    assert _amounts(scheme) == {
        0: {"course": 1},
        1: {"cycles": 6, "clients": 2, "supervision_minutes": 420, "meeting": 1},
        2: {
            "intro_session": 1,
            "cycles": 9,
            "new_clients": 3,
            "supervision_minutes": 480,
            "meeting": 1,
        },
        3: {
            "intro_session": 1,
            "cycles": 12,
            "new_clients": 3,
            "supervision_minutes": 480,
            "competency": 1,
            "document": 1,
            "meeting": 1,
        },
    }
    ends = [s.ends_with for s in scheme.stages]
    assert ends == [
        "course_completion",
        "transition_meeting",
        "transition_meeting",
        "accreditation_meeting",
    ]
    final = {r.kind: r.params for r in scheme.stages[3].requirements}
    assert final["document"] == {"document": "reflective_statement"}
    assert final["meeting"] == {"meeting": "accreditation"}
    assert (_total(scheme, "cycles"), _total(scheme, "supervision_minutes")) == (27, 1380)
    assert _total(scheme, "clients") + _total(scheme, "new_clients") == 8


def test_legacy_aviguk_scheme_has_the_older_numbers() -> None:
    scheme = _scheme("aviguk-practitioner-legacy.yaml")
    assert (scheme.code, scheme.offered) == ("aviguk-practitioner", False)
    assert scheme.version != "2024"
    assert _total(scheme, "cycles") == 18
    assert _total(scheme, "clients") + _total(scheme, "new_clients") == 6
    assert _total(scheme, "supervision_minutes") == 900
    assert scheme.stages[-1].ends_with == "final_review"


def test_dutch_scheme_has_sixteen_supervisions_and_renewal() -> None:
    scheme = _scheme("nl-vig-practitioner.yaml")
    assert _total(scheme, "supervision_sessions") == 16
    assert [s.ends_with for s in scheme.stages] == ["mid_course_evaluation", "final_review"]
    assert _amounts(scheme)[1]["supervision_sessions"] == 8
    assert scheme.certificate_validity_months == 36
    renewal = {r.kind: r.amount for r in scheme.renewal}
    assert renewal == {
        "cases": 10,
        "supervision_sessions": 3,
        "intervision_sessions": 1,
        "peer_presentations": 1,
    }


def test_supervisor_and_verp_schemes_have_their_kinds() -> None:
    supervisor = _scheme("vig-supervisor.yaml")
    assert (supervisor.scheme_kind, supervisor.assessor_grades) == ("supervisor", ["advanced"])
    assert [s.number for s in supervisor.stages] == [4]
    verp = _scheme("verp-practitioner.yaml")
    assert verp.scheme_kind == "verp"
    cycles = [r for s in verp.stages for r in s.requirements if r.kind == "cycles"]
    assert cycles and all(r.params == {"sessions_per_cycle": 3} for r in cycles)


def test_framework_has_six_principles_with_their_elements() -> None:
    model = parse_file(SHIPPED / "paig-framework-2024.yaml").model
    assert isinstance(model, FrameworkDef)
    assert [p.code for p in model.principles] == [
        "attentive",
        "encouraging_initiatives",
        "receiving_initiatives",
        "attuned_interactions",
        "guiding",
        "deepening_discussion",
    ]
    assert [len(p.elements) for p in model.principles] == [5, 5, 6, 8, 6, 8]
    texts = {e.text for p in model.principles for e in p.elements}
    assert {"Waiting", "Scaffolding", "Having fun", "Reaching new shared understanding"} <= texts


def test_requirement_kinds_cover_every_shipped_requirement() -> None:
    kinds = {
        r.kind
        for d in read_definitions(definition_files(SHIPPED))
        if isinstance(d.model, SchemeDef)
        for s in d.model.stages
        for r in (*s.requirements, *d.model.renewal)
    }
    assert kinds <= REQUIREMENT_KINDS


def test_valid_test_scheme_parses() -> None:
    assert isinstance(parse_text(VALID, Path("test.yaml")), Definition)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "amount: 6",
            "amount: -2",
            "test.yaml, line 27, stages[1].requirements[0].amount: must be 0 or more (got -2)",
            id="negative-amount",
        ),
        pytest.param(
            "amount: 6",
            'amount: "6"',
            "test.yaml, line 27, stages[1].requirements[0].amount: must be a whole number "
            "(got '6')",
            id="string-amount",
        ),
        pytest.param(
            "kind: cycles",
            "kind: films",
            "test.yaml, line 26, stages[1].requirements[0].kind: unknown requirement kind 'films'",
            id="unknown-kind",
        ),
        pytest.param(
            "offered: true",
            "offered: true\ncolour: blue",
            "test.yaml, line 10, colour: unknown key",
            id="unknown-key",
        ),
        pytest.param(
            "        label: Six cycles\n",
            "",
            "test.yaml, line 26, stages[1].requirements[0].label: required key is missing",
            id="missing-key",
        ),
        pytest.param(
            "number: 1",
            "number: 0",
            "test.yaml, line 22, stages[1].number: duplicate stage number 0",
            id="duplicate-stage",
        ),
        pytest.param(
            "label: Six cycles",
            "label: [Six cycles",
            "test.yaml, line 29, stages[1].requirements[0].label",
            id="yaml-syntax",
        ),
        pytest.param(
            "params: {document: reflective_statement}",
            "params: {}",
            "test.yaml, line 32, stages[1].requirements[1].params.document: "
            "required for a document requirement",
            id="document-without-name",
        ),
        pytest.param(
            'version: "1"',
            "version: 1",
            "test.yaml, line 4, version: must be text (got 1; put it in quotes)",
            id="unquoted-version",
        ),
        pytest.param(
            "ends_with: accreditation_meeting",
            "ends_with: party",
            "test.yaml, line 24, stages[1].ends_with: must be one of",
            id="unknown-ending",
        ),
        pytest.param(
            "offered: true",
            "offered: true\noffered: false",
            "test.yaml, line 10, offered: key appears twice (first on line 9)",
            id="duplicate-key",
        ),
    ],
)
def test_malformed_file_names_file_line_and_key(old: str, new: str, expected: str) -> None:
    assert old in VALID
    error = _error(VALID.replace(old, new, 1))
    assert str(error).startswith(expected), str(error)
    assert error.file == "test.yaml"


def test_yaml_syntax_error_reports_the_parser_line() -> None:
    error = _error(VALID.replace("label: Six cycles", "label: [Six cycles", 1))
    assert error.line == 29
    assert "YAML syntax error" in str(error)


def test_every_problem_of_a_file_is_reported_together() -> None:
    text = VALID.replace("amount: 6", "amount: -1").replace("amount: 1\n", "amount: x\n", 1)
    error = _error(text)
    assert [(p.line, p.key) for p in error.problems] == [
        (20, "stages[0].requirements[0].amount"),
        (27, "stages[1].requirements[0].amount"),
    ]
    assert str(error).count("\n") == 1


def test_problems_of_several_files_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID.replace("amount: 6", "amount: -1"))
    (tmp_path / "b.yaml").write_text("")
    with pytest.raises(SchemeFileError) as caught:
        read_definitions(definition_files(tmp_path))
    assert [p.file for p in caught.value.problems] == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "test.yaml, line 1: the file is empty"),
        ("# only a comment\n", "test.yaml, line 1: the file is empty"),
        ("- a\n- b\n", "test.yaml, line 1: must be a mapping of keys to values at the top level"),
        ("code: x\n", "test.yaml, line 1, kind: must be framework or scheme (missing)"),
    ],
)
def test_file_that_is_not_a_definition_is_refused(text: str, expected: str) -> None:
    assert str(_error(text)).startswith(expected)


def test_renewal_needs_a_certificate_validity() -> None:
    text = VALID + "renewal:\n  - kind: cases\n    amount: 10\n    label: Ten cases\n"
    assert str(_error(text)).startswith("test.yaml, line 33, renewal: needs certificate_validity")
    valid = text.replace("offered: true", "offered: true\ncertificate_validity_months: 36")
    assert parse_text(valid, Path("test.yaml"))


def test_requirement_params_are_checked_per_kind() -> None:
    text = VALID.replace("label: Six cycles", "label: Six cycles\n        params: {colour: 1}")
    assert str(_error(text)).startswith(
        "test.yaml, line 29, stages[1].requirements[0].params.colour: not a parameter of cycles"
    )
    competency = VALID.replace("kind: document", "kind: competency").replace(
        "{document: reflective_statement}", "{principle: guiding, rating: high}"
    )
    assert str(_error(competency)).startswith(
        "test.yaml, line 32, stages[1].requirements[1].params.rating: must be a whole number"
    )


def test_duplicate_principle_and_element_codes_are_refused() -> None:
    text = dedent(
        """\
        kind: framework
        code: paig
        version: "x"
        title: Framework
        principles:
          - code: attentive
            name: Being attentive
            elements:
              - {code: waiting, text: Waiting}
          - code: attentive
            name: Again
            elements:
              - {code: waiting, text: Waiting again}
        """
    )
    assert [(p.line, p.key) for p in _error(text).problems] == [
        (10, "principles[1].code"),
        (13, "principles[1].elements[0].code"),
    ]


def test_digest_ignores_comments_and_layout_but_not_numbers() -> None:
    digest = parse_text(VALID, Path("test.yaml")).digest
    reformatted = "# another comment\n" + VALID.replace(
        "assessor_grades: [supervisor]", ("assessor_grades:\n  - supervisor   # only one")
    )
    assert parse_text(reformatted, Path("other.yaml")).digest == digest
    assert parse_text(VALID.replace("amount: 6", "amount: 7"), Path("t.yaml")).digest != digest
