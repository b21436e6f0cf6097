"""Reading ZPL back as a printer would print it: rendered by an independent engine
(zpl-renderer-js, a WebAssembly build of zebrash, through Node: tests/support/zpl_render.mjs),
barcodes decoded with zbarimg, text read with tesseract (Vietnamese), and the field boxes
parsed from the ZPL itself. Missing tools fail the test naming `make test`; never skipped."""
from __future__ import annotations

import base64
import re
import subprocess
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from app.labels import barcodes, qr
from tests.support.system_tools import require

ROOT = Path(__file__).resolve().parents[2]
RENDER_SCRIPT = Path(__file__).with_name("zpl_render.mjs")
RENDERER = ROOT / "node_modules" / "zpl-renderer-js" / "package.json"
LABEL_W, LABEL_H = 800, 1200  # 100 x 150 mm at 8 dots/mm, the renderer's canvas


@dataclass(frozen=True)
class Box:
    """A field's rectangle in dots: `kind` is GF (text as graphic), GB (box/line), BC, BQ;
    a graphic's dots are in `ink` (1-bit, black = 255)."""

    kind: str
    x: int
    y: int
    w: int
    h: int
    ink: Image.Image | None = field(default=None, compare=False, repr=False)

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def inked(self) -> Box:
        """The rectangle of a graphic's black dots (a ^GF row is whole bytes wide)."""
        box = self.ink.getbbox() if self.ink is not None else None
        if box is None:
            return self
        return Box(self.kind, self.x + box[0], self.y + box[1], box[2] - box[0], box[3] - box[1])

    def shares_dots(self, other: Box) -> bool:
        """Whether a dot is black in both graphics (their rectangles may touch: a dot under
        Ậ above and the accent of Ấ below, at other places along the line)."""
        left, top = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        if left >= right or top >= bottom or self.ink is None or other.ink is None:
            return self.overlaps(other)
        a = self.ink.crop((left - self.x, top - self.y, right - self.x, bottom - self.y))
        b = other.ink.crop((left - other.x, top - other.y, right - other.x, bottom - other.y))
        return ImageChops.logical_and(a, b).getbbox() is not None

    def overlaps(self, other: Box) -> bool:
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)


_FIELD = re.compile(r"\^FO(\d+),(\d+)(.*?)\^FS", re.S)
_GF = re.compile(r"\^GFA,(\d+),(\d+),(\d+),")
_GB = re.compile(r"\^GB(\d+),(\d+),(\d+)")


def _dots(data: str, width: int, height: int) -> Image.Image:
    """A ^GF field's Z64 data as a 1-bit picture (black dots = 255)."""
    assert data.startswith(":Z64:"), "the tests read Z64 graphic fields"
    rows = zlib.decompress(base64.b64decode(data[5:].split(":")[0]))
    return Image.frombytes("1", (width, height), rows)


def labels(zpl: str) -> list[str]:
    """The ^XA..^XZ labels of a ZPL stream."""
    return re.findall(r"\^XA.*?\^XZ", zpl, re.S)


def boxes(label: str) -> list[Box]:
    """Every positioned field of one label with its size (barcodes: from ^BY and the data)."""
    out = []
    for match in _FIELD.finditer(label):
        x, y, body = int(match.group(1)), int(match.group(2)), match.group(3)
        if gf := _GF.search(body):
            total, row_bytes = int(gf.group(1)), int(gf.group(3))
            out.append(Box("GF", x, y, row_bytes * 8, total // row_bytes,
                           _dots(body[gf.end():], row_bytes * 8, total // row_bytes)))
        elif gb := _GB.search(body):
            out.append(Box("GB", x, y, int(gb.group(1)), int(gb.group(2))))
        elif bc := re.search(r"\^BY(\d+),\d+,\d+\^BCN,(\d+),N,N,N,A\^FH\^FD([^^]*)$", body):
            modules = len(barcodes.code128_modules(bc.group(3)))
            out.append(Box("BC", x, y, modules * int(bc.group(1)), int(bc.group(2))))
        elif bq := re.search(r"\^BQN,2,(\d+)\^FH\^FD([LMQH])A,([^^]*)$", body):
            side = len(qr.encode(bq.group(3), bq.group(2)).rows) * int(bq.group(1))
            out.append(Box("BQ", x, y + 10, side, side))  # ^BQ draws 10 dots below its ^FO
    return out


class ZplTools:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def render(self, zpl: str, workers: int = 2) -> list[Path]:
        """One PNG (800 x 1200, 8 dots/mm) per label, as zpl-renderer-js draws it. The
        engine takes about a second per label, so a long stream is split between `workers`
        Node processes (in label order)."""
        node = require("node")
        if not RENDERER.is_file():
            pytest.fail("this test needs the npm package zpl-renderer-js, which is not installed: run "
                        "`make test` (it runs `npm ci` from package-lock.json)", pytrace=False)
        parts = labels(zpl)
        size = max(10, -(-len(parts) // workers))
        chunks = ["\n".join(parts[i:i + size]) + "\n" for i in range(0, len(parts), size)] or [zpl]
        running = []
        for chunk in chunks:
            stem = self.workdir / uuid.uuid4().hex
            source = stem.with_suffix(".zpl")
            source.write_text(chunk, "utf-8")
            command = [node, str(RENDER_SCRIPT), str(source), str(stem), "100", "150", "8"]
            running.append((stem, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                   text=True)))
        pngs: list[Path] = []
        for stem, process in running:
            out, err = process.communicate(timeout=600)
            assert process.returncode == 0, err
            count = int(out.strip().splitlines()[-1])
            pngs += [Path(f"{stem}-{i}.png") for i in range(1, count + 1)]
        return pngs

    @staticmethod
    def symbols(png: Path) -> list[tuple[str, str]]:
        """Every barcode zbarimg reads: [("CODE-128", data), ("QR-Code", data)], sorted."""
        out = subprocess.run([require("zbarimg"), "-q", str(png)], capture_output=True, text=True)
        assert out.returncode in (0, 4), out.stderr  # 4: nothing found
        return sorted(tuple(line.split(":", 1)) for line in out.stdout.splitlines())  # type: ignore[misc]

    def ocr(self, png: Path, box: tuple[int, int, int, int]) -> str:
        """The text tesseract (Vietnamese) reads in a box (left, top, right, bottom) of a
        picture, read as one line: how a person would look at that field."""
        require("tesseract")
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
        if "vie" not in langs.split():
            pytest.fail("tesseract has no Vietnamese data: run `make sysdeps` (tesseract-ocr-vie)",
                        pytrace=False)
        crop = self.workdir / f"{uuid.uuid4().hex}.png"
        Image.open(png).convert("L").crop(box).save(crop)
        out = subprocess.run(["tesseract", str(crop), "-", "-l", "vie", "--psm", "7", "--dpi", "203"],
                             capture_output=True, text=True, check=True)
        return " ".join(out.stdout.split())

    @staticmethod
    def ink(png: Path) -> tuple[int, int, int, int] | None:
        """The bounding box of every black dot of a rendering (None when blank)."""
        image = Image.open(png).convert("L").point(lambda v: 255 if v < 128 else 0)
        return image.getbbox()


@pytest.fixture
def zpl_tools(tmp_path: Path) -> ZplTools:
    """zpl_tools.render(zpl) -> PNG paths; .symbols(png); .ocr(png, box); .ink(png)."""
    return ZplTools(tmp_path)
