"""The REST API (INT-2): thin viewsets over the same selectors, services and access module."""
