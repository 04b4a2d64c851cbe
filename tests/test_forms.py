"""The base form every form inherits, and where sign-in may send a person afterwards."""

from collections.abc import Iterator

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from app.account.forms import ProfileForm
from app.cases.forms import CaseForm, ConsentForm
from app.certificates.forms import IssueForm
from app.cohorts.forms import AddMembersForm, CohortForm
from app.films.forms import FilmForm
from app.milestones.forms import MilestoneForm, PauseForm
from app.models import Case, Certificate, Cohort, Consent, Film, Milestone, Pause, Reflection, User
from app.people.forms import InviteForm, PersonForm
from app.people.management_forms import EraseForm
from app.reflections.forms import ReflectionForm
from app.web.forms import DEFAULT_MAX_LINE, DEFAULT_MAX_TEXT, Form, max_length
from app.web.redirects import safe_next

CONTROL_MESSAGE = "invisible control character"


def _all_subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _app_forms(app) -> list[type]:
    # create_app imported every blueprint, hence every form module.
    return sorted(
        {c for c in _all_subclasses(FlaskForm) if c.__module__.startswith("app.")},
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def test_every_form_in_the_app_inherits_the_base_form(app):
    forms = _app_forms(app)
    assert len(forms) >= 30
    strays = [f"{c.__module__}.{c.__qualname__}" for c in forms if not issubclass(c, Form)]
    assert strays == []


def test_every_text_field_of_every_form_has_a_limit_and_refuses_control_characters(app):
    with app.test_request_context(method="POST", data={}):
        for form_class in _app_forms(app):
            form = form_class(**({"expected_email": ""} if "Erase" in form_class.__name__ else {}))
            for field in form:
                if isinstance(field, StringField):
                    name = f"{form_class.__name__}.{field.name}"
                    assert max_length(field) is not None, name
                    assert field.validators[0].__name__ == "_refuse_control_characters", name


# Single-line fields stored in String(n) columns: the form's limit must fit the column, or a
# long value is a database error (PostgreSQL) instead of a message beside the field.
STORED = [
    (ProfileForm, "display_name", User.display_name),
    (PersonForm, "display_name", User.display_name),
    (InviteForm, "email", User.email),
    (CaseForm, "label", Case.label),
    (ConsentForm, "given_by_role", Consent.given_by_role),
    (IssueForm, "holder_name", Certificate.holder_name),
    (CohortForm, "name", Cohort.name),
    (FilmForm, "kept_at", Film.kept_at),
    (MilestoneForm, "other_subtype", Milestone.subtype),
    (MilestoneForm, "title", Milestone.title),
    (PauseForm, "reason", Pause.reason),
    (ReflectionForm, "title", Reflection.title),
]


@pytest.mark.parametrize(("form_class", "name", "column"), STORED)
def test_text_field_limits_fit_their_columns(app, form_class, name, column):
    with app.test_request_context():
        field = form_class(formdata=None)[name]
    assert max_length(field) is not None
    assert max_length(field) <= column.type.length


def _posted(app, form_class, **data):
    with app.test_request_context(method="POST", data=data):
        form = form_class()
        form.validate()
        return form


@pytest.mark.parametrize(
    "value", ["a\x00b", "\x00", "a\x01b", "line\nbreak", "tab\there", "del\x7f", "c1\x85"]
)
def test_single_line_text_refuses_control_characters_beside_the_field(app, value):
    form = _posted(app, CohortForm, name=value, kind="course")
    assert any(CONTROL_MESSAGE in str(e) for e in form.name.errors)


@pytest.mark.parametrize("value", ["a\x00b", "a\x0bb", "a\x1bb", "a\x7fb"])
def test_multi_line_text_refuses_control_characters_beside_the_field(app, value):
    form = _posted(app, CohortForm, name="Leeds", kind="course", description=value)
    assert any(CONTROL_MESSAGE in str(e) for e in form.description.errors)
    assert not form.name.errors


def test_multi_line_text_keeps_tabs_and_line_breaks(app):
    text = "first line\r\n\tindented\nlast"
    form = _posted(app, CohortForm, name="Leeds", kind="course", description=text)
    assert form.errors == {}
    assert form.description.data == text


@pytest.mark.parametrize("field", ["name", "description"])
def test_huge_values_are_refused_beside_the_field(app, field):
    data = {"name": "Leeds", "kind": "course", field: "x" * 100_000}
    form = _posted(app, CohortForm, **data)
    assert list(form.errors) == [field]


def test_text_fields_without_their_own_limit_get_the_default(app):
    with app.test_request_context():
        assert max_length(AddMembersForm(formdata=None).addresses) == DEFAULT_MAX_TEXT
        assert max_length(EraseForm("a@example.org", formdata=None).confirm_email) == (
            DEFAULT_MAX_LINE
        )


def test_the_default_limit_is_explained_beside_the_field(app):
    form = _posted(app, AddMembersForm, addresses="a@example.org " * 2000)
    assert form.addresses.errors == [f"Use at most {DEFAULT_MAX_TEXT} characters."]
    with app.test_request_context(method="POST", data={"confirm_email": "x" * 300}):
        erase = EraseForm("a@example.org")
        erase.validate()
    assert f"Use at most {DEFAULT_MAX_LINE} characters." in erase.confirm_email.errors


def test_guards_are_added_once_per_form_not_once_per_request(app):
    with app.test_request_context():
        counts = [len(CohortForm(formdata=None).name.validators) for _ in range(3)]
    assert counts[0] == counts[2]


@pytest.mark.parametrize(
    "control", list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
def test_single_line_text_loses_bidirectional_controls(app, control):
    form = _posted(app, CohortForm, name=f"rtl {control}gnp.exe", kind="course")
    assert form.name.data == "rtl gnp.exe"


def test_multi_line_text_keeps_direction_marks_as_written(app):
    # Free text may mix scripts; it is printed without the controls (see the PDF tests).
    form = _posted(app, CohortForm, name="x", kind="course", description="שלום\u200f abc")
    assert form.description.data == "שלום\u200f abc"
    assert isinstance(form.description, TextAreaField)


def test_greek_and_other_scripts_pass_untouched(app):
    form = _posted(app, CohortForm, name="Ωμέγα Дмитриева 日本", kind="course")
    assert form.errors == {} and form.name.data == "Ωμέγα Дмитриева 日本"


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/people",
        "/people?q=tess&sort=-name",
        "/enrolments/3#stage-2",
        "/verify/AB12-CD34",
        "/%C5%81ucja",
    ],
)
def test_sign_in_returns_to_paths_on_this_site(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "people",
        "//evil.example",
        "//evil.example/x",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example/",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "\t//evil.example",
        " //evil.example",
        "/\x00/x",
        "/\x0b/evil.example",
        "/%2F/evil.example",
        "/%2f/evil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "/%0d%0a/evil.example",
        "https://evil.example",
        "https:evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "/ok\x7f",
    ],
)
def test_sign_in_never_returns_to_another_host_or_a_broken_address(target):
    assert safe_next(target) is None
