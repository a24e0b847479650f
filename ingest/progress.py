"""The ingest's progress bar: files really finished, articles/s, an ETA, and what was skipped or failed.

Files are stored in groups (``ingest.pipeline``), so the bar moves when a group's files are done,
never when they are merely read: its rate and ETA are those of finished files. Drawn by tqdm on
stderr, and only when asked (the CLI asks on a terminal).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm

from core.records import IngestReport


def counters(report: IngestReport, seconds: float) -> str:
    """The bar's postfix: what the run stored, at what rate, and what it left out."""
    rate = report.articles / seconds if seconds > 0 else 0.0
    return (f"articles={report.articles} ({rate:.1f}/s), chunks={report.chunks}, "
            f"skipped={report.skipped}, failed={len(report.failed)}")


class Progress:
    """A tqdm bar over the run's files, advanced by the files finished (stored, skipped or failed)."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None):
        self.t0 = time.perf_counter()
        # smoothing 0.1: the ETA follows the last few groups a little, the run's average mostly
        self.bar = tqdm(total=total, unit="file", disable=not enabled, file=stream or sys.stderr,
                        dynamic_ncols=True, smoothing=0.1)

    def advance(self, files: int, report: IngestReport) -> None:
        self.bar.set_postfix_str(counters(report, time.perf_counter() - self.t0), refresh=False)
        self.bar.update(files)

    def close(self, report: IngestReport) -> None:
        self.bar.set_postfix_str(counters(report, time.perf_counter() - self.t0), refresh=False)
        self.bar.close()
