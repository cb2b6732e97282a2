"""Field-level history of the archive, with who, when and from what source (CUS-6, CUS-12)."""
