"""Batch label PDF throughput (SPEC §11: ≥ 600 labels/s, ≤ 4 KiB per label, 2 cores), and the
same labels as ZPL for thermal printers beside it (issue 14: bytes and server time per label).

Run from the repository root:  .venv/bin/python bench/labels.py [--labels 1000] [--template a6]

Builds N distinct shipments in memory (ORM objects that never touch a database: names,
phones, addresses in Thanh Hóa's communes, documents, fees, S10 numbers), then times what
POST /api/v1/labels does once the shipments are loaded: `app.labels.services.shipment_doc`
for each and one `render_labels` call into a single PDF. A warm-up pass first registers the
fonts and reads the template, as a running server would have done. Then the same shipments
through `app.labels.zpl.render_zpl` (POST /api/v1/labels.zpl: text as Z64 graphic fields, and
with ZPL's ASCII compression for printers without Z64), with the PDF's figures as the baseline.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.geo.models import Commune
from app.labels.render_labels import render_labels
from app.labels.services import shipment_doc
from app.orgs.models import Agency, Office
from app.shipments import s10
from app.shipments.models import Service, Shipment, ShipmentItem, Status

BASE_URL = "https://buudien.thanhhoa.example.vn"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý", "Lương", "Trịnh", "Đinh", "Mai"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thành", "Minh", "Ngọc", "Quang", "Thu", "Xuân", "Bảo", "Thùy", "Quốc",
          "Khánh"]
GIVEN = ["Ất", "Bình", "Cường", "Dũng", "Hạnh", "Hương", "Lộc", "Mỹ", "Nguyệt", "Phúc", "Quý", "Sơn", "Thảo",
         "Tuấn", "Yến", "Ánh", "Ổn", "Ửng", "Ước", "Đạt", "Giang", "Hiếu", "Khuê", "Lĩnh", "Nhẫn", "Oanh",
         "Quyết", "Sỹ", "Tường", "Uyên", "Vượng", "Xuyến"]
VILLAGES = ["Thôn", "Đông", "Thôn", "Tây", "Xóm", "Chùa", "Khu", "phố", "Bắc", "Sơn", "Tiểu", "khu", "Ngọc",
            "Trạo", "Làng", "Hới"]
DOCUMENTS = ("Trích lục khai sinh", "Tờ khai đăng ký hộ tịch", "Giấy chứng nhận quyền sử dụng đất",
             "Bản sao Căn cước công dân", "Sổ hộ khẩu", "Giấy xác nhận tình trạng hôn nhân",
             "Đơn đề nghị cấp phiếu lý lịch tư pháp", "Hợp đồng chuyển nhượng")
PROCEDURES = ("Cấp bản sao trích lục hộ tịch", "Đăng ký khai sinh", "Cấp phiếu lý lịch tư pháp",
              "Chứng thực bản sao từ bản chính", "Đăng ký biến động đất đai")


def thanh_hoa_communes() -> list[Commune]:
    from vietnamadminunits.database import get_data

    rows = get_data(fields=["provinceCode", "ward", "wardShort", "wardType", "wardCode"])
    return [Commune(code=r["wardCode"], name=r["ward"], short_name=r["wardShort"], kind=r["wardType"],
                    province_code="38", lat=0.0, lon=0.0, search_key="")
            for r in rows if r["provinceCode"] == "38"]


def shipments(count: int, seed: int = 2020) -> list[Shipment]:
    rng = random.Random(seed)
    communes = thanh_hoa_communes()
    office = Office(id=1, code="BC-BIMSON", name="Bưu cục Bỉm Sơn", unit_code="14812",
                    address_line="Số 10 Trần Phú", phone="02373824300")
    agencies = [Agency(id=i, code=f"UBND-{c.code}", name=f"UBND {c.name[0].lower()}{c.name[1:]}",
                       unit_code=c.code, address_line="Số 1 đường Lê Lợi", office=office)
                for i, c in enumerate(communes[:20], 1)]
    out = []
    for i in range(count):
        agency, recipient_unit = rng.choice(agencies), rng.choice(communes)
        service = rng.choice((Service.intake, Service.return_))
        items = [ShipmentItem(position=k, name=rng.choice(DOCUMENTS), original=rng.random() < 0.5,
                              count=rng.randint(1, 3)) for k in range(rng.randint(1, 3))]
        base = 26000 if rng.random() < 0.4 else 30000
        fee = {"zone": "intra_province", "distance_km": round(rng.uniform(1, 80), 1),
               "lines": [{"code": "base", "label": "Cước", "amount_vnd": base}],
               "gross_vnd": base, "discount_vnd": 0, "total_vnd": base, "vat_vnd": base * 8 // 108,
               "policy": None, "subsidy_budget_vnd": 0, "subsidy_post_vnd": 0, "tariff_version": "2020"}
        out.append(Shipment(
            tracking_number=s10.compose("HA" if service is Service.intake else "HB", 1_000_000 + i),
            service=service, status=Status.created,
            dossier_code=f"000.00.12.H56-2003{rng.randint(10, 31)}-{i % 10000:04d}",
            procedure_name=rng.choice(PROCEDURES), agency=agency, office=office,
            sender_name=agency.name, sender_phone="02373824123", sender_address_line=agency.address_line,
            sender_unit=next(c for c in communes if c.code == agency.unit_code),
            recipient_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            recipient_phone=f"09{rng.randrange(10**8):08d}",
            recipient_address_line=f"{rng.choice(VILLAGES)}, số nhà {rng.randint(1, 300)}",
            recipient_unit=recipient_unit, weight_g=rng.randint(50, 900),
            collect_fee_vnd=rng.choice((0, 0, 30000, 50000)), accepted_on=date(2020, 3, 16),
            due_date=date(2020, 3, 16) + timedelta(days=rng.randint(1, 4)), fee=fee, items=items))
    return out


def render(rows: list[Shipment], template: str) -> bytes:
    provinces = {"38": "Thanh Hóa"}
    return render_labels([shipment_doc(s, provinces, BASE_URL) for s in rows], template)


def render_zpl(rows: list[Shipment], template: str, compression: str) -> bytes:
    from app.labels import zpl

    provinces = {"38": "Thanh Hóa"}
    docs = [shipment_doc(s, provinces, BASE_URL) for s in rows]
    return zpl.render_zpl(docs, template, compression=compression).encode()


def timed(work: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--template", default="a6")
    args = parser.parse_args()

    from reportlab.lib import rl_accel

    rows = shipments(args.labels)
    render(rows[:20], args.template)  # warm-up: fonts, template, encoder tables
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = render(rows, args.template)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    per_label = len(pdf) / args.labels
    rate = args.labels / wall
    print(f"{args.labels} distinct {args.template} labels in one PDF: {len(pdf):,} bytes, {wall:.3f} s "
          f"({cpu:.3f} s CPU); reportlab C accelerator: {'on' if not rl_accel._py_funcs else 'OFF'}")
    print(f"labels/s        {rate:8.0f}   (target ≥ 600)  {'ok' if rate >= 600 else 'BELOW TARGET'}")
    verdict = "ok" if per_label <= 4096 else "ABOVE TARGET"
    print(f"bytes/label     {per_label:8.0f}   (target ≤ 4096) {verdict}")
    if args.template != "a6":
        return
    print("\nthe same labels as ZPL (one ^XA…^XZ each), beside the PDF:")
    print(f"{'':28}{'bytes/label':>12}{'ms/label':>10}{'CPU ms/label':>14}")
    print(f"{'PDF (baseline)':28}{per_label:12,.0f}{wall * 1000 / args.labels:10.2f}"
          f"{cpu * 1000 / args.labels:14.2f}")
    for compression in ("z64", "ascii"):
        render_zpl(rows[:20], args.template, compression)  # warm-up
        zpl, z_wall, z_cpu = timed(lambda c=compression: render_zpl(rows, args.template, c))
        label = f"ZPL, text as ^GF ({compression})"
        print(f"{label:28}{len(zpl) / args.labels:12,.0f}{z_wall * 1000 / args.labels:10.2f}"
              f"{z_cpu * 1000 / args.labels:14.2f}")


if __name__ == "__main__":
    main()
