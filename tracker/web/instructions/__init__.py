"""Leaders' instructions (批示) on tasks and reports."""
