"""Every user's in-app inbox of reminder digests ("我的提醒")."""
