"""Use cases: load rows, call the domain, persist. Services flush; callers commit."""
