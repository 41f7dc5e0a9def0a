"""The leaders' overview (驾驶舱, issue 13)."""
