"""The scale benchmark's reference page: a bare Flask route rendering a 100-row Jinja table from a
Python list, served by the same gunicorn workers as the app so that every page can be measured
against it. Registered only by the benchmark (`bench.served:app`), never in production."""

from datetime import date, timedelta
from pathlib import Path

from flask import Blueprint, render_template

ROWS = [
    {
        "name": f"Trainee {n:03d}",
        "scheme": "AVIGuk practitioner",
        "stage": 1 + n % 4,
        "started": date(2025, 1, 6) + timedelta(days=7 * n),
        "supervisor": f"Supervisor {n % 15:02d}",
    }
    for n in range(100)
]

bp = Blueprint(
    "bench_reference", __name__, template_folder=str(Path(__file__).parent / "templates")
)


@bp.get("/bench/reference")
def reference() -> str:
    return render_template("bench_reference.html", rows=ROWS)
