"""The reports as XLSX workbooks, written by the one writer in app/reports/xlsx.py."""
from __future__ import annotations

from app.money.reconcile import Reconciliation
from app.reports import service_standard as standard
from app.reports import subsidy
from app.reports.xlsx import Column, Sheet, workbook

PROBLEMS = {"missing_payment": "Chưa ghi thu", "unexpected_payment": "Thu không có nghiệp vụ",
            "other_collector": "Người thu khác", "amount_differs": "Lệch số tiền"}


def service_standard_xlsx(report: standard.Report) -> bytes:
    kinds = ("text", "text", "int", "int", "int", "percent", "decimal", "int", "int")
    columns = [Column(h, k, 30 if i == 1 else 16)
               for i, (h, k) in enumerate(zip(standard.CSV_HEADERS, kinds, strict=True))]
    columns[5] = Column("Tỷ lệ đúng hạn", "percent", 16)
    heading = ("Báo cáo chỉ tiêu thời gian toàn trình (TT17 Điều 6–8)",
               f"Hạn phát từ {report.date_from:%d/%m/%Y} đến {report.date_to:%d/%m/%Y}; "
               f"quá hạn tính đến {report.as_of:%d/%m/%Y}")
    return workbook(Sheet("Chỉ tiêu thời gian", columns, standard.rows(report), heading, total_rows=1))


def claim_xlsx(claim: subsidy.Claim) -> bytes:
    kinds = ("int", "text", "text", "text", "text", "text", "date", "vnd", "vnd", "vnd", "vnd")
    columns = [Column(h, k, 18) for h, k in zip(subsidy.CSV_HEADERS, kinds, strict=True)]
    heading = (f"Đề nghị thanh toán hỗ trợ: {claim.policy_name} ({claim.policy})",
               f"Từ {claim.date_from:%d/%m/%Y} đến {claim.date_to:%d/%m/%Y}")
    return workbook(Sheet("Đề nghị thanh toán", columns, subsidy.claim_rows(claim), heading, total_rows=1))


def daily_xlsx(rec: Reconciliation) -> bytes:
    heading = (f"Đối soát ngày {rec.day:%d/%m/%Y}: {rec.office.name} ({rec.office.code})",)
    lines = Sheet("Đối soát", [
        Column("Số hiệu bưu gửi", width=18), Column("Khoản thu", width=16), Column("Người phải thu"),
        Column("Phải thu (đồng)", "vnd"), Column("Người đã thu"), Column("Đã thu (đồng)", "vnd"),
        Column("Chênh lệch (đồng)", "vnd"), Column("Vấn đề", width=24),
    ], [(x.tracking_number, x.kind, x.expected_by, x.expected_vnd, x.recorded_by, x.recorded_vnd,
         x.difference_vnd, PROBLEMS.get(x.problem or "")) for x in rec.lines]
       + [("Tổng cộng", None, None, rec.expected_vnd, None, rec.recorded_vnd,
           rec.recorded_vnd - rec.expected_vnd, None)], heading, total_rows=1)
    people = Sheet("Theo người", [
        Column("Người thu"), Column("Phải thu (đồng)", "vnd"), Column("Đã thu (đồng)", "vnd"),
        Column("Chênh lệch (đồng)", "vnd"),
    ], [(p["username"], p["expected_vnd"], p["recorded_vnd"], p["difference_vnd"]) for p in rec.people],
        heading)
    return workbook(lines, people)
