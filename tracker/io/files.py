"""Files the tracker keeps outside the web root (evidence, supervision notices)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def store_new_file(data: bytes, folder: Path, suffix: str = "") -> str:
    """Write ``data`` to a new file in ``folder`` named by 32 hex digits of a uuid4 (plus
    ``"." + suffix`` when given), never overwriting; mode 0640. Returns the name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex + (f".{suffix}" if suffix else "")
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return name
