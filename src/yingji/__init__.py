"""Yingji 应急: production-safety supervision and emergency management."""

__version__ = "0.1.0"
