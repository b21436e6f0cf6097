"""The shipment body of SPEC §7, for the demo agency UBND-14812: where the tests and the
benchmarks start from, and what a person trying the API can send as it is."""
from __future__ import annotations

import copy
from typing import Any

SPEC_BODY: dict[str, Any] = {
    "service": "return",
    "dossier": {"code": "000.00.12.H56-200313-0001", "procedure": "Cấp bản sao trích lục hộ tịch"},
    "agency_code": "UBND-14812",
    "sender": {"name": "UBND phường Bỉm Sơn", "phone": "02373824123",
               "address": {"line": "Số 1 Trần Phú", "unit_code": "14812"}},
    "recipient": {"name": "Nguyễn Văn Ất", "phone": "0912345678", "id_number": "038090001234",
                  "address": {"line": "Thôn Đông", "unit_code": "14812"}},
    "weight_g": 120,
    "items": [{"name": "Trích lục khai sinh", "original": True, "count": 1}],
    "beneficiary": {"category": "poor_household", "certificate": "HN-2020-0042"},
    "collect_fee_vnd": 0,
    "accepted_on": "2020-03-16",
}


def spec_body(dossier_code: str, **overrides: Any) -> dict[str, Any]:
    """A copy of the SPEC §7 body under another dossier code; keyword overrides replace
    top-level keys."""
    body = copy.deepcopy(SPEC_BODY)
    body["dossier"]["code"] = dossier_code
    body.update(overrides)
    return body
