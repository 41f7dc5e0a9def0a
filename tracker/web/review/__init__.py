"""The review queue (待审核) and supervision notices issued by hand (issue 12 §1, §3)."""
