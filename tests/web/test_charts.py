"""The charts' geometry: marks where the values put them, a text alternative that says the
data, and nothing drawn outside the chart."""

from datetime import date

from app.web.charts import (
    HEIGHT,
    WIDTH,
    Month,
    Rated,
    bars_against_pace,
    funnel,
    ratings_over_time,
)

COLOURS = {"self": "#2a7a4b", "supervisor": "#1f5f8b"}
NAMES = {"self": "own rating", "supervisor": "supervisor"}


def _inside(mark):
    return 0 <= mark.x <= WIDTH and 0 <= mark.y <= HEIGHT and mark.x + mark.width <= WIDTH


def test_ratings_rise_as_lines_in_time_order_with_their_words():
    ratings = [
        Rated(date(2026, 6, 1), "self", 4, "Jun 1"),
        Rated(date(2026, 2, 1), "self", 2, "Feb 1"),
        Rated(date(2026, 4, 1), "supervisor", 3, "Apr 1"),
    ]
    chart = ratings_over_time(ratings, (1, 2, 3, 4, 5), COLOURS, NAMES)
    own, supervisor = chart.series
    assert [p.words for p in own.points] == ["own rating: 2 (Feb 1)", "own rating: 4 (Jun 1)"]
    assert own.points[0].x < supervisor.points[0].x < own.points[1].x
    assert own.points[1].y < supervisor.points[0].y < own.points[0].y  # higher scores sit higher
    assert own.path.startswith("M") and own.path.count("L") == 1
    assert chart.summary == "own rating: 2 (Feb 1), own rating: 4 (Jun 1); supervisor: 3 (Apr 1)"
    assert [t.label for t in chart.y_ticks] == ["1", "2", "3", "4", "5"]
    assert [t.label for t in chart.x_ticks] == ["Feb 1", "Jun 1"]
    assert all(_inside(p) for s in chart.series for p in s.points)


def test_equal_ratings_on_one_day_are_both_visible():
    ratings = [Rated(date(2026, 7, 8), kind, 3, "Jul 8") for kind in ("self", "supervisor")]
    own, supervisor = ratings_over_time(ratings, (1, 2, 3, 4, 5), COLOURS, NAMES).series
    assert own.points[0].y == supervisor.points[0].y and own.points[0].x != supervisor.points[0].x


def test_bars_are_as_tall_as_their_months_and_the_pace_line_sits_at_its_value():
    months = [Month("Jan", 1.0, "January: 1 h"), Month("Feb", 3.0, "February: 3 h")]
    chart = bars_against_pace(months, 2.0, "pace needed: 2 h a month")
    january, february = chart.bars
    assert abs(february.height - 3 * january.height) < 0.5 and january.x < february.x
    assert abs((january.y + january.height) - (february.y + february.height)) < 0.2  # one baseline
    assert chart.reference is not None
    assert february.y < chart.reference.at < january.y
    assert chart.summary == "January: 1 h; February: 3 h. pace needed: 2 h a month"
    assert all(_inside(b) for b in chart.bars)


def test_no_pace_draws_no_line():
    chart = bars_against_pace([Month("Jan", 0, "January: 0 h")], None, "")
    assert chart.reference is None and chart.bars[0].height == 0


def test_the_funnel_widths_follow_the_counts():
    chart = funnel([("Stage 1", 4), ("Stage 2", 2), ("Accredited", 0)], "VIG")
    widths = [b.width for b in chart.bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 2  # an empty stage still shows a sliver
    assert chart.summary == "VIG: Stage 1: 4; Stage 2: 2; Accredited: 0"
    assert [t.label for t in chart.y_ticks] == ["Stage 1", "Stage 2", "Accredited"]
