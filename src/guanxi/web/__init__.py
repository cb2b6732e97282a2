"""Server-rendered pages. Thin: they translate requests into selector and service calls."""
