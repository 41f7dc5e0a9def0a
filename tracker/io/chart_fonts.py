"""The CJK font charts are drawn with and the rcParams that select it.

Chinese text uses the Noto Sans CJK SC file shipped in the ``mplfonts`` wheel. Only that
one file is registered with matplotlib's font manager (never ``mplfonts init``, never the
SimHei file it also ships). The settings are applied inside :func:`matplotlib.rc_context`
while one chart is drawn (under a lock), so matplotlib's global ``rcParams`` are left as
they were.

matplotlib (≈50 MB) is imported by the functions that draw, not by this module: the font's
path is all a PDF needs, and a process that never draws a chart never loads it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

CJK_FONT_FILENAME = "NotoSansCJKsc-Regular.otf"
"""The only font file this module registers (Noto Sans CJK SC, OFL, from ``mplfonts``)."""

_font_lock = threading.Lock()
_render_lock = threading.RLock()
_font_family: str | None = None


def cjk_font_path() -> Path:
    """Return the path of ``NotoSansCJKsc-Regular.otf`` inside the installed ``mplfonts``.

    Raises:
        FileNotFoundError: when the ``mplfonts`` wheel or the font file is missing.
    """
    import mplfonts  # local: only the file location is needed

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILENAME
    if not path.is_file():
        raise FileNotFoundError(f"{CJK_FONT_FILENAME} not found in the mplfonts package: {path}")
    return path


def cjk_font_family() -> str:
    """Register the CJK font with matplotlib once (thread-safe) and return its family name.

    Returns:
        The family name matplotlib knows the font by (``"Noto Sans CJK SC"``).
    """
    global _font_family
    from matplotlib import font_manager

    if _font_family is None:
        with _font_lock:
            if _font_family is None:
                path = cjk_font_path()
                manager = font_manager.fontManager
                manager.addfont(str(path))
                family = font_manager.FontProperties(fname=str(path)).get_name()
                # A system font of the same family (Debian's fonts-noto-cjk .ttc, whose first
                # face is Japanese) would otherwise win or lose by the cache's order.
                manager.ttflist = [
                    entry
                    for entry in manager.ttflist
                    if entry.name != family or Path(entry.fname).resolve() == path
                ]
                manager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
                _font_family = family
    return _font_family


def chart_rc_params() -> dict[RcKeyType, Any]:
    """Return the rcParams charts are drawn with (CJK sans-serif font, ASCII minus sign).

    Use with ``matplotlib.rc_context(chart_rc_params())``; the module never sets them
    globally.
    """
    family = cjk_font_family()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 10,
        "svg.fonttype": "none",
    }


@contextmanager
def chart_context() -> Iterator[None]:
    """Apply :func:`chart_rc_params` while one chart is built and drawn.

    ``rc_context`` temporarily edits matplotlib's process-wide rcParams, so charts are
    drawn one at a time under a lock; each chart takes a few tens of milliseconds.
    """
    import matplotlib

    params = chart_rc_params()
    with _render_lock, matplotlib.rc_context(params):
        yield
