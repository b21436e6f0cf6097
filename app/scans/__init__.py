"""Courier and clerk scans: batches of tracking events made offline, recorded idempotently."""
