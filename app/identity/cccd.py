"""The text of a CCCD card's QR code (UI.md §3), read defensively.

Seven `|`-separated fields: CCCD number | old CMND number | full name | date of birth
ddmmyyyy | gender | permanent address (old three-level) | issue date ddmmyyyy. Some cards
carry six (no CMND field). Anything else, or a text whose CCCD number or name is unusable,
is refused with a reason code the page words in the reader's language; nothing is guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.text import nfc

SEPARATOR = "|"
MAX_TEXT = 1000  # a card's QR holds a few hundred characters; more is not a card
_CCCD = re.compile(r"[0-9]{12}")
_CMND = re.compile(r"[0-9]{9}")
_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_SPACES = re.compile(r"\s+")
# Scanners and phone keyboards add these around what they type.
_NOISE = re.compile("[\x00-\x1f\x7f\ufeff\u200b]")


class Refusal(StrEnum):
    not_a_card = "not_a_card"  # not 6 or 7 fields
    id_number = "id_number"  # the CCCD number is not 12 digits
    name = "name"  # no name on it


class CccdQrError(ValueError):
    def __init__(self, reason: Refusal, fields: int) -> None:
        super().__init__(f"{reason.value} ({fields} fields)")
        self.reason = reason
        self.fields = fields


@dataclass(frozen=True, slots=True)
class CccdCard:
    id_number: str
    old_id_number: str | None
    full_name: str
    birth_date: date | None
    gender: str | None
    address: str | None  # the permanent address as printed: the old three-level one
    issue_date: date | None


def looks_like_qr(text: str) -> bool:
    """What a scanner typed into an ID field, rather than a number typed by hand."""
    return SEPARATOR in text


def parse_qr(text: str) -> CccdCard:
    """CccdCard from the QR text; CccdQrError with the reason when it is not a card's."""
    if len(text) > MAX_TEXT:
        raise CccdQrError(Refusal.not_a_card, text.count(SEPARATOR) + 1)
    parts = [_SPACES.sub(" ", nfc(part)) for part in _NOISE.sub("", text).split(SEPARATOR)]
    while len(parts) > 7 and parts[-1] == "":  # a trailing separator or two
        parts.pop()
    count = len(parts)
    if count not in (6, 7):
        raise CccdQrError(Refusal.not_a_card, count)
    if count == 6:
        parts.insert(1, "")
    number, old_number, name, born, gender, address, issued = parts
    number = number.replace(" ", "")
    if not _CCCD.fullmatch(number):
        raise CccdQrError(Refusal.id_number, count)
    if not name:
        raise CccdQrError(Refusal.name, count)
    old_number = old_number.replace(" ", "")
    return CccdCard(id_number=number, old_id_number=old_number if _CMND.fullmatch(old_number) else None,
                    full_name=name, birth_date=_date(born), gender=gender or None,
                    address=address or None, issue_date=_date(issued))


def _date(text: str) -> date | None:
    """ddmmyyyy, or None: a date the card's own text gets wrong is not worth refusing it for."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
