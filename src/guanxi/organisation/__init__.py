"""Organisation: units of any depth, people, and their roles in units (ORG-1–3)."""
