"""The default tariff and discount policies of SPEC §5, loaded by the demo command."""
from __future__ import annotations

from datetime import date
from typing import Any

from app.vocabulary import tt22_categories

# Public VNPost figures for items up to 100 g, VAT included, per leg (SPEC §5).
DEFAULT_TARIFF: dict[str, Any] = {
    "version": "VNPOST-HCC-2020",
    "effective_from": date(2020, 1, 1),
    "prices_include_vat": True,
    "vat_rate_bp": 1000,
    "base_weight_g": 100,
    # The SPEC §7 example (120 g) is priced at the base by the acceptance criteria, while
    # "each further 500 g or part" would add a step: a 20 g weighing tolerance on the base
    # band reconciles the two (documented in docs/fees.md; set 0 for the strict reading).
    "base_tolerance_g": 20,
    "step_weight_g": 500,
    "max_weight_g": 30000,  # the parcel ceiling; an operator may set a lower one per version
    "local_radius_km": 10,
    "remote_threshold_km": 40,
    "remote_surcharge_vnd": 5000,
    "collection_fee_vnd": 8000,
    "note": "Biểu cước mặc định (SPEC §5): giá VNPost công bố, đã gồm VAT.",
    "zones": {
        "local": {"base_vnd": 26000, "step_vnd": 5000},
        "intra_province": {"base_vnd": 30000, "step_vnd": 5000},
        "inter_same_region": {"base_vnd": 30500, "step_vnd": 5000},
        "inter_adjacent_region": {"base_vnd": 31000, "step_vnd": 5000},
        "inter_far_region": {"base_vnd": 31500, "step_vnd": 5000},
    },
}

# The demo history starts with the default tariff; TT22 exemptions hold for all of it.
TT22_FROM = date(2020, 1, 1)
# One TT22 policy per share of the carriage the circular waives.
TT22_POLICY_NAMES = {
    10000: "Miễn cước: người hoạt động cách mạng trước 1945, Bà mẹ Việt Nam anh hùng",
    5000: "Giảm 50% cước: đối tượng chính sách, hộ nghèo, xã đặc biệt khó khăn",
}


def _tt22_policy(discount_bp: int, name: str) -> dict[str, Any]:
    return {
        "code": f"TT22-{discount_bp // 100}", "name": name,
        "legal_basis": "Thông tư 22/2017/TT-BTTTT",
        "kind": "percentage", "discount_bp": discount_bp,
        "valid_from": TT22_FROM, "valid_to": None,
        "beneficiary_categories": list(tt22_categories(discount_bp)),
        "budget_share_bp": 0,
    }


DEFAULT_POLICIES: list[dict[str, Any]] = [
    {
        "code": "THA-COVID19-2020",
        "name": "Giảm 50% cước trả kết quả TTHC trong tỉnh Thanh Hóa mùa dịch COVID-19",
        "legal_basis": "Sở TT&TT Thanh Hóa, tháng 3/2020; ngân sách tỉnh hỗ trợ 50%",
        "kind": "percentage", "discount_bp": 5000,
        "valid_from": date(2020, 3, 9), "valid_to": date(2020, 6, 30),
        "legs": ["return"], "province_code": "38",
        "budget_share_bp": 5000,
    },
    *(_tt22_policy(discount_bp, name) for discount_bp, name in TT22_POLICY_NAMES.items()),
]
