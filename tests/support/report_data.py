"""A fixed data set for the service-standard report, made in the live server's database (browser
tests and `make screenshots`): eight shipments with known offices, zones, due dates and
deliveries across the 2025 Reunification and Labour Day break."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, insert, select, update

from app.orgs.models import Agency, Office
from app.shipments.models import Shipment, Status, TrackingEvent

VN = timezone(timedelta(hours=7))
# Four weeks around the 2025 Reunification and Labour Day break (30/4 – 2/5 off, Saturday 26/4
# worked instead), far from the dates the other tests make.
PERIOD = "from=2025-04-07&to=2025-05-04"
FAR = {"line": "Bản Chiềng Cồng", "unit_code": "14845"}  # Mường Lát: intra_province from Bỉm Sơn
AGENCY_OF = {"BC-BIMSON": "UBND-14812", "BC-HATRUNG": "UBND-15271"}
# name: (office, zone, due date, delivered at (province time), or still accepted)
DATA: dict[str, tuple[str, str, date, datetime | Status]] = {
    "a": ("BC-BIMSON", "local", date(2025, 4, 8), datetime(2025, 4, 8, 10, 0, tzinfo=VN)),
    "b": ("BC-BIMSON", "intra_province", date(2025, 4, 9), datetime(2025, 4, 11, 9, 0, tzinfo=VN)),
    "c": ("BC-HATRUNG", "local", date(2025, 4, 10), datetime(2025, 4, 10, 16, 0, tzinfo=VN)),
    "d": ("BC-HATRUNG", "intra_province", date(2025, 4, 15), datetime(2025, 4, 14, 15, 0, tzinfo=VN)),
    "e": ("BC-BIMSON", "local", date(2025, 4, 29), datetime(2025, 5, 5, 8, 0, tzinfo=VN)),
    "f": ("BC-BIMSON", "intra_province", date(2025, 4, 29), datetime(2025, 4, 29, 11, 0, tzinfo=VN)),
    "g": ("BC-HATRUNG", "local", date(2025, 4, 29), Status.accepted),
    "h": ("BC-HATRUNG", "intra_province", date(2025, 4, 28), datetime(2025, 5, 6, 9, 30, tzinfo=VN)),
}


@pytest.fixture
def fixed_data(live_database_url, api, api_token, shipment_body) -> dict[str, str]:
    """The fixed data set in the live server's database: shipments made through the API, then
    given their office, due date and delivery directly, as the report reads them (in 2025,
    before they were made: no scan may be recorded there)."""
    token = api_token("clerk")
    numbers = {}
    for name, (_office, zone, _due, _outcome) in DATA.items():
        body = shipment_body()
        if zone != "local":
            body["recipient"] = {**body["recipient"], "address": FAR}
        answer = api("post", "/api/v1/shipments", token=token, json=body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["fee"]["zone"] == zone
        numbers[name] = answer.json()["tracking_number"]
    engine = create_engine(live_database_url)
    with engine.begin() as conn:
        offices = dict(conn.execute(select(Office.code, Office.id)).tuples().all())
        agencies = dict(conn.execute(select(Agency.code, Agency.id)).tuples().all())
        for name, (office, _zone, due, outcome) in DATA.items():
            shipment_id = conn.scalar(select(Shipment.id).where(Shipment.tracking_number == numbers[name]))
            conn.execute(update(Shipment).where(Shipment.id == shipment_id).values(
                office_id=offices[office], agency_id=agencies[AGENCY_OF[office]], due_date=due,
                status=Status.delivered if isinstance(outcome, datetime) else outcome))
            if isinstance(outcome, datetime):
                moment = outcome.astimezone(UTC)
                conn.execute(insert(TrackingEvent).values(
                    shipment_id=shipment_id, event="delivered", upu_code="EMI", occurred_at=moment,
                    recorded_at=moment, office_id=offices[office]))
    engine.dispose()
    return numbers
