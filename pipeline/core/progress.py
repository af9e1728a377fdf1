"""Progress of a job on a local runner: counts its DoFns write to a folder, and the line the launcher prints.

Beam's local runners (FnApiRunner, also behind DirectRunner and its multi-process mode) report a job's
counters only when it ends: ``run()`` returns then. So the reading and cleaning DoFns of a local run also keep
their counts in a small JSON file each, in a folder the launcher made (every worker of a local runner is on
this machine), rewritten at most every ``every`` seconds and at the end of each bundle; the launcher sums
the files and prints a line. On Dataflow the same numbers are the job's Beam counters in its console.
No Beam here: the DoFns call this.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

READ, CLEAN, REJECTED, BYTES, FILES = "read", "clean", "rejected", "bytes", "files"
DEFAULT_INTERVAL_SECONDS = 10.0


@dataclass(frozen=True)
class ProgressTarget:
    """Where a run's DoFns keep their counts, and how often they rewrite them (seconds); passed to their
    constructors, so workers in other processes get it too."""

    folder: str
    every: float


@dataclass
class ProgressFile:
    """One DoFn instance's counts, written as JSON to a file of its own in the target's folder."""

    target: ProgressTarget
    counts: dict[str, int] = field(default_factory=dict)
    # Input files read in parts (byte ranges): path to [bytes done, size]; whole once all its parts are done.
    parts: dict[str, list[int]] = field(default_factory=dict)
    path: str = ""
    written: float = 0.0

    def __post_init__(self):
        self.path = os.path.join(self.target.folder, f"{os.getpid()}-{uuid.uuid4().hex}.json")
        self.written = time.monotonic()

    def add(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value
        if time.monotonic() - self.written >= self.target.every:
            self.write()

    def file_part(self, path: str, done: int, size: int) -> None:
        """``done`` bytes of the input file ``path`` (``size`` bytes) read; a file read whole counts as one."""
        part = self.parts.setdefault(path, [0, size])
        part[0] += done
        if part[0] >= size:
            del self.parts[path]
            self.add(FILES)

    def write(self) -> None:
        partial = self.path + ".partial"
        with open(partial, "w", encoding="utf-8") as out:
            json.dump({"counts": self.counts, "parts": self.parts}, out)
        os.replace(partial, self.path)   # the launcher never reads a half-written file
        self.written = time.monotonic()


def read_progress(folder: str) -> dict[str, int]:
    """The counts of every file in ``folder`` summed; a file read in parts by several workers counts once done."""
    totals: dict[str, int] = {}
    parts: dict[str, list[int]] = {}
    for name in os.listdir(folder):
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as stream:
                data = json.load(stream)
        except (OSError, ValueError):
            continue   # replaced while being read: the next line has it
        for key, value in data["counts"].items():
            totals[key] = totals.get(key, 0) + value
        for path, (done, size) in data["parts"].items():
            part = parts.setdefault(path, [0, size])
            part[0] += done
    totals[FILES] = totals.get(FILES, 0) + sum(1 for done, size in parts.values() if done >= size)
    return totals


def format_progress(counts: dict[str, int], seconds: float, rate: float, files_total: int | None,
                    units: tuple[str, str] = ("documents", "input files")) -> str:
    """One progress line; ``rate``: MB/s read since the previous line; ``units``: what is read, from what.

    >>> format_progress({READ: 12345, CLEAN: 11900, REJECTED: 400, BYTES: 36_200_000, FILES: 3}, 70.4, 1.25, 10)
    'progress 0:01:10: 12,345 documents read, 11,900 clean, 400 rejected; 36.2 MB read, 1.2 MB/s; 3 of 10 input files done'
    >>> format_progress({}, 5, 0.0, None)
    'progress 0:00:05: 0 documents read, 0 clean, 0 rejected; 0.0 MB read, 0.0 MB/s; 0 input files done'
    >>> format_progress({READ: 7, CLEAN: 5, BYTES: 900_000, FILES: 2}, 3, 0.3, 3, ("records", "shards"))
    'progress 0:00:03: 7 records read, 5 clean, 0 rejected; 0.9 MB read, 0.3 MB/s; 2 of 3 shards done'
    """
    minutes, secs = divmod(int(seconds), 60)
    files = f"{counts.get(FILES, 0):,}" + (f" of {files_total:,}" if files_total is not None else "")
    return (f"progress {minutes // 60}:{minutes % 60:02}:{secs:02}: {counts.get(READ, 0):,} {units[0]} read, "
            f"{counts.get(CLEAN, 0):,} clean, {counts.get(REJECTED, 0):,} rejected; "
            f"{counts.get(BYTES, 0) / 1e6:.1f} MB read, {rate:.1f} MB/s; {files} {units[1]} done")


@contextmanager
def reporting(interval: float, files_total: int | None, out: TextIO,
              units: tuple[str, str] = ("documents", "input files")) -> Iterator[ProgressTarget]:
    """A folder for a run's counts, and a thread printing a line from them to ``out`` every ``interval``
    seconds until the block ends: rewritten in place on a terminal, one line each otherwise."""
    folder = tempfile.mkdtemp(prefix="newsclean-progress-")
    stop = threading.Event()
    start = time.monotonic()
    terminal = out.isatty()
    printed = []

    def report() -> None:
        last_time, last_bytes = start, 0
        while not stop.wait(interval):
            counts, now = read_progress(folder), time.monotonic()
            rate = (counts.get(BYTES, 0) - last_bytes) / 1e6 / max(now - last_time, 1e-9)
            line = format_progress(counts, now - start, rate, files_total, units)
            out.write(f"\r\x1b[K{line}" if terminal else line + "\n")
            out.flush()
            printed.append(True)
            last_time, last_bytes = now, counts.get(BYTES, 0)

    thread = threading.Thread(target=report, name="newsclean-progress", daemon=True)
    thread.start()
    try:
        yield ProgressTarget(folder, min(1.0, interval / 2))
    finally:
        stop.set()
        thread.join()
        if printed:   # a job long enough to show progress ends with its totals; a short one stays quiet
            now = time.monotonic()
            counts = read_progress(folder)
            line = format_progress(counts, now - start, counts.get(BYTES, 0) / 1e6 / max(now - start, 1e-9), files_total,
                                   units)
            out.write(f"\r\x1b[K{line}\n" if terminal else line + "\n")
        shutil.rmtree(folder, ignore_errors=True)
