"""Public tracking: what a citizen may see of an item by its number, masked, rate-limited."""
