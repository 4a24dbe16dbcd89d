"""Throttling stored in the database (so it holds across processes): failed logins and anonymous submissions."""
