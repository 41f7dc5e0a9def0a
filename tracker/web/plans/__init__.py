"""Bringing a plan in through the web: upload, preview, confirm; revising a plan."""
