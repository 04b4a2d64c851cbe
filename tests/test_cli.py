"""The administrative commands."""

import os
import re
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from redis import Redis
from sqlalchemy import func, select

from app import create_app, jobs
from app.extensions import db
from app.models import Cohort, CohortMember, Enrolment, Role, Scheme, User
from app.services import notifications
from app.services.coordination import pipeline
from app.services.people import accounts
from tests.builders.web import committed


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_help_lists_every_command_with_a_line_of_help():
    environment = {**os.environ, "ATTUNE_ENV": "development"}
    output = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    for command, help_text in [
        ("create-user", "Create a person with roles"),
        ("seed-demo", "Load schemes and demo data"),
        ("schemes", "Scheme and framework definitions"),
        ("db", "Perform database migrations"),
    ]:
        assert re.search(rf"{command}\s+{help_text}", output), command


def test_create_user_with_password_can_sign_in(app, run):
    result = run(
        "create-user",
        "ops@example.org",
        "--role",
        "coordinator",
        "--role",
        "trainee",
        "--password",
        "a long password",
    )
    assert result.exit_code == 0, result.output
    assert "Created ops@example.org (coordinator, trainee)" in result.output
    with committed(app):
        user = accounts.authenticate("ops@example.org", "a long password")
        assert user.roles == {Role.COORDINATOR, Role.TRAINEE}


def test_create_user_without_password_sends_an_invitation(app, run, mailbox):
    result = run("create-user", "sup@example.org", "--role", "supervisor", "--grade", "advanced")
    assert result.exit_code == 0, result.output
    assert "Invitation sent." in result.output
    [message] = mailbox.to("sup@example.org")
    assert "http://attune.test/invite/" in mailbox.body(message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["taken@example.org", "--role", "trainee"], "already uses this e-mail"),
        (["x@example.org", "--role", "trainee", "--password", "short"], "at least 10"),
        (["x@example.org", "--role", "trainee", "--password", "password123"], "easy to guess"),
        (["x@example.org", "--role", "king"], "Invalid value for '--role'"),
        (["x@example.org"], "Missing option '--role'"),
    ],
)
def test_create_user_refuses_bad_input(app, run, args, message):
    run("create-user", "taken@example.org", "--role", "trainee", "--password", "a long password")
    result = run("create-user", *args)
    assert result.exit_code != 0
    assert message in result.output
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_seed_demo_is_idempotent_and_prints_accounts_and_certificates(app, run):
    first = run("seed-demo")
    assert first.exit_code == 0, first.output
    lines = first.output.strip().splitlines()
    people_lines, certificate_lines = lines[:4], lines[4:]
    assert [line.split()[0] for line in people_lines] == [
        "trainee",
        "supervisor",
        "supervisor",
        "coordinator",
    ]
    assert [line.split()[::2] for line in certificate_lines] == [
        ["CERTIFICATE", "valid"],
        ["CERTIFICATE", "revoked"],
    ]
    second = run("seed-demo")
    assert second.output == first.output
    with committed(app):
        # Four demo accounts; three accredited practitioners, one still awaiting a certificate.
        assert db.session.scalar(select(func.count()).select_from(User)) == 7
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 4
        # One cohort with the four trainees, created once.
        members = db.session.scalars(select(CohortMember)).all()
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == 1
        assert len(members) == 4
        for role, email, password in (line.split() for line in people_lines):
            user = accounts.authenticate(email, password)
            assert Role(role) in user.roles
        assessor = accounts.find_user_by_email("assessor@attune.demo")
        assert assessor.supervisor_grade.value in {"supervisor", "advanced"}
    number = certificate_lines[1].split()[1]
    record = app.test_client().get(f"/verify/{number}.json").get_json()
    assert record["status"] == "revoked"
    # Rob Revoked's accreditation itself was withdrawn: no new certificate is due for him.
    assert record["revocation_scope"] == "accreditation"
    with committed(app):
        to_issue = db.session.execute(pipeline.certificates_to_issue()).all()
        assert [row.trainee for row in to_issue] == ["Amara Awaiting"]


