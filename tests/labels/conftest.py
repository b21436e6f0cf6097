"""Printing fixtures: shipments made through the API, and the real tools that read PDFs
back (pdftoppm, pdftotext, pdfinfo from poppler-utils; zbarimg from zbar-tools)."""
from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TOOLS = ("pdftoppm", "pdftotext", "pdfinfo", "zbarimg")
SHIPMENTS = "/api/v1/shipments"


class PdfTools:
    """Reads a PDF the way a printer and a scanner would: rasterised at 203 dpi, decoded."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def _file(self, pdf: bytes) -> Path:
        assert pdf.startswith(b"%PDF-"), pdf[:200]
        path = self.workdir / f"{uuid.uuid4().hex}.pdf"
        path.write_bytes(pdf)
        return path

    def pages(self, pdf: bytes) -> int:
        out = subprocess.run(["pdfinfo", str(self._file(pdf))], check=True, capture_output=True, text=True)
        return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))

    def text(self, pdf: bytes, page: int | None = None, layout: bool = False) -> str:
        args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
        if page is not None:
            args += ["-f", str(page), "-l", str(page)]
        out = subprocess.run(args + [str(self._file(pdf)), "-"], check=True, capture_output=True)
        return out.stdout.decode("utf-8")

    def raster(self, pdf: bytes, page: int = 1, dpi: int = 203) -> Path:
        """Page `page` as an 8-bit grey PGM at `dpi`, as a printer would rasterise it."""
        path = self._file(pdf)
        stem = path.with_suffix("")
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page),
                        "-singlefile", str(path), str(stem)], check=True)
        return stem.with_suffix(".pgm")

    def symbols(self, pdf: bytes, page: int = 1, dpi: int = 203) -> list[tuple[str, str]]:
        """Every barcode zbarimg reads on the page: [("CODE-128", data), ("QR-Code", data)]."""
        image = self.raster(pdf, page, dpi)
        out = subprocess.run(["zbarimg", "-q", str(image)], capture_output=True, text=True)
        assert out.returncode in (0, 4), out.stderr  # 4: nothing found
        return sorted(tuple(line.split(":", 1)) for line in out.stdout.splitlines())  # type: ignore[misc]


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    """(width, height, pixels) of a binary PGM (P5, 8 bits)."""
    data = path.read_bytes()
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert fields, data[:40]
    width, height = int(fields.group(1)), int(fields.group(2))
    return width, height, data[fields.end():]


@pytest.fixture
def pdf(tmp_path: Path) -> PdfTools:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:  # a failure, not a skip: these tests are the acceptance of printing
        pytest.fail(f"reading PDFs back needs {', '.join(missing)}: install poppler-utils and "
                    "zbar-tools (make sysdeps)", pytrace=False)
    return PdfTools(tmp_path)


@pytest.fixture
def create(as_user: Callable[..., Any], shipment_body: Callable[..., dict[str, Any]]) -> Callable[..., str]:
    """create("clerk", service="intake", ...) -> the tracking number of a new shipment."""

    def make(username: str = "clerk", **overrides: Any) -> str:
        resp = as_user(username).post(SHIPMENTS, json=shipment_body(**overrides))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["tracking_number"]

    return make


def problem(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """An RFC 9457 answer with this status (and code), never a PDF."""
    assert resp.status_code == status, resp.get_data()[:300]
    assert resp.content_type == "application/problem+json", resp.content_type
    assert not resp.get_data().startswith(b"%PDF")
    body = resp.get_json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys(), body
    if code:
        assert body["code"] == code, body
    return body
