"""Agency API keys: listed by pages, and a bounded number live per agency (issue 9)."""
from __future__ import annotations

KEYS = "/api/v1/api-keys"


def test_keys_are_listed_by_pages(as_user):
    agency = as_user("agency")
    made = [agency.post(KEYS, json={"name": f"Hệ thống {n}"}).get_json()["id"] for n in range(3)]
    first = agency.get(f"{KEYS}?limit=2").get_json()
    second = agency.get(f"{KEYS}?limit=2&cursor={first['next_cursor']}").get_json()
    assert [k["id"] for k in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None
    assert "key" not in first["items"][0]


def test_an_agency_holds_a_bounded_number_of_live_keys(app, as_user, monkeypatch, problem):
    monkeypatch.setitem(app.config, "API_KEYS_PER_AGENCY", 2)
    agency = as_user("agency")
    first, _ = (agency.post(KEYS, json={"name": f"Hệ thống {n}"}).get_json() for n in range(2))
    problem(agency.post(KEYS, json={"name": "Một nữa"}), 409, "api_key_limit")
    problem(as_user("admin").post(KEYS, json={"name": "Một nữa", "username": "agency"}), 409, "api_key_limit")
    assert agency.delete(f"{KEYS}/{first['id']}").status_code == 204
    assert agency.post(KEYS, json={"name": "Thay thế"}).status_code == 201
