"""Guanxi (关系): customer-relationship management governed by written regulations."""

__version__ = "0.1.0"
