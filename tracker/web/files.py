"""Sending a stored private file: an attachment no browser sniffs, runs or caches."""

from __future__ import annotations

from pathlib import Path

from flask import Response, send_file


def private_download(
    path: Path, mimetype: str, download_name: str, etag: str | bool = True
) -> Response:
    """``path`` as an attachment named ``download_name`` (UTF-8 names are kept), with
    ``X-Content-Type-Options: nosniff``, a sandboxing CSP and private, revalidated caching."""
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=True,
        download_name=download_name,
        etag=etag,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
