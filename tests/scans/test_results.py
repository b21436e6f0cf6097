"""A batch's results are answered as ingest made them (app.scans.schemas.ScanResults): exactly
what ScanResultOut would dump of each, and documented by it."""
from __future__ import annotations

from app.scans.schemas import ScanBatchOut, ScanResultOut

RESULTS = [
    {"id": "4f0e6a52-5a43-4c54-9d43-2f1b8f1f0f01", "result": "recorded"},
    {"id": "4F0E6A52-5A43-4C54-9D43-2F1B8F1F0F02", "result": "duplicate"},
    {"id": None, "result": "rejected", "error": {"code": "invalid_scan", "detail": "id: Not a valid UUID."}},
    {"id": "x", "result": "rejected", "error": {"code": "shipment_not_found", "detail": "No shipment Ấ."}},
]


def test_each_result_is_what_its_schema_dumps(app):
    with app.app_context():
        answer = ScanBatchOut().dump(RESULTS)
    assert answer["results"] == ScanResultOut(many=True).dump(RESULTS)
    assert (answer["recorded"], answer["duplicate"], answer["rejected"]) == (1, 1, 2)


def test_the_results_are_documented_by_their_schema(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    results = spec["components"]["schemas"]["ScanBatchOut"]["properties"]["results"]
    assert results["items"] == {"$ref": "#/components/schemas/ScanResultOut"}
