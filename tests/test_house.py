"""The house rules a newcomer relies on, checked on the source itself: who may do what is decided
only in app/authz, no module grows past 300 lines, and every package says what it owns.
(The import contracts, layers and cycles, are import-linter's, run by `make lint`.)"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
TEMPLATES = ROOT / "templates"

# A role or identity test is a permission decision: it belongs in app/authz. Queries that filter
# by role or by the actor's id (`UserRole.role == Role.X`, `Notification.user_id == actor.id`)
# are not decisions and are not matched: their left side is a mapped class's column.
DECISIONS = [
    re.compile(r"\.has_role\("),
    re.compile(r"\bcurrent_user\.(id|roles|has_role)\b"),
    re.compile(r"\bactor\.id\s*[!=]="),
    re.compile(r"\b[a-z_]+\.\w+\s*[!=]=\s*(actor|current_user)\.id\b"),
    re.compile(r"\.roles\s*&"),
]


def _sources() -> list[Path]:
    outside = [p for p in APP.rglob("*.py") if not p.is_relative_to(APP / "authz")]
    return [p for p in outside if not p.is_relative_to(APP / "models")]


def _decisions_in(path: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if any(pattern.search(line) for pattern in DECISIONS):
            found.append(f"{path}:{number}: {line.strip()}")
    return found


def test_the_patterns_find_the_decisions_they_are_meant_to(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "if actor.has_role(Role.COORDINATOR): pass\n"
        "if actor.id != session.supervisor_id: pass\n"
        "if reflection.author_id != actor.id: pass\n"
        "{% if current_user.has_role('coordinator') %}\n"
        "select(Notification).where(Notification.user_id == actor.id)\n"
        "query.where(UserRole.role == Role.TRAINEE)\n"
    )
    assert len(_decisions_in(sample)) == 4


def test_no_role_or_identity_test_outside_authz():
    found = [hit for path in _sources() for hit in _decisions_in(path)]
    found += [hit for path in TEMPLATES.rglob("*.html") for hit in _decisions_in(path)]
    assert len(_sources()) > 100
    assert found == []


def test_no_module_of_the_application_over_300_lines():
    lengths = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in APP.rglob("*.py")
    }
    assert len(lengths) > 100
    assert {path: n for path, n in lengths.items() if n > 300} == {}


def test_every_package_says_what_it_owns_in_a_few_lines():
    packages = [p for p in APP.rglob("__init__.py") if p.parent != APP]
    assert len(packages) > 30
    silent = []
    for init in packages:
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        if not docstring or len(docstring.splitlines()) > 3:
            silent.append(str(init.relative_to(ROOT)))
    assert silent == []


def test_the_locale_is_changed_only_through_app_i18n():
    """app/reading keeps each request's locale and translations (app/i18n offers them);
    Flask-Babel's ways of changing them mid-request (`force_locale`, `refresh`) would leave those
    stale, so only it calls them."""
    pattern = re.compile(
        r"\bforce_locale\b|flask_babel\.refresh|from flask_babel import .*\brefresh"
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in APP.rglob("*.py")
        if path != APP / "reading.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert pattern.search((APP / "reading.py").read_text(encoding="utf-8"))
    assert found == []
