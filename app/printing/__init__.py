"""Network thermal printers an office registers, and sending a shipment's ZPL to one (issue 14)."""
