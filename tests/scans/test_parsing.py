"""A batch's scans are read by a direct path when plainly well formed (app.scans.schemas.quick_load),
else by ScanIn's own fields without the Schema machinery (app.fields.FlatLoad): the same values
and the same errors as ScanIn().load, for any JSON a client may send."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields, post_load

from app.fields import FlatLoad
from app.scans.schemas import ScanIn, quick_load

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (st.lists(children, max_size=3)
                      | st.dictionaries(st.text(max_size=10), children, max_size=3)),
    max_leaves=10,
)
SCANS = st.fixed_dictionaries({}, optional={
    "id": st.uuids().map(str) | JSON_VALUES,
    "tracking_number": st.sampled_from(["EE471108151FR", "HB000000019VN", " hb 1 ", "x" * 21]) | JSON_VALUES,
    "event": st.sampled_from(["accepted", "arrived", "delivery_failed", "delivered"]) | JSON_VALUES,
    "occurred_at": (st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
                    | st.sampled_from(["2026-12-01T08:00:00", "1999-12-31T23:00:00+07:00"]) | JSON_VALUES),
    "office_code": st.sampled_from(["BC-BIMSON", " Bỉm Sơn ", "a\x01b", ""]) | JSON_VALUES,
    "lat": st.floats() | JSON_VALUES, "lon": st.floats() | JSON_VALUES,
    "reason": st.sampled_from(["addressee_absent", "x"]) | JSON_VALUES,
    "note": st.text(max_size=600) | JSON_VALUES,
    "device_time": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()) | JSON_VALUES,
    "clock_offset_ms": st.integers() | JSON_VALUES,
    "extra": JSON_VALUES,
})


def outcome(load, value):
    try:
        return "loaded", load(value)
    except ValidationError as exc:
        return "refused", exc.messages


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=SCANS | JSON_VALUES)
def test_the_flat_load_answers_as_the_schema_does(value):
    assert outcome(FlatLoad(ScanIn()).load, value) == outcome(ScanIn().load, value)


WELL_FORMED = st.fixed_dictionaries({
    "id": st.uuids().map(str),
    "tracking_number": st.sampled_from(["EE471108151FR", "hb000000019vn", "x" * 20]),
    "event": st.sampled_from(["accepted", "arrived", "delivery_failed", "delivered"]),
    "occurred_at": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
}, optional={
    "office_code": st.sampled_from(["BC-BIMSON", "Bỉm Sơn", " x", "a\tb", "Bi\u0309m", "x" * 21]) | st.none(),
    "lat": st.floats() | st.integers() | st.none(), "lon": st.floats() | st.none(),
    "reason": st.sampled_from(["addressee_absent", "x"]) | st.none(),
    "note": st.text(max_size=501) | st.none(),
    "device_time": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat(timespec="milliseconds"))
    | st.none(),
    "clock_offset_ms": st.integers(min_value=-10**9, max_value=10**9) | st.floats() | st.none(),
})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=WELL_FORMED | SCANS | JSON_VALUES)
def test_the_direct_path_reads_what_the_schema_reads_or_steps_aside(value):
    quick = quick_load(value)
    if quick is not None:
        assert ("loaded", quick) == outcome(ScanIn().load, value)


def test_a_phones_scan_takes_the_direct_path():
    scan = {"id": "5b0c1f4e-8a3d-4c1e-9a57-2f9d0c1b7e21", "tracking_number": "EE471108151FR",
            "event": "delivery_failed", "occurred_at": "2026-12-01T08:15:30.250+07:00",
            "office_code": "BC-BIMSON", "lat": 20.08, "lon": 105.86, "reason": "addressee_absent",
            "note": "Nhà đóng cửa", "device_time": "2026-12-01T08:15:28.000+07:00", "clock_offset_ms": 2250}
    assert quick_load(scan) == ScanIn().load(scan)
    assert quick_load({k: scan[k] for k in ("id", "tracking_number", "event", "occurred_at")}) is not None


@pytest.mark.parametrize("event", [{"a": 1}, ["accepted"], None, 3])
def test_an_event_of_another_json_type_steps_aside(event):
    scan = {"id": "5b0c1f4e-8a3d-4c1e-9a57-2f9d0c1b7e21", "tracking_number": "EE471108151FR",
            "event": event, "occurred_at": "2026-12-01T08:15:30+07:00"}
    assert quick_load(scan) is None  # the fields then refuse it, with their message


def test_a_schema_with_hooks_or_nesting_is_refused():
    class Hooked(Schema):
        name = fields.String()

        @post_load
        def _done(self, data, **_kw):
            return data

    class Nesting(Schema):
        inner = fields.Nested(ScanIn)

    for schema in (Hooked(), Nesting(), ScanIn(unknown="exclude")):
        with pytest.raises(TypeError):
            FlatLoad(schema)
