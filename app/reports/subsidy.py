"""The subsidy claim: per policy and period, every discounted shipment with the share the
state budget promised to fund, so the province can be billed (SPEC §5)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.fees.models import DiscountPolicy as Policy
from app.shipments.models import Shipment, Status

CSV_HEADERS = ("STT", "Số hiệu bưu gửi", "Mã hồ sơ", "Thủ tục", "Cơ quan", "Người nhận", "Ngày chấp nhận",
               "Cước trước giảm (đồng)", "Giảm (đồng)", "Ngân sách hỗ trợ (đồng)", "Bưu điện hỗ trợ (đồng)")


@dataclass(frozen=True)
class Claim:
    policy: str
    policy_name: str
    date_from: date
    date_to: date
    items: list[Shipment]

    def totals(self) -> dict[str, int]:
        return {"items": len(self.items),
                "gross_vnd": sum((s.fee or {}).get("gross_vnd", 0) for s in self.items),
                "discount_vnd": sum((s.fee or {}).get("discount_vnd", 0) for s in self.items),
                "subsidy_budget_vnd": sum(s.subsidy_budget_vnd or 0 for s in self.items),
                "subsidy_post_vnd": sum(s.subsidy_post_vnd or 0 for s in self.items)}


def subsidy_claim(policy_code: str, date_from: date, date_to: date) -> Claim:
    if date_to < date_from:
        raise ValidationFailed("to", "The period ends after it starts.", code="period_invalid")
    policy = db.session.scalar(select(Policy).where(Policy.code == policy_code))
    if policy is None:
        raise ValidationFailed("policy", f"Unknown policy {policy_code!r}.", code="unknown_policy")
    # Priced (and so discounted) on accepted_on; a cancelled shipment was never carried.
    items = list(db.session.scalars(
        select(Shipment).where(Shipment.policy_code == policy_code, Shipment.accepted_on >= date_from,
                               Shipment.accepted_on <= date_to, Shipment.status != Status.cancelled)
        .order_by(Shipment.accepted_on, Shipment.id)).unique())
    return Claim(policy.code, policy.name, date_from, date_to, items)


def claim_rows(claim: Claim) -> list[tuple[Any, ...]]:
    """The table the CSV and the XLSX share: one line per shipment, then the totals."""
    rows: list[tuple[Any, ...]] = [
        (i, s.tracking_number, s.dossier_code, s.procedure_name or "", s.agency.name, s.recipient_name,
         s.accepted_on, (s.fee or {}).get("gross_vnd", 0), (s.fee or {}).get("discount_vnd", 0),
         s.subsidy_budget_vnd or 0, s.subsidy_post_vnd or 0) for i, s in enumerate(claim.items, 1)]
    t = claim.totals()
    rows.append((None, "Tổng cộng", f"{t['items']} bưu gửi", None, None, None, None, t["gross_vnd"],
                 t["discount_vnd"], t["subsidy_budget_vnd"], t["subsidy_post_vnd"]))
    return rows


def claim_csv(claim: Claim) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel opens it with its Vietnamese intact."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel")
    writer.writerow(CSV_HEADERS)
    for row in claim_rows(claim):
        writer.writerow(["" if v is None else f"{v:%d/%m/%Y}" if isinstance(v, date) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
