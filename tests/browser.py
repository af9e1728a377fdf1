"""A real headless browser for the tests: Debian's Chromium, driven from its command line.

``./run_local.sh test`` and ``.ci/run`` install it (``apt-get install chromium``); where it cannot be installed,
the tests that need it are skipped, saying so. Every run gets its own profile folder (other Chromium processes on
the machine do not share state with it) and no network: every host name resolves to nothing, so a page that
fetches anything from outside fails to load it and says so in its console.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no headless browser: install Debian's chromium (apt-get install chromium); "
                             "./run_local.sh test and .ci/run install it where apt-get can")
# Chromium logs each console message as: ...:INFO:CONSOLE:12] "message", source: file:///page.html (12)
_CONSOLE = re.compile(r':CONSOLE(?::\d+|\(\d+\))\] "(.*)", source: ')
_FLAGS = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--hide-scrollbars",
          "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0"]


@dataclass(frozen=True)
class Loaded:
    dom: str              # the document as the browser built it, after any script ran
    console: list[str]    # every message the page logged, errors included


def _chromium(page: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="newsclean-chromium-") as profile:
        return subprocess.run([CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=120)


def load(page: Path) -> Loaded:
    """Open ``page`` and return its DOM and console messages."""
    done = _chromium(page, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return Loaded(done.stdout, _CONSOLE.findall(done.stderr))


def screenshot(page: Path, png: Path, width: int = 1200, height: int = 2400) -> Path:
    """A PNG of ``page`` as a ``width`` x ``height`` window shows it."""
    done = _chromium(page, f"--screenshot={png.resolve()}", f"--window-size={width},{height}")
    assert done.returncode == 0 and png.is_file(), done.stderr[-2000:]
    return png
