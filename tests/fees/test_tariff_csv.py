"""Zone prices as CSV (issue 12, admin tariffs): the template holds a version's prices and reads
back to the same; a file's shape is checked row by row, and its amounts by TariffIn itself."""
from __future__ import annotations

from typing import Any

import pytest
from marshmallow import ValidationError

from app.fees import services as fees
from app.fees import tariff_csv
from app.fees.schemas import TariffIn

NAMES = {"local": "Nội xã, lân cận", "intra_province": "Nội tỉnh"}
ZONES = ("local", "intra_province", "inter_same_region", "inter_adjacent_region", "inter_far_region")
HEADER = "zone,zone_name,base_vnd,step_vnd\n"


def problems(found: tariff_csv.ZonePrices) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.code, p.line, p.column, p.value) for p in found.problems]


def test_the_template_holds_the_version_and_reads_back_to_it(app):
    tariff = fees.get_tariff("VNPOST-HCC-2020")
    raw = tariff_csv.template(tariff, NAMES)
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "zone,zone_name,base_vnd,step_vnd"
    assert lines[2] == "intra_province,Nội tỉnh,30000,5000"
    found = tariff_csv.read(raw)
    assert found.problems == []
    assert found.zones == {p.zone.value: {"base_vnd": p.base_vnd, "step_vnd": p.step_vnd}
                           for p in tariff.zone_prices}
    assert found.lines == {zone: n for n, zone in enumerate(ZONES, 2)}


def test_a_spreadsheet_s_ways_are_read():
    rows = "".join(f"{zone};;{amount};5 000\r\n" for zone, amount in zip(ZONES, ("26.000", "30000", "30.500",
                                                                            "31000", "31.500"), strict=True))
    found = tariff_csv.read(("\ufeffZone;Zone_Name;Base_VND;Step_VND\r\n" + rows + ";;;\r\n\r\n").encode())
    assert found.problems == []
    assert found.zones["local"] == {"base_vnd": 26000, "step_vnd": 5000}
    assert found.zones["inter_far_region"]["base_vnd"] == 31500


def test_each_bad_row_is_named_and_the_missing_zones_too():
    raw = (HEADER + "local,,26000,5000\nmoon,,1,1\nlocal,,1,1\nintra_province,,ba mươi,\n").encode()
    found = tariff_csv.read(raw)
    assert problems(found) == [
        ("unknown_zone", 3, "zone", "moon"), ("repeated_zone", 4, "zone", "local"),
        *[("missing_zone", None, "zone", zone) for zone in ZONES[2:]]]
    # Amounts are TariffIn's to judge: text stays text, an empty cell is left out.
    assert found.zones["intra_province"] == {"base_vnd": "ba mươi"}
    with pytest.raises(ValidationError) as refused:
        TariffIn().load({"zones": found.zones})
    messages: Any = refused.value.messages
    assert set(messages["zones"]["intra_province"]["value"]) == {"base_vnd", "step_vnd"}


@pytest.mark.parametrize(("raw", "expected"), [
    (b"zone,base\nlocal,1\n", [("missing_column", 1, "base_vnd", ""), ("missing_column", 1, "step_vnd", "")]),
    (b"", [("empty", None, None, "")]),
    ((HEADER + "local,Hà,1,1\n").encode("latin-1"), [("not_utf8", None, None, "")]),
    (b"x" * (tariff_csv.MAX_BYTES + 1), [("too_large", None, None, "")]),
])
def test_a_file_of_the_wrong_shape_is_refused_whole(raw, expected):
    found = tariff_csv.read(raw)
    assert problems(found) == expected
    assert found.zones == {}
