"""预警: issue, adjust, lift and publish warnings (CAP 1.2)."""
