"""Supervision notices (督办单): lists, details, downloads, signing and answering."""
