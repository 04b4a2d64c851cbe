"""The supervisor's home lists, for each supervisee, only what their stage still needs (their
page has every requirement, met or not)."""

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import CaseSetting, Enrolment
from app.services.evidence import cases, films
from app.services.progress.snapshots import progress_for
from tests.builders.evidence import TODAY, build_world
from tests.builders.web import client_as, committed


@pytest.fixture
def world(app, schemes):
    """A trainee with cycles with two clients (met) and not yet six cycles (unmet)."""
    with committed(app):
        built = build_world()
        enrolment = db.session.get(Enrolment, built.enrolment_id)
        second = cases.create_case(
            enrolment.trainee,
            enrolment,
            CaseSetting.SCHOOL,
            "",
            "What helps?",
            "",
            date(2026, 2, 2),
            None,
            TODAY,
        )
        films.save_cycle(
            enrolment.trainee, second, date(2026, 2, 11), True, date(2026, 2, 15), False, "", TODAY
        )
        return built


def _still_needed(page: str) -> list[str]:
    table = page.split('id="supervisees"')[1].split("</table>")[0]
    bar = r'<progress max="100" value="\d+"></progress> <span class="muted">(.*?)</span>'
    return re.findall(bar, table)


def test_only_what_the_stage_still_needs_is_listed(app, world):
    with app.app_context():
        enrolment = db.session.get(Enrolment, world.enrolment_id)
        stage = progress_for(enrolment, TODAY).current
        met = [r.label for r in stage.requirements if r.met]
        unmet = [r.label for r in stage.requirements if not r.met]
    assert met == ["With at least 2 clients"] and "6 VIG cycles" in unmet
    page = client_as(app, world.supervisor).get("/").get_data(as_text=True)
    assert "Still needed in this stage" in page
    assert _still_needed(page) == unmet
    enrolment_page = client_as(app, world.supervisor).get(f"/enrolments/{world.enrolment_id}")
    assert "With at least 2 clients" in enrolment_page.get_data(as_text=True)


def test_each_supervisee_row_names_the_trainee_scheme_and_stage(app, world):
    """The rows (read as columns, not objects) show the trainee's name linked to their
    enrolment, the scheme's title and the open stage's number."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, world.enrolment_id)
        name, title = enrolment.trainee.display_name, enrolment.scheme.title
        number = progress_for(enrolment, TODAY).current.number
    page = client_as(app, world.supervisor).get("/").get_data(as_text=True)
    row = page.split('id="supervisees"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert f'<a href="/enrolments/{world.enrolment_id}">{name}</a>' in row
    assert f'<span class="muted">{title}</span>' in row
    assert re.search(rf"<td>\s*{number}\s*</td>", row)
