"""Mine supervision registers of the Hulunbuir plan (seed 002)."""
