"""Charts people would rather look at than read, as geometry for server-rendered SVG
(templates/_macros/charts.html): ratings over time, supervision by month against the pace a
stage needs, and the pipeline's funnel. Plain values in, coordinates out: no JavaScript, the
same drawing on a page and in a PDF, and a sentence of text for each chart."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 28, 10, 10, 24


@dataclass(frozen=True)
class Mark:
    """A point or a bar, with what it says in words (its <title>)."""

    x: float
    y: float
    width: float
    height: float
    words: str


@dataclass(frozen=True)
class Series:
    """A line of points (ratings by one kind of rater)."""

    name: str
    colour: str
    path: str
    points: tuple[Mark, ...]


@dataclass(frozen=True)
class Tick:
    """A labelled position on an axis."""

    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    """What a chart macro draws: its size, marks, lines, axes and its text alternative."""

    width: int
    height: int
    summary: str
    series: tuple[Series, ...] = ()
    bars: tuple[Mark, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    reference: Tick | None = None


def _plot_x(fraction: float) -> float:
    return round(LEFT + fraction * (WIDTH - LEFT - RIGHT), 1)


def _plot_y(fraction: float) -> float:
    return round(HEIGHT - BOTTOM - fraction * (HEIGHT - TOP - BOTTOM), 1)


@dataclass(frozen=True)
class Rated:
    """One rating to plot: when, by whom (a series name) and the score."""

    on: date
    series: str
    score: int
    day_words: str


def ratings_over_time(
    ratings: Sequence[Rated], scale: Sequence[int], colours: dict[str, str], names: dict[str, str]
) -> Chart:
    """Each kind of rater's scores as a line over time, on the scheme's scale."""
    low, high = min(scale), max(scale)
    days = sorted({r.on for r in ratings})
    first, span = (days[0], (days[-1] - days[0]).days) if days else (date.min, 0)

    # The kinds of rater sit a little apart, so equal scores on one day both show.
    nudge = {key: (n - (len(colours) - 1) / 2) * 4 for n, key in enumerate(colours)}

    def at(rating: Rated) -> Mark:
        x = _plot_x((rating.on - first).days / span if span else 0.5) + nudge[rating.series]
        y = _plot_y((rating.score - low) / (high - low) if high > low else 0.5)
        words = f"{names[rating.series]}: {rating.score} ({rating.day_words})"
        return Mark(x, y, 0, 0, words)

    series = []
    for key in colours:
        points = tuple(at(r) for r in sorted(ratings, key=lambda r: r.on) if r.series == key)
        if points:
            path = " ".join(f"{'M' if n == 0 else 'L'}{p.x},{p.y}" for n, p in enumerate(points))
            series.append(Series(names[key], colours[key], path, points))
    y_ticks = tuple(
        Tick(_plot_y((s - low) / (high - low) if high > low else 0.5), str(s)) for s in scale
    )
    ordered = sorted(ratings, key=lambda r: r.on)
    ends: tuple[Tick, ...] = ()
    if ordered:
        ends = (Tick(_plot_x(0 if span else 0.5), ordered[0].day_words),)
        if span:
            ends += (Tick(_plot_x(1), ordered[-1].day_words),)
    summary = "; ".join(", ".join(p.words for p in s.points) for s in series)
    return Chart(WIDTH, HEIGHT, summary, tuple(series), y_ticks=y_ticks, x_ticks=ends)


@dataclass(frozen=True)
class Month:
    """A month's total to draw as a bar."""

    label: str
    value: float
    words: str


def bars_against_pace(months: Sequence[Month], pace: float | None, pace_words: str) -> Chart:
    """One bar per month, with a line at the pace needed (when there is one)."""
    top = max([m.value for m in months] + [pace or 0, 1.0])
    slot = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    bars = tuple(
        Mark(
            round(LEFT + n * slot + slot * 0.15, 1),
            _plot_y(m.value / top),
            round(slot * 0.7, 1),
            round(_plot_y(0) - _plot_y(m.value / top), 1),
            m.words,
        )
        for n, m in enumerate(months)
    )
    every = max(1, len(months) // 6)
    x_ticks = tuple(
        Tick(round(LEFT + n * slot + slot / 2, 1), m.label)
        for n, m in enumerate(months)
        if n % every == 0
    )
    y_ticks = (Tick(_plot_y(0), "0"), Tick(_plot_y(1), f"{top:g}"))
    reference = Tick(_plot_y(pace / top), pace_words) if pace else None
    summary = "; ".join(m.words for m in months) + (f". {pace_words}" if pace else "")
    return Chart(
        WIDTH, HEIGHT, summary, bars=bars, x_ticks=x_ticks, y_ticks=y_ticks, reference=reference
    )


def funnel(rows: Sequence[tuple[str, int]], total_words: str) -> Chart:
    """Horizontal bars, one per stage, as wide as the number of people in it."""
    row_height, label_width = 26, 120
    height = TOP + row_height * max(len(rows), 1) + 4
    top = max([count for _, count in rows] + [1])
    usable = WIDTH - label_width - RIGHT - 24
    bars = tuple(
        Mark(
            label_width,
            TOP + n * row_height,
            max(round(usable * count / top, 1), 2),
            row_height - 6,
            f"{label}: {count}",
        )
        for n, (label, count) in enumerate(rows)
    )
    ticks = tuple(
        Tick(TOP + n * row_height + (row_height - 6) / 2, label)
        for n, (label, _) in enumerate(rows)
    )
    return Chart(
        WIDTH,
        height,
        f"{total_words}: " + "; ".join(b.words for b in bars),
        bars=bars,
        y_ticks=ticks,
    )
