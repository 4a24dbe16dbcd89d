"""Accident intake and response command: reports, assessments, statutory clocks, responses, tasks, timeline."""
