"""What the pipeline dashboard shows, gathered once per change and kept in the app.

Gathering it (counts by scheme and stage, every list's size and first rows) takes many
statements over the whole association; the page is opened far more often than anything on it
changes. So the gathered values are kept, keyed by the audit log's newest entry
(`audit.newest_mark`: every change of state is recorded in the same transaction, so a new entry
means something may have changed) and by everything else they depend on: the day, the viewer's
language and time zone, the query string. A decision shows on the next request, in every worker
and on every server, since each request reads the mark from the database. Values are plain (text,
numbers, dates, lazily translated labels), never database objects.
"""

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_babel import get_locale, get_timezone

from app.extensions import db
from app.i18n import local_today
from app.lists.csv_export import Column
from app.lists.worklist import ShownRow, WorkList, args_from_request, shown_rows
from app.lists.workspace import LISTS
from app.services import audit
from app.services.coordination import pipeline
from app.services.coordination.pipeline import SchemeCounts
from app.web.charts import Chart
from app.web.progress_charts import pipeline_funnels

PREVIEW_ROWS = 5
KEPT = 32  # gathered dashboards kept per app (a few languages, zones and days at once)


@dataclass(frozen=True)
class Preview:
    worklist: WorkList
    columns: tuple[Column[Any], ...]
    rows: tuple[ShownRow, ...]
    total: int


@dataclass(frozen=True)
class Dashboard:
    counts: list[SchemeCounts]
    funnels: dict[int, Chart]
    previews: list[Preview]


def _gather() -> Dashboard:
    previews = []
    for worklist in LISTS.values():
        args = args_from_request(worklist)
        shown, tuple_rows = worklist.shown(args)
        found = db.session.execute(shown.limit(PREVIEW_ROWS))
        items = found.all() if tuple_rows else found.scalars().all()
        columns = worklist.columns(args)
        rows = tuple(shown_rows(worklist.link, columns, items))
        previews.append(Preview(worklist, columns, rows, pipeline.count_of(worklist.query(args))))
    counts = pipeline.counts_by_scheme_and_stage()
    funnels = {scheme.scheme_id: chart for scheme, chart in pipeline_funnels(counts)}
    return Dashboard(counts, funnels, previews)


def dashboard() -> Dashboard:
    """The dashboard as it stands now: gathered, or kept from a request since the last change."""
    key = (
        audit.newest_mark(),
        local_today(),
        str(get_locale()),
        str(get_timezone()),
        tuple(sorted(request.args.items(multi=True))),
    )
    kept: dict[Any, Dashboard] = current_app.extensions.setdefault("pipeline_dashboards", {})
    found = kept.get(key)
    if found is None:
        found = _gather()
        if len(kept) >= KEPT:
            kept.clear()
        kept[key] = found
    return found
