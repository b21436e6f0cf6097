"""The one policy for system tools the tests run (poppler-utils, zbar-tools, chromium, postgresql-client):
a test that needs a missing one fails, naming `make sysdeps`; it is never skipped."""
from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest


def require(tool: str) -> str:
    """The path of `tool`, or the test fails saying how to install it."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"this test needs the system tool {tool!r}, which is not installed: "
                    "run `make sysdeps` (Debian packages poppler-utils, zbar-tools, chromium, "
                    "postgresql-client)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def system_tool() -> Callable[[str], str]:
    """system_tool("chromium") -> its path; the test fails (never skips) when it is missing."""
    return require


class PdfTools:
    """Reads a PDF the way a printer and a scanner would: text extracted, rasterised at
    203 dpi, barcodes decoded (pdftotext, pdfinfo, pdftoppm, zbarimg)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def _file(self, pdf: bytes) -> Path:
        assert pdf.startswith(b"%PDF-"), pdf[:200]
        path = self.workdir / f"{uuid.uuid4().hex}.pdf"
        path.write_bytes(pdf)
        return path

    def pages(self, pdf: bytes) -> int:
        out = subprocess.run([require("pdfinfo"), str(self._file(pdf))], check=True, capture_output=True,
                             text=True)
        found = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
        assert found, out.stdout
        return int(found.group(1))

    def text(self, pdf: bytes, page: int | None = None, layout: bool = False) -> str:
        args = [require("pdftotext"), "-enc", "UTF-8"] + (["-layout"] if layout else [])
        if page is not None:
            args += ["-f", str(page), "-l", str(page)]
        out = subprocess.run([*args, str(self._file(pdf)), "-"], check=True, capture_output=True)
        return out.stdout.decode("utf-8")

    def raster(self, pdf: bytes, page: int = 1, dpi: int = 203) -> Path:
        """Page `page` as an 8-bit grey PGM at `dpi`, as a printer would rasterise it."""
        path = self._file(pdf)
        stem = path.with_suffix("")
        subprocess.run([require("pdftoppm"), "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page),
                        "-singlefile", str(path), str(stem)], check=True)
        return stem.with_suffix(".pgm")

    def symbols(self, pdf: bytes, page: int = 1, dpi: int = 203) -> list[tuple[str, str]]:
        """Every barcode zbarimg reads on the page: [("CODE-128", data), ("QR-Code", data)]."""
        image = self.raster(pdf, page, dpi)
        out = subprocess.run([require("zbarimg"), "-q", str(image)], capture_output=True, text=True)
        assert out.returncode in (0, 4), out.stderr  # 4: nothing found
        return sorted(tuple(line.split(":", 1)) for line in out.stdout.splitlines())  # type: ignore[misc]

    @staticmethod
    def read_pgm(path: Path) -> tuple[int, int, bytes]:
        """(width, height, pixels) of a binary PGM (P5, 8 bits)."""
        data = path.read_bytes()
        fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert fields, data[:40]
        width, height = int(fields.group(1)), int(fields.group(2))
        return width, height, data[fields.end():]


@pytest.fixture
def pdf(tmp_path: Path) -> PdfTools:
    """pdf.text(body), pdf.pages(body), pdf.raster(body), pdf.symbols(body), pdf.read_pgm(path)."""
    return PdfTools(tmp_path)
