"""Fitting text into boxes: shrink within limits, wrap on spaces, end with an ellipsis."""
from __future__ import annotations

from app.labels.fonts import width

ELLIPSIS = "…"


def fit(text: str, face: str, size: float, min_size: float | None, box_w: float,
        max_lines: int) -> tuple[float, list[str]]:
    """(font size, lines) for `text` in a box `box_w` points wide.

    Tries the size, then smaller sizes down to `min_size`; what still does not fit is
    cut at the last line with an ellipsis, so text never runs outside its box."""
    full = width(text, face, size)
    if full <= box_w:
        return size, [text]
    floor = min_size or size
    if max_lines == 1:
        # Widths scale with the size: the largest size that fits, in quarter points.
        size = max(floor, int(size * box_w / full * 4) / 4)
        if width(text, face, size) <= box_w:
            return size, [text]
        return size, [truncate(text, face, size, box_w)]
    current = size
    while True:
        lines = wrap(text, face, current, box_w)
        if len(lines) <= max_lines and all(width(x, face, current) <= box_w for x in lines):
            return current, lines
        if current <= floor:
            break
        current = max(floor, current - 0.5)
    kept = lines[:max_lines]
    if len(lines) > max_lines or width(kept[-1], face, current) > box_w:
        kept[-1] = truncate(kept[-1], face, current, box_w)
    return current, kept


def wrap(text: str, face: str, size: float, box_w: float) -> list[str]:
    """Greedy word wrap; a word wider than the box is broken between characters."""
    if width(text, face, size) <= box_w:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if width(candidate, face, size) <= box_w:
            line = candidate
            continue
        if line:
            lines.append(line)
        while width(word, face, size) > box_w and len(word) > 1:
            cut = _longest_prefix(word, face, size, box_w)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    lines.append(line)
    return lines


def _longest_prefix(word: str, face: str, size: float, box_w: float) -> int:
    lo, hi = 1, len(word) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(word[:mid], face, size) <= box_w:
            lo = mid
        else:
            hi = mid - 1
    return lo


def truncate(text: str, face: str, size: float, box_w: float) -> str:
    """The longest start of `text` that fits with an ellipsis after it."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid].rstrip() + ELLIPSIS, face, size) <= box_w:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS
