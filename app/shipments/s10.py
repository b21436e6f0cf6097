"""UPU S10 item identifiers: two letters, 8-digit serial, check digit, country code."""
from __future__ import annotations

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
# ASCII only, and fullmatch: `\d` would take other scripts' digits, `$` a trailing newline.
S10_RE = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
# S10 reserves these first letters for other uses; we never issue them.
REFUSED_FIRST_LETTERS = frozenset("JKSTW")
MAX_SERIAL = 99_999_999


def check_digit(serial: str) -> int:
    if len(serial) != 8 or not serial.isascii() or not serial.isdigit():
        raise ValueError("an S10 serial is exactly 8 digits")
    remainder = sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    c = 11 - remainder
    return {10: 0, 11: 5}.get(c, c)


def is_valid(number: str) -> bool:
    if not S10_RE.fullmatch(number):
        return False
    return check_digit(number[2:10]) == int(number[10])


def compose(indicator: str, serial: int, country: str = "VN") -> str:
    validate_indicator(indicator)
    if not 0 < serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} is outside 1..{MAX_SERIAL}")
    digits = f"{serial:08d}"
    return f"{indicator}{digits}{check_digit(digits)}{country}"


def validate_indicator(indicator: str) -> None:
    if not re.fullmatch(r"[A-Z]{2}", indicator):
        raise ValueError(f"service indicator {indicator!r} must be two capital letters")
    if indicator[0] in REFUSED_FIRST_LETTERS:
        raise ValueError(f"service indicator {indicator!r} may not start with J, K, S, T or W")
