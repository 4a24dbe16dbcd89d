"""The law as pure functions: no I/O, no clock reads; every answer carries its basis."""
