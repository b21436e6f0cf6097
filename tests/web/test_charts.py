"""The server-made charts' geometry (app/web/charts.py): values where they belong, every value
written as text, gaps where there is no rate, and a long series written upright."""
from __future__ import annotations

import pytest
from flask import session

from app.web import charts
from app.web.charts import Datum
from app.web.i18n import SESSION_KEY

WEEKS = [Datum("W15", "07/04", 2 / 3), Datum("W16", "14/04", 1.0), Datum("W17", "21/04", None),
         Datum("W18", "28/04", 1 / 3)]


@pytest.fixture
def vietnamese(app):
    with app.test_request_context():
        yield


def test_a_rate_is_written_the_readers_way(app):
    with app.test_request_context():
        assert charts.percent(0.6667) == "66,7%" and charts.percent(None) == "–"
    with app.test_request_context():
        session[SESSION_KEY] = "en"
        assert charts.percent(0.6667) == "66.7%"


def test_a_line_across_puts_each_week_at_its_height_and_leaves_a_gap(vietnamese):
    chart = charts.line_across(WEEKS, "Tỷ lệ", "Tuần")
    points = {m.datum.key: m for m in chart.marks}
    assert [m.text.text for m in chart.marks] == ["66,7%", "100,0%", "–", "33,3%"]
    zero, full = chart.rules[0].y1, chart.rules[-1].y1  # the 0% and 100% lines
    assert points["W16"].cy == pytest.approx(full)
    assert points["W15"].cy == pytest.approx(zero + (full - zero) * 2 / 3)
    assert points["W15"].cx < points["W16"].cx < points["W17"].cx < points["W18"].cx
    assert not points["W17"].shown and points["W18"].shown
    # Broken at the empty week: one stroke W15–W16, a new one at W18.
    assert chart.path.count("M") == 2 and chart.path.count("L") == 1
    assert [t.text for t in chart.categories] == ["07/04", "14/04", "21/04", "28/04"]
    assert all(m.text.y < m.cy for m in chart.marks if m.shown)  # values above their points
    assert all(0 <= m.cx <= chart.width and 0 <= m.text.y <= chart.height for m in chart.marks)


def test_a_year_of_weeks_is_written_upright_and_stays_apart(vietnamese):
    year = [Datum(f"W{i}", f"{i:02d}/01", (i % 5) / 4) for i in range(53)]
    chart = charts.line_across(year, "Tỷ lệ", "Tuần")
    year[7] = Datum("W7", "07/01", None)
    chart = charts.line_across(year, "Tỷ lệ", "Tuần")
    assert all(m.text.rotate == -90 for m in chart.marks if m.shown) and len(chart.categories) == 53
    assert chart.marks[7].text.rotate == 0 and chart.marks[7].text.text == "–"
    gaps = [b.cx - a.cx for a, b in zip(chart.marks, chart.marks[1:], strict=False)]
    assert min(gaps) >= charts.FONT  # an upright label is one line high
    assert min(m.text.y for m in chart.marks) - 6 * charts.CHAR >= 0  # "100,0%" fits above


def test_a_line_down_fits_a_phone_whatever_the_weeks(vietnamese):
    chart = charts.line_down(WEEKS, "Tỷ lệ", "Tuần")
    assert chart.width == 340
    marks = chart.marks
    assert [m.cy for m in marks] == sorted(m.cy for m in marks)
    left, right = chart.rules[0].x1, chart.rules[-1].x1
    assert marks[1].cx == pytest.approx(right) and marks[0].cx == pytest.approx(left + (right - left) * 2 / 3)
    assert all(m.text.x + len(m.text.text) * charts.CHAR <= chart.width for m in marks)


def test_bars_are_as_long_as_their_rate_with_the_value_after_them(vietnamese):
    chart = charts.bars([Datum("A", "Bưu cục Bỉm Sơn", 0.5), Datum("B", "Bưu cục Hà Trung", 1.0),
                         Datum("C", "Bưu cục Sầm Sơn", None)], "Tỷ lệ")
    a, b, c = chart.marks
    assert a.w == pytest.approx(b.w / 2) and b.x + b.w == pytest.approx(chart.rules[-1].x1)
    assert not c.shown and c.w == 0 and c.text.text == "–"
    assert [m.text.text for m in chart.marks] == ["50,0%", "100,0%", "–"]
    assert all(m.text.x > m.x + m.w and m.text.x + len(m.text.text) * charts.CHAR <= chart.width
               for m in chart.marks)
    assert a.y + a.h < b.y  # one row each, none overlapping
    assert [t.text for t in chart.categories] == ["Bưu cục Bỉm Sơn", "Bưu cục Hà Trung", "Bưu cục Sầm Sơn"]
