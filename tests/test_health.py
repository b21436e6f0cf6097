"""Liveness and readiness (SPEC §7)."""


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_readyz_checks_the_database(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ready", "database": "ok"}


def test_health_needs_no_token_and_refuses_writes(client):
    resp = client.post("/healthz")
    assert resp.status_code == 405
    assert resp.content_type == "application/problem+json"
