"""Text helpers: NFC normalisation, Vietnamese accent folding, the mobile-number pattern."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
# Vietnamese numbers: a mobile is 0 + 3/5/7/8/9 + 8 digits; a fixed line 02 + area code + number.
MOBILE = re.compile(r"0[35789][0-9]{8}")
LANDLINE = re.compile(r"02[0-9]{9}")


def is_mobile(phone: str) -> bool:
    return MOBILE.fullmatch(phone) is not None


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def strip_accents(value: str) -> str:
    """Vietnamese without its marks, case kept: 'Bưu điện ĐÔNG SƠN' -> 'Buu dien DONG SON'."""
    value = value.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))


def fold(value: str) -> str:
    """Lower-case search key: 'Phường Bỉm Sơn' -> 'phuong bim son'."""
    return _SPACES.sub(" ", strip_accents(value).lower()).strip()


_PUNCTUATION = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
                              "…": "...", "\u00a0": " "})


def to_ascii(value: str) -> str:
    """ASCII for SMS gateways that need it, case kept; what has no ASCII form becomes '?'."""
    return strip_accents(value.translate(_PUNCTUATION)).encode("ascii", "replace").decode("ascii")


# NUL (PostgreSQL text cannot hold it) and unpaired surrogates (no UTF-8 encoding exists).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: str) -> bool:
    return _UNSTORABLE.search(value) is not None


def unstorable_path(value: Any) -> str | None:
    """Where decoded JSON holds a string no database can store ('recipient.name', 'items.0').

    Walked with a stack, not recursion: the parser accepts nesting deeper than Python's stack.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if unstorable(item):
                return path or "_body"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else key
                if unstorable(key):
                    return child_path
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), child) for i, child in enumerate(item))
    return None
