"""Settings pages: a plan's reporting rules (office) and the holiday calendar (office, admin)."""
