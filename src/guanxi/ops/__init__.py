"""Operations: request ids, JSON logs, metrics, health checks, backup and restore."""
