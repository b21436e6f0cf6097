def test_clerk_creates_and_reads_a_shipment(as_user, shipment_body):
    clerk = as_user("clerk")
    resp = clerk.post("/api/v1/shipments", json=shipment_body())
    assert resp.status_code == 201, resp.get_json()
    tn = resp.get_json()["tracking_number"]
    got = clerk.get(f"/api/v1/shipments/{tn}")
    assert got.status_code == 200
    assert [e["event"] for e in got.get_json()["events"]] == ["created"]
