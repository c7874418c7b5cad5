"""Plain-Python rules of the app: estimates, photo rules, projects; no Qt, no I/O."""
