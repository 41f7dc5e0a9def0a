"""Sending a stored private file: an attachment no browser sniffs, runs or caches."""

from __future__ import annotations

from pathlib import Path

from flask import Response, send_file

from tracker.extensions import talisman

#: The CSP of a stored file: nothing loads, nothing runs, even if a browser renders it.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"

#: Decorates a view that answers with :func:`private_download`: flask-talisman then sends
#: :data:`DOWNLOAD_POLICY` instead of the pages' policy (which it would otherwise put over
#: any CSP the view set). nosniff comes with every response.
sandboxed = talisman(content_security_policy=DOWNLOAD_POLICY)


def private_download(
    path: Path, mimetype: str, download_name: str, etag: str | bool = True
) -> Response:
    """``path`` as an attachment named ``download_name`` (UTF-8 names are kept), with
    private, revalidated caching. Its view is :data:`sandboxed`."""
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=True,
        download_name=download_name,
        etag=etag,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response
