"""Text helpers: NFC normalisation and Vietnamese accent folding."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Lower-case ASCII fold: 'Phường Bỉm Sơn' -> 'phuong bim son'."""
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.lower()).strip()
