"""Hazards 隐患: the closed loop from report to 销号, major-hazard checklists, the overdue ladder and reports."""
