"""Identity documents read at the counter and the gate (CCCD QR code)."""
