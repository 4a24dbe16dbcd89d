"""Accounts, roles and jurisdictions: who may do what, and where."""
