"""Mine and tailings-pond monitoring: threshold rules as data, the vectorised engine lives in rules/thresholds."""
