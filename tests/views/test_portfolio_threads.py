"""Without Redis, a thread of the web process prepares the portfolio (real commits, so this
runs on PostgreSQL, where the request and the thread use separate connections)."""

import io

import pypdf

from app import jobs
from app.extensions import db
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.portfolio import HOLDER, build_portfolio_world
from tests.builders.web import sign_in


def test_a_thread_prepares_the_portfolio_after_the_request_has_answered(committing_app):
    committing_app.config["JOBS_BACKEND"] = "thread"
    with committing_app.app_context():
        load_definitions(None, default_schemes_dir())
        world = build_portfolio_world()
        db.session.commit()
    client = committing_app.test_client()
    sign_in(client, world.trainee)
    response = client.post(f"/enrolments/{world.enrolment}/portfolio")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    jobs.wait_for_threads()
    ready = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Being prepared." in page or "Ready." in page  # the thread may already be done
    assert "Ready." in ready
    download = client.get(response.headers["Location"] + "/pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    first_page = pypdf.PdfReader(io.BytesIO(download.get_data())).pages[0].extract_text()
    download.close()
    assert HOLDER in " ".join(first_page.split())
