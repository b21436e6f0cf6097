"""Printed-document templates: TOML files in label_templates/, checked when loaded.

An operator edits a layout without touching Python; a mistake (unknown key, unknown
field, missing position) fails loudly at load with the file and element named, and
`flask labels preview` shows the result. See label_templates/README.md for the format.
"""
from __future__ import annotations

import re
import threading
import tomllib
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from functools import cached_property
from pathlib import Path
from typing import Generic, TypeVar

from app.config import REPO_ROOT

DEFAULT_DIR = REPO_ROOT / "label_templates"
FAMILIES = ("label", "notice", "slip", "handover", "delivery_list")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")
PLACEHOLDER = re.compile(r"\{([a-z0-9_.]*)\}")
FONTS = ("regular", "bold", "italic")
ALIGNS = ("left", "center", "right")
QR_LEVELS = ("L", "M", "Q", "H")

_COMMON = {"type", "x", "y", "when", "unless"}
ALLOWED = {
    "text": _COMMON | {"w", "text", "font", "size", "min_size", "lines", "leading", "align", "gray"},
    "rect": _COMMON | {"w", "h", "line", "fill", "radius"},
    "line": _COMMON | {"x2", "y2", "line", "dash"},
    "code128": _COMMON | {"w", "h", "value", "text", "text_size", "font", "module_dots",
                          "quiet_modules"},
    "qr": _COMMON | {"size", "value", "level", "module_dots", "quiet_modules"},
}
REQUIRED = {
    "text": {"x", "y", "w", "text"}, "rect": {"x", "y", "w", "h"}, "line": {"x", "y", "x2", "y2"},
    "code128": {"x", "y", "w", "h", "value"}, "qr": {"x", "y", "size", "value"},
}
STATIC_TYPES = ("text", "rect", "line")


class TemplateError(ValueError):
    """A template file that cannot be used, with the file and the element named."""


@dataclass(frozen=True)
class Pattern:
    """Text with {field} placeholders; `parts` alternates literal text and field names."""

    parts: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.parts[1::2]

    @cached_property
    def _format(self) -> str:
        literals = [p.replace("{", "{{").replace("}", "}}") for p in self.parts[::2]]
        return "{}".join(literals)

    def render(self, values: dict[str, str]) -> str:
        if len(self.parts) == 1:
            return self.parts[0]
        return self._format.format(*map(values.__getitem__, self.parts[1::2]))


@dataclass(frozen=True)
class Conditional:
    """Drawn only when the value named by `when` is set and the one named by `unless` is not."""

    _: KW_ONLY
    when: str | None = None
    unless: str | None = None

    def shown(self, values: dict[str, str]) -> bool:
        return (self.when is None or bool(values.get(self.when))) and \
            (self.unless is None or not values.get(self.unless))


@dataclass(frozen=True)
class Element(Conditional):
    type: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    text: Pattern | None = None
    value: Pattern | None = None
    font: str = "regular"
    size: float = 9.0
    min_size: float | None = None
    lines: int = 1
    leading: float = 1.2
    align: str = "left"
    gray: float = 0.0
    line: float = 0.5
    fill: float | None = None
    radius: float = 0.0
    dash: tuple[float, ...] = ()
    text_size: float = 10.0
    module_dots: int | None = None
    quiet_modules: int | None = None
    level: str = "M"


@dataclass(frozen=True)
class Column:
    title: Pattern
    value: Pattern
    w: float
    align: str = "left"
    footer: Pattern | None = None


@dataclass(frozen=True)
class Table(Conditional):
    rows: str
    x: float
    columns: tuple[Column, ...]
    size: float = 8.0
    header_size: float = 8.0
    padding: float = 1.0
    line: float = 0.4
    header_fill: float | None = 0.9
    min_row_h: float = 6.0
    leading: float = 1.2
    gap: float = 3.0


@dataclass(frozen=True)
class Group(Conditional):
    h: float
    elements: tuple[Element, ...]
    gap: float = 3.0


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Template:
    name: str
    family: str
    title: str
    width: float
    height: float
    static: tuple[Element, ...] = ()
    fields: tuple[Element, ...] = ()
    # A sheet: another template's layout drawn, scaled to fit, in each cell.
    layout: Template | None = None
    cells: tuple[Cell, ...] = ()
    # A flowing document: header blocks, then blocks filling the body, page after page.
    body_top: float = 0.0
    body_top_first: float = 0.0
    body_bottom: float = 0.0
    every_page: tuple[Element, ...] = ()
    first_page: tuple[Element, ...] = ()
    blocks: tuple[Table | Group, ...] = ()


Parsed = TypeVar("Parsed")


class FileCache(Generic[Parsed]):
    """Template files as parsed, each parsed again when its file changes."""

    def __init__(self) -> None:
        self._parsed: dict[Path, tuple[int, Parsed]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path, parse: Callable[[Path], Parsed],
            still_good: Callable[[Parsed], bool] = lambda _: True) -> Parsed:
        mtime = path.stat().st_mtime_ns
        with self._lock:
            cached = self._parsed.get(path)
        if cached and cached[0] == mtime and still_good(cached[1]):
            return cached[1]
        parsed = parse(path)
        with self._lock:
            self._parsed[path] = (mtime, parsed)
        return parsed


def template_path(name: str, suffix: str, directory: Path) -> Path:
    """The file of template `name` (".toml" or ".zpl"); KeyError if there is none."""
    path = directory / f"{name}{suffix}"
    if not NAME.match(name) or not path.is_file():
        raise KeyError(name)
    return path


_templates: FileCache[Template] = FileCache()


def names(family: str, directory: Path = DEFAULT_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.toml")
                  if NAME.match(p.stem) and _peek_family(p) == family)


def load(name: str, family: str, directory: Path = DEFAULT_DIR) -> Template:
    """The template `name` of `family`; re-read when its file changes. KeyError if none."""

    def layout_unchanged(template: Template) -> bool:  # a sheet is re-read with its label
        return template.layout is None or load(template.layout.name, "label", directory) is template.layout

    template = _templates.get(template_path(name, ".toml", directory),
                              lambda path: _parse(path, directory), layout_unchanged)
    if template.family != family:
        raise KeyError(name)
    return template


def family_of(name: str, directory: Path = DEFAULT_DIR) -> str:
    """The family a template file declares (KeyError if there is no such template)."""
    path = template_path(name, ".toml", directory)
    try:
        family = tomllib.loads(path.read_text("utf-8")).get("family")
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path.parent.name}/{path.name}: {exc}") from None
    if family not in FAMILIES:
        raise TemplateError(f"{path.parent.name}/{path.name}: family must be one of {', '.join(FAMILIES)}")
    return family


def _peek_family(path: Path) -> str | None:
    try:
        return tomllib.loads(path.read_text("utf-8")).get("family")
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _parse(path: Path, directory: Path) -> Template:
    from app.labels.values import known_fields

    where = f"{path.parent.name}/{path.name}"
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{where}: {exc}") from None
    from app.labels.template_parser import parse_template

    return parse_template(raw, path.stem, where, directory, known_fields)
