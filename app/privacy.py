"""Personal data: keyed hashes of ID numbers, masking for public views."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def id_number_hash(number: str) -> str:
    """HMAC-SHA256 of the normalised ID number under the deployment's ID_HASH_KEY."""
    key = current_app.config["ID_HASH_KEY"].encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def id_number_matches(number: str, stored_hash: str) -> bool:
    return hmac.compare_digest(id_number_hash(number), stored_hash)


def mask_name(name: str) -> str:
    """'Nguyễn Văn Ất' -> 'Nguyễn V** Ấ*': family name kept, then initials."""
    words = name.split()
    if not words:
        return ""
    masked = [words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]]
    return " ".join(masked)


def mask_phone(phone: str) -> str:
    """'0912345678' -> '09******78': enough to tell messages apart, not to call anyone."""
    return phone[:2] + "*" * (len(phone) - 4) + phone[-2:] if len(phone) > 4 else "*" * len(phone)
