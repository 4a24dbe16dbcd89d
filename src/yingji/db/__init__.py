"""Shared persistence: declarative base, engines and sessions, Alembic migrations."""
