"""Return shipments in bulk from JSON or CSV: all or nothing, each bad row's errors named."""
from __future__ import annotations

PICKUPS = "/api/v1/pickups"
HEADER = ("dossier_code,procedure,recipient_name,recipient_phone,recipient_id_number,address_line,unit_code,"
          "document,original,count\n")


def _csv(*lines: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(line + "\n" for line in lines)).encode()


def test_csv_good_rows_created(as_user):
    body = _csv("000.00.12.H56-261123-9001,Cấp giấy khai sinh,Nguyễn Văn Ất,0912345678,038090001234,"
                "Thôn Đông,14812,Giấy khai sinh,có,1",
                "000.00.12.H56-261123-9002,,Lê Thị Bưởi,0912345679,,Xóm Bắc,14818,Trích lục,bản sao,2")
    resp = as_user("agency").post(f"{PICKUPS}/returns.csv", data=body, content_type="text/csv")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["created"] == 2
    tn = resp.get_json()["shipments"][1]["tracking_number"]
    shipment = as_user("agency").get(f"/api/v1/shipments/{tn}").get_json()
    assert shipment["items"] == [{"name": "Trích lục", "original": False, "count": 2}]
    assert shipment["sender"]["name"] == "UBND phường Bỉm Sơn"


def test_csv_bad_rows_reported_and_nothing_kept(as_user, problem):
    body = _csv("000.00.12.H56-261123-9101,,Nguyễn Văn Ất,0912345678,,Thôn Đông,14812,Giấy khai sinh,1,1",
                "000.00.12.H56-261123-9102,,Lê Thị Bưởi,12345,,Xóm Bắc,14818,Trích lục,1,1",
                "000.00.12.H56-261123-9103,,Trần Văn Cam,0912345670,,Xóm Nam,99999,Trích lục,1,abc")
    upload = {"file": (__import__("io").BytesIO(body), "r.csv")}
    resp = as_user("agency").post(f"{PICKUPS}/returns.csv", data=upload, content_type="multipart/form-data")
    answer = problem(resp, 422, "invalid_rows", "rows.2.recipient.phone", "rows.3.items.0.count")
    assert not any(k.startswith("rows.1.") for k in answer["errors"])
    found = as_user("agency").get("/api/v1/shipments?dossier_code=000.00.12.H56-261123-9101").get_json()
    assert found["items"] == []


def test_unknown_commune_and_duplicate_dossier_in_one_batch(as_user, problem, return_row):
    same = return_row()
    rows = [same, dict(same), return_row(recipient={"name": "A", "phone": "0912345678",
                                                    "address": {"line": "x", "unit_code": "99999"}})]
    answer = problem(as_user("agency").post(f"{PICKUPS}/returns", json={"shipments": rows}), 422,
                     "invalid_rows", "rows.2.dossier.code", "rows.3.recipient.address.unit_code")
    assert "rows.1" not in " ".join(answer["errors"])


def test_csv_refusals(as_user, problem):
    problem(as_user("agency").post(f"{PICKUPS}/returns.csv", data=b"a,b\n1,2\n", content_type="text/csv"),
            422, "invalid_csv", "file")
    problem(as_user("agency").post(f"{PICKUPS}/returns.csv", data="x".encode("utf-16"),
                                   content_type="text/csv"),
            422, "invalid_csv")
    problem(as_user("agency").post(f"{PICKUPS}/returns", data="a,b", content_type="text/csv"), 415)
    problem(as_user("agency").post(f"{PICKUPS}/returns.csv?agency_code=UBND-14818", data=_csv(),
                                   content_type="text/csv"), 403, "other_agency")


def test_text_the_csv_module_refuses_is_422(as_user, problem):
    # Found by schemathesis: a bare carriage return, or a field over the csv module's limit, was a 500.
    for text in ("÷4k\rf", HEADER + '"' + "x" * 200_000 + '"\n'):
        problem(as_user("agency").post(f"{PICKUPS}/returns.csv", json={"csv": text}),
                422, "invalid_csv", "file")


def test_csv_as_json_text(as_user, problem):
    text = _csv("000.00.12.H56-261123-9201,,Nguyễn Văn Ất,0912345678,,Thôn Đông,14812,Giấy khai sinh,1,1")\
        .decode()
    resp = as_user("agency").post(f"{PICKUPS}/returns.csv", json={"csv": text})
    assert resp.status_code == 201 and resp.get_json()["created"] == 1, resp.get_json()
    problem(as_user("agency").post(f"{PICKUPS}/returns.csv", json={"file": 1}), 422, None, "csv")
