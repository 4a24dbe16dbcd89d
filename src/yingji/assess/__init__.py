"""Accident assessment on demand: grade, response, reporting clocks and release authority under a plan."""
