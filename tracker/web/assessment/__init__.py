"""Assessment pages (考核): self-assessment, review, scorecards and task mapping."""
