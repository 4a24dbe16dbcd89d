"""Recurring duties (常态化履职任务): cited definitions, dated instances per unit, submissions, reminders,
compliance and the monthly bulletin."""
