"""Browser fixtures: the app served on a loopback port, and Debian's chromium driven by
Playwright (never a downloaded browser). Without chromium, its CJK font or Playwright the
tests skip and say why; under CI (``CI=true``) they fail with the same message."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("TRACKER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where Debian's fonts-noto-cjk puts Noto Sans CJK (pages are Chinese: without it chromium
#: draws boxes).
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_PATTERN = "NotoSansCJK*"
INSTALL_HINT = "apt-get install chromium fonts-noto-cjk 后可运行浏览器测试"


def cjk_font() -> Path | None:
    """The installed Noto Sans CJK font file, or None."""
    for folder in FONT_DIRS:
        if folder.is_dir():
            found = next(folder.rglob(FONT_PATTERN), None)
            if found is not None:
                return found
    return None


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by a real HTTP server in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium under Playwright; skips (fails under CI) when chromium, the CJK
    font or Playwright is missing."""
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"没有找到 chromium（{CHROMIUM}）：{INSTALL_HINT}")
    if cjk_font() is None:
        skip_or_fail(f"没有找到中文字体 Noto Sans CJK（fonts-noto-cjk）：{INSTALL_HINT}")
    try:
        from playwright import sync_api
    except ImportError:
        skip_or_fail("没有安装 playwright：pip install -e '.[dev]' 后可运行浏览器测试")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


# --- accessibility (issue 17): axe-core from the npm registry, pinned by package-lock.json ---

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
AXE_SCRIPT = os.path.join(E2E_DIR, "node_modules", "axe-core", "axe.min.js")


def _unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail under CI=true, where the browser tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of axe.min.js, installed with ``npm ci --prefix tests/e2e`` when missing
    (the version is the one in tests/e2e/package-lock.json). Skips without npm, chromium or
    playwright, and fails instead under CI=true; ask for it before ``browser`` so that the
    check comes first."""
    if not os.path.exists(CHROMIUM):
        _unavailable(f"没有找到 chromium（{CHROMIUM}），无法运行无障碍检查")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("没有安装 playwright（pip install playwright），无法运行无障碍检查")
    if not os.path.exists(AXE_SCRIPT):
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("没有 npm：无法安装 axe-core（apt-get install npm）")
        import subprocess

        subprocess.run(
            [npm, "ci", "--prefix", E2E_DIR, "--no-audit", "--no-fund"],
            check=True,
            timeout=300,
        )
    with open(AXE_SCRIPT, encoding="utf-8") as handle:
        return handle.read()