ACCOUNT = re.compile(r"^(trainee|supervisor|coordinator) \S+@attune\.demo \S+$")


def test_seed_demo_prints_its_e_mails_first_and_the_demo_accounts_last(app, run, mailbox):
    app.config.update(MAIL_ECHO_TO_CONSOLE=True)  # as in development
    result = run("seed-demo")
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip().splitlines()
    # What seeding notified is e-mailed (and printed) now, not at the first sign-in...
    sent = [i for i, line in enumerate(lines) if line.startswith("--- e-mail to ")]
    assert sent and len(mailbox.messages) == len(sent)
    with committed(app):
        assert notifications.pending_immediate() == []
    # ...so the accounts and certificates come last, after the last e-mail.
    *_, last_mail = (i for i, line in enumerate(lines) if line == "--- end of e-mail")
    tail = lines[last_mail + 1 :]
    assert [ACCOUNT.match(line) is not None for line in tail[:4]] == [True] * 4
    assert [line.split()[0] for line in tail[4:]] == ["CERTIFICATE", "CERTIFICATE"]


def test_make_run_seeds_last_before_serving():
    """`make run` prints the demo accounts last: seeding is its last step before the server."""
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    commands = [line.strip() for line in recipe if not line.strip().startswith("@#")]
    assert commands[-2].endswith("flask --app wsgi seed-demo")
    assert commands[-1].endswith("flask --app wsgi run --host 127.0.0.1 --port 5000")


def test_seed_demo_refuses_production_without_force(app_settings):
    from app import create_app

    keys = app_settings.get("CLIP_KEYS") or create_app("test").config["CLIP_KEYS"]
    production = create_app(
        "production", {**app_settings, "SECRET_KEY": "s" * 40, "CLIP_KEYS": keys}
    )
    result = production.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "Refusing to add demo accounts in production" in result.output
    with production.app_context():
        db.engine.dispose()


def test_schemes_load_reports_then_is_idempotent(app, run):
    first = run("schemes", "load")
    assert first.exit_code == 0, first.output
    assert "aviguk-practitioner" in first.output
    second = run("schemes", "load")
    assert second.exit_code == 0
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(Scheme)) == 5
    listing = run("schemes", "list").output
    assert "nl-vig-practitioner" in listing


def test_schemes_load_names_file_line_and_key_of_a_malformed_file(app, run, tmp_path):
    (tmp_path / "broken.yaml").write_text(
        "kind: framework\ncode: x\nversion: '1'\ntitle: T\nprinciples: 7\n"
    )
    result = run("schemes", "load", str(tmp_path))
    assert result.exit_code == 1
    assert "broken.yaml, line 5, principles:" in result.output


def test_jobs_worker_needs_a_queue(run):
    result = run("jobs", "worker", "--burst")  # the suite runs jobs inline, without a queue
    assert result.exit_code == 2 and "Set REDIS_URL" in result.output


def test_jobs_worker_works_the_queue_until_empty(app_settings):
    name = f"attune-test-{uuid4().hex[:8]}"
    app = create_app("test", app_settings | {"JOBS_BACKEND": "rq", "JOBS_QUEUE": name})
    with app.app_context():
        job = jobs.queue(app).enqueue(jobs.perform, "builtins:print", "a job")
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    job.refresh()
    status = job.get_status()
    Redis.from_url(app.config["REDIS_URL"]).delete(f"rq:queue:{name}")
    assert result.exit_code == 0, result.output
    assert status == "finished" and jobs.queue(app).count == 0


def test_a_job_outside_the_app_is_refused_with_the_way_to_run_it():
    with pytest.raises(RuntimeError, match="flask jobs worker"):
        jobs.perform("builtins:print", "a job")
