"""Settings from the environment, with paths anchored to the repository."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("HCC_INSTANCE_DIR", REPO_ROOT / "instance"))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def load_config() -> dict:
    """Read every setting once, when the app is created (never at import)."""
    return {
        "HCC_ENV": os.environ.get("HCC_ENV", "development"),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'hcc.db'}"
        ),
        # Keys: set both in production; the embedded default makes and keeps its own.
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "ID_HASH_KEY": os.environ.get("ID_HASH_KEY"),
        "TOKEN_TTL_SECONDS": _int("TOKEN_TTL_SECONDS", 12 * 3600),
        "IDEMPOTENCY_TTL_SECONDS": _int("IDEMPOTENCY_TTL_SECONDS", 24 * 3600),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024),
        # S10 service indicators per service (SPEC §4).
        "S10_INDICATOR_INTAKE": os.environ.get("S10_INDICATOR_INTAKE", "HA"),
        "S10_INDICATOR_RETURN": os.environ.get("S10_INDICATOR_RETURN", "HB"),
        "DOSSIER_CODE_STRICT": _bool("DOSSIER_CODE_STRICT", False),
        "PROVINCE_CODE": os.environ.get("PROVINCE_CODE", "38"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Hotlines on the public front page, comma-separated (Vietnam Post's customer line).
        "HOTLINES": [n.strip() for n in os.environ.get("HOTLINES", "1900 54 54 81").split(",") if n.strip()],
        "CLOCK": os.environ.get("HCC_CLOCK", "system"),
        # Notifications (SPEC §9): SMS adapter, outbox retries, agency webhooks.
        "SMS_PROVIDER": os.environ.get("SMS_PROVIDER", "log"),
        "SMS_HTTP_URL": os.environ.get("SMS_HTTP_URL"),
        "SMS_HTTP_TOKEN": os.environ.get("SMS_HTTP_TOKEN"),
        "SMS_HTTP_TIMEOUT_SECONDS": _int("SMS_HTTP_TIMEOUT_SECONDS", 10),
        "SMS_ASCII_FOLD": _bool("SMS_ASCII_FOLD", False),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 10),
        "OUTBOX_BACKOFF_BASE_SECONDS": _int("OUTBOX_BACKOFF_BASE_SECONDS", 30),
        "OUTBOX_BACKOFF_MAX_SECONDS": _int("OUTBOX_BACKOFF_MAX_SECONDS", 3600),
        "WEBHOOK_DISABLE_AFTER_FAILURES": _int("WEBHOOK_DISABLE_AFTER_FAILURES", 10),
        "WEBHOOK_TIMEOUT_SECONDS": _int("WEBHOOK_TIMEOUT_SECONDS", 10),
        "WEBHOOK_ALLOW_HTTP": _bool("WEBHOOK_ALLOW_HTTP", False),
        # Scans and proofs of delivery: how far ahead of the server clock a device may be.
        "SCAN_CLOCK_SKEW_SECONDS": _int("SCAN_CLOCK_SKEW_SECONDS", 300),
        "DELIVERY_SIGNATURE_MAX_BYTES": _int("DELIVERY_SIGNATURE_MAX_BYTES", 100 * 1024),
        "DELIVERY_PHOTO_MAX_BYTES": _int("DELIVERY_PHOTO_MAX_BYTES", 1024 * 1024),
        # Public tracking: requests per minute per client address (0: no limit).
        "TRACKING_RATE_LIMIT_PER_MINUTE": _int("TRACKING_RATE_LIMIT_PER_MINUTE", 60),
        # Where the tracking allowance and sign-in failures are counted (the limits library):
        # memory:// per process; redis://host:6379/N shared between workers and machines.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Storage errors arrive as limits.errors.StorageError; while Redis does not answer,
        # each process counts in its own memory instead of failing the request (app.counters).
        "RATELIMIT_STORAGE_OPTIONS": {"wrap_exceptions": True},
        # Sign-in throttling (docs/accounts.md): failures allowed per window, by account from
        # one address, by address, and by account from addresses it never signed in from.
        "LOGIN_WINDOW_SECONDS": _int("LOGIN_WINDOW_SECONDS", 900),
        "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": _int("LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", 5),
        "LOGIN_FAILURES_PER_ADDRESS": _int("LOGIN_FAILURES_PER_ADDRESS", 30),
        "LOGIN_FAILURES_PER_ACCOUNT": _int("LOGIN_FAILURES_PER_ACCOUNT", 100),
        "LOGIN_KNOWN_ADDRESS_DAYS": _int("LOGIN_KNOWN_ADDRESS_DAYS", 30),
        # Live (unrevoked) API keys one agency may hold.
        "API_KEYS_PER_AGENCY": _int("API_KEYS_PER_AGENCY", 10),
        # Shared state between app servers (read-your-writes marks of app.replica; Redis also
        # serves RATELIMIT_STORAGE_URI). Unset: a redis:// RATELIMIT_STORAGE_URI is used, else memory.
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # A streaming replica for read-only work (docs/replicas.md); unset, everything reads the
        # primary. It serves while it lags at most REPLICA_MAX_LAG_SECONDS (checked at most every
        # REPLICA_CHECK_SECONDS per process); once it does not answer within
        # REPLICA_CONNECT_TIMEOUT_SECONDS (libpq's floor is 2), the primary serves for
        # REPLICA_RETRY_SECONDS before it is tried again.
        "DATABASE_REPLICA_URL": os.environ.get("DATABASE_REPLICA_URL") or None,
        "REPLICA_MAX_LAG_SECONDS": _int("REPLICA_MAX_LAG_SECONDS", 10),
        "REPLICA_CHECK_SECONDS": _float("REPLICA_CHECK_SECONDS", 1.0),
        "REPLICA_CONNECT_TIMEOUT_SECONDS": _int("REPLICA_CONNECT_TIMEOUT_SECONDS", 2),
        "REPLICA_RETRY_SECONDS": _float("REPLICA_RETRY_SECONDS", 5.0),
        # Reverse proxies (nginx, a load balancer) in front of the app that set X-Forwarded-For
        # and X-Forwarded-Proto: how many to trust. 0 (serving directly): the headers are ignored.
        # Behind one proxy, set 1, or every citizen shares the proxy's tracking allowance.
        "TRUSTED_PROXY_HOPS": _int("TRUSTED_PROXY_HOPS", 0),
        # Network label printers (docs/printing.md): the whole exchange with one, at most 4.5 s.
        "PRINTER_TIMEOUT_SECONDS": _float("PRINTER_TIMEOUT_SECONDS", 3.0),
    }
