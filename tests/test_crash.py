"""kill -9 real ingests at random points, then re-run: the store ends as an uninterrupted ingest leaves it.

Twenty-four trials in one test (twenty-eight kills), cheap because the ingests are forked from one
process that loaded the model once (tests/crash_forkserver.py); another test kills a real
``python -m newsqa ingest``, and one checks that readers learn of what a killed ingest's re-run
changed. A trial starts from an empty store (a first ingest) or from a copy of
a stored corpus whose files then changed (an article edited in a one-article file and in a
one-article-per-line file, and an article another file still holds dropped from a file), so the swap
of old articles for new ones is killed too. The corpus holds a folder of one-paragraph pages too,
which the ingest stores several files at a time (one pending record each, written together, one
swap for the group), so kills land inside a group of files as well as inside one long file.

A run is killed at a random moment or right after a random one of its store writes, one point in
each of n equal slices of an uninterrupted run's time or writes, from before its first write to its
last. A moment is replayed from the last write before it on the uninterrupted run's timeline, so a
busier or idler machine still kills at the same stage (mid-embedding, between two writes...). Four
trials then kill the next run, which is repairing, after one of its first writes. After a run left
to finish, the store must be consistent (no duplicate chunk, every article complete or absent, no
pending file), searchable, and hold exactly the articles, chunks and file records the
uninterrupted run left.

The seed is printed; ``NEWSQA_CRASH_SEED=n`` runs another set of kill points (a kill after a write
replays exactly; a kill at a moment lands at the same stage of the run, not the same instant).
"""

from __future__ import annotations

import fcntl
import os
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.settings import Settings
from storage.store import open_store
from tests.conftest import ROOT, SEED, crud_lines
from tests.crash_forkserver import ForkServer, IngestFailed
from tests.storecheck import Contents, check_consistent, check_searchable, contents

pytestmark = pytest.mark.slow

CRASH_SEED = int(os.environ.get("NEWSQA_CRASH_SEED") or 20240605)
BATCH_SIZE = 1  # files are grouped, and chunks stored, every 8 chunks or more (whole articles)
SMALL_FILES = 12  # one-chunk pages: the store writes of up to eight files at once
# per scenario: runs killed at a random moment, runs killed after a random write, runs killed twice
# (at a random moment, then the repairing run after one of its first writes)
PLAN = {"first ingest": (9, 3, 1), "changed files": (5, 3, 3)}
EDIT = ("。", "，当日另有通报。")  # changes an article's body, so its doc_id and chunks change


@dataclass(frozen=True)
class Scenario:
    """One ingest to kill, and what it leaves when nothing kills it."""

    name: str
    paths: list[str]
    start: Path | None  # a store to copy before the run; None: an empty store
    want: Contents
    seconds: float  # an uninterrupted run, fork to exit
    writes: tuple[tuple[str, float], ...]  # an uninterrupted run's store writes: (what, seconds after the fork)

    def anchored(self, moment: float) -> tuple[int, float]:
        """A moment of the uninterrupted run as (writes returned by then, seconds since the last of them):
        replayed from that write, a kill lands at the same stage of a run however fast the machine is today."""
        done = [t for _, t in self.writes if t <= moment]
        return len(done), round(moment - (done[-1] if done else 0.0), 3)


@dataclass(frozen=True)
class Kill:
    after: float | None = None  # a moment of the uninterrupted run, in seconds after its fork
    at_write: int | None = None  # right after this store write returns

    def __str__(self) -> str:
        return f"after {self.after:.2f} s" if self.after is not None else f"after write {self.at_write}"


@dataclass(frozen=True)
class Trial:
    scenario: str
    kills: tuple[Kill, ...]  # one run killed at each, in turn; then a run that is left to finish

    def __str__(self) -> str:
        return f"{self.scenario}, killed {' then '.join(map(str, self.kills))}"


def _env(models: Path) -> dict[str, str]:
    """The environment of every ingest here: the test's model folder (nothing is rebuilt), an embedded store."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSQA_CHROMA_URL"}
    return {**env, "NEWSQA_MODELS": str(models), "NEWSQA_BATCH_SIZE": str(BATCH_SIZE),
            "TOKENIZERS_PARALLELISM": "false"}


def _write_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _paragraph(line: str) -> str:
    """A one-paragraph page cut from a crud_news article: its first two sentences, without the header."""
    return "。".join(line.split("正文：", 1)[-1].split("。")[:2]) + "。"


def _corpus(root: Path) -> list[str]:
    """Three sample articles, one file each; two one-article-per-line files sharing one article; and
    twelve one-paragraph files (two of them the same page), stored in groups of several files."""
    (root / "sample").mkdir(parents=True)
    for seed in ("changzhou", "changchun", "jilin"):
        shutil.copy(SEED[seed], root / "sample")
    lines = crud_lines(5 + SMALL_FILES)
    _write_lines(root / "news" / "a.txt", lines[0:3])
    _write_lines(root / "news" / "b.txt", lines[2:5])
    pages = [_paragraph(line) for line in lines[5:]]
    pages[-1] = pages[0]
    for i, page in enumerate(pages):
        _write_lines(root / "small" / f"page{i:02d}.txt", [page])
    return [str(root / "sample"), str(root / "news"), str(root / "small")]


def _change(root: Path) -> None:
    """Edit one sample article, one article of a.txt and one small page; drop from b.txt the article
    a.txt still holds."""
    jilin = root / "sample" / SEED["jilin"].name
    jilin.write_text(jilin.read_text(encoding="utf-8").replace(*EDIT, 1), encoding="utf-8")
    page = root / "small" / "page03.txt"
    page.write_text(page.read_text(encoding="utf-8").replace(*EDIT, 1), encoding="utf-8")
    a = (root / "news" / "a.txt").read_text(encoding="utf-8").splitlines()
    a[1] = a[1].replace(*EDIT, 1)
    _write_lines(root / "news" / "a.txt", a)
    _write_lines(root / "news" / "b.txt", (root / "news" / "b.txt").read_text(encoding="utf-8").splitlines()[1:])


def _checked(store: Path) -> Contents:
    """The store's contents, after asserting it is consistent and its index finds every chunk."""
    s = open_store(Settings(store=store))
    check_consistent(s)
    check_searchable(s)
    return contents(s)


def _uninterrupted(server: ForkServer, name: str, paths: list[str], store: Path, start: Path | None) -> Scenario:
    if start is not None:
        shutil.copytree(start, store)
    run = server.ingest(paths, store)
    assert not run["killed"] and not run["result"]["report"]["failed"], run
    return Scenario(name, paths, start, _checked(store), run["seconds"], tuple(map(tuple, run["writes"])))


@pytest.fixture(scope="module")
def server(settings, tmp_path_factory):
    log = tmp_path_factory.mktemp("forkserver") / "forkserver.log"
    server = ForkServer(_env(settings.models), log)
    yield server
    server.close()


@pytest.fixture(scope="module")
def scenarios(server, tmp_path_factory) -> dict[str, Scenario]:
    root = tmp_path_factory.mktemp("crash")
    first = _uninterrupted(server, "first ingest", _corpus(root / "first"), root / "want-first", None)
    paths = _corpus(root / "changing")
    before = _uninterrupted(server, "before the change", paths, root / "start-changed", None)
    _change(root / "changing")
    changed = _uninterrupted(server, "changed files", paths, root / "want-changed", root / "start-changed")
    articles = 8 + SMALL_FILES - 1
    assert len(first.want.articles) == articles and len(changed.want.articles) == articles
    assert len(changed.want.articles - before.want.articles) == 3, "the edits must change three articles"
    return {s.name: s for s in (first, changed)}


def _trials(scenarios: dict[str, Scenario], rng: random.Random) -> list[Trial]:
    """Kill points spread over a whole run: one random point in each of n equal slices of its time or writes."""
    trials = []
    for name, (timed, written, twice) in PLAN.items():
        seconds, writes = scenarios[name].seconds, len(scenarios[name].writes)
        trials += [Trial(name, (Kill(after=round(seconds * (i + rng.random()) / timed, 3)),))
                   for i in range(timed)]
        trials += [Trial(name, (Kill(at_write=1 + int(writes * (i + rng.random()) / written)),))
                   for i in range(written)]
        trials += [Trial(name, (Kill(after=round(seconds * 0.8 * rng.random(), 3)), Kill(at_write=rng.randint(1, 3))))
                   for _ in range(twice)]  # killed before the end, so the second run has something to repair
    rng.shuffle(trials)
    return trials


def _left(state: dict) -> str:
    """What a killed run left for the re-run to repair, in a few words."""
    if not state["files"]:
        return "nothing stored"
    if not state["pending"]:
        return f"{state['files']} files stored, none pending"
    parts = [f"{state['pending']} pending"]
    if state["unsealed_chunks"]:
        parts.append(f"{state['unsealed_chunks']} unsealed chunks")
    if state["pending_sealed"]:
        parts.append(f"{state['pending_sealed']} sealed")
    if state["pending_old_records_gone"]:
        parts.append(f"{state['pending_old_records_gone']} mid-swap")
    return ", ".join(parts)


def _rerun_and_check(server: ForkServer, scenario: Scenario, store: Path) -> tuple[dict, list[str]]:
    """Run the ingest again, uninterrupted; return what the kill had left and what is wrong now."""
    try:
        rerun = server.ingest(scenario.paths, store)
    except IngestFailed as err:
        return {}, [f"the re-run failed: {err}"]
    result = rerun["result"]
    if rerun["killed"] or result is None:
        return {}, [f"the re-run did not finish: {rerun}"]
    if result["report"]["failed"]:
        return result["before"], [f"the re-run reported failures: {result['report']['failed']}"]
    try:
        got = _checked(store)
    except AssertionError as err:
        return result["before"], [f"inconsistent after the re-run: {err}"]
    return result["before"], scenario.want.differences(got)


def _ended(run: dict, scenario: Scenario) -> str:
    if not run["killed"]:
        return "finished first"
    done = run["writes"]
    return (f"killed at {run['seconds']:.1f} s, {len(done)} of {len(scenario.writes)} writes returned"
            + (f" (last {done[-1][0]})" if done else ""))


def test_killed_ingests_rerun_to_the_store_an_uninterrupted_ingest_leaves(server, scenarios, tmp_path):
    trials = _trials(scenarios, random.Random(CRASH_SEED))
    print(f"\ncrash seed {CRASH_SEED} (set NEWSQA_CRASH_SEED for another); {server.ready['embedder']}")
    for s in scenarios.values():
        print(f"  uninterrupted {s.name}: {s.seconds:.2f} s, {len(s.want.articles)} articles, "
              f"{len(s.want.chunks)} chunks, writes: {' '.join(f'{op}@{t:.1f}' for op, t in s.writes)}")
    failures, left, killed = [], [], 0
    for n, trial in enumerate(trials):
        scenario = scenarios[trial.scenario]
        store = tmp_path / f"trial{n}"
        if scenario.start is not None:
            shutil.copytree(scenario.start, store)
        ended = []
        try:
            for kill in trial.kills:
                if kill.after is None:
                    run = server.ingest(scenario.paths, store, kill_at_write=kill.at_write)
                else:
                    after_write, delay = scenario.anchored(kill.after)
                    run = server.ingest(scenario.paths, store, kill_after=delay, after_write=after_write)
                killed += run["killed"]
                ended.append(_ended(run, scenario))
        except IngestFailed as err:  # a run before the last one raised instead of being killed
            before, problems = {}, [f"run {len(ended) + 1} failed: {err}"]
        else:
            before, problems = _rerun_and_check(server, scenario, store)
        left.append(before)
        what = _left(before) if before else "?"
        print(f"  trial {n:2d}: {trial}: {'; then '.join(ended)}; left {what}"
              f"{' — ' + '; '.join(problems) if problems else ''}")
        if problems:
            failures.append(f"trial {n} ({trial}, seed {CRASH_SEED}), the kill left {what}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
    assert killed >= 20, f"only {killed} runs were killed before they finished (seed {CRASH_SEED})"
    # the re-run's repair has two ways: undo a file's unsealed articles, or finish a sealed file's swap
    assert any(b.get("unsealed_chunks") for b in left), f"no kill left unsealed chunks (seed {CRASH_SEED})"
    assert any(b.get("pending_sealed") for b in left), f"no kill left a sealed pending file (seed {CRASH_SEED})"
    assert any(b.get("pending", 0) >= 2 for b in left), f"no kill landed inside a group of files (seed {CRASH_SEED})"


def test_after_a_killed_ingest_and_its_rerun_readers_search_the_new_chunks(server, scenarios, tmp_path):
    """A reader rebuilds its lexical index (kept in memory, and pickled in the store folder for the next
    ``newsqa ask``) only when the store's version marker or chunk count moves. The changed files keep
    the chunk count, so the re-run must leave the marker moved, wherever the changing run was killed:
    here right after its last file's new article records (the re-run's repair then finishes that
    swap), and right after its last file record (only the marker's bump was left to do)."""
    from storage.lexical import lexical_index

    scenario = scenarios["changed files"]
    ops = [op for op, _ in scenario.writes]
    kill_points = (len(ops) - ops[::-1].index("articles.upsert"), len(ops) - ops[::-1].index("files.upsert"))
    start = open_store(Settings(store=scenario.start))
    assert len(scenario.want.chunks) == start.chunks.count(), "the edits were meant to keep the chunk count"
    stale = []
    for at in kill_points:
        store = tmp_path / f"killed-after-write-{at}"
        shutil.copytree(scenario.start, store)
        lexical_index(start, cache_dir=store)  # a reader asked before this ingest: its index of the old chunks
        assert server.ingest(scenario.paths, store, kill_at_write=at)["killed"]
        assert not server.ingest(scenario.paths, store)["killed"]
        assert _checked(store) == scenario.want
        after = open_store(Settings(store=store))
        searched = set(lexical_index(after, cache_dir=store).ids)
        if searched != scenario.want.chunks:
            stale.append(f"killed right after write {at} ({ops[at - 1]}), the re-run left the version marker at "
                         f"{after.version()}{' (unmoved)' if after.version() == start.version() else ''} and "
                         f"{after.chunks.count()} chunks as before, so a reader still searches "
                         f"{len(searched - scenario.want.chunks)} chunks that are gone and misses "
                         f"{len(scenario.want.chunks - searched)} new ones")
    assert not stale, "\n".join(stale)


def _read(fd: int, timeout: float, until: bytes | None = None) -> bytes:
    """Read a pty for ``timeout`` seconds or until ``until`` shows or the process closes it; what was read."""
    seen, deadline = b"", time.monotonic() + timeout
    poller = select.poll()  # not select(): a long test session holds more than FD_SETSIZE (1024) descriptors
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while (until is None or until not in seen) and time.monotonic() < deadline:
        if poller.poll(max(0, int((deadline - time.monotonic()) * 1000))):
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: the process ended and closed the terminal
                break
            if not data:
                break
            seen += data
    return seen


def test_killed_newsqa_ingest_process_reruns_to_the_same_store(server, scenarios, settings, tmp_path):
    """The real entry point: ``python -m newsqa ingest`` on a terminal, killed once its progress bar shows
    (the model is loaded and it is storing files) plus a random part of an uninterrupted run."""
    scenario = scenarios["first ingest"]
    store = tmp_path / "cli"
    delay = scenario.seconds * random.Random(CRASH_SEED).uniform(0.0, 0.6)
    cmd = [sys.executable, "-m", "newsqa", "ingest", *scenario.paths, "--store", str(store)]
    terminal, their_end = os.openpty()
    fcntl.ioctl(their_end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # 0 columns: tqdm draws nothing
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(settings.models), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=their_end)
    os.close(their_end)
    try:
        shown = _read(terminal, timeout=600, until=b"file/s")
        assert b"file/s" in shown and proc.poll() is None, (
            f"`newsqa ingest` showed no progress bar (status {proc.poll()}): {shown.decode(errors='replace')[-2000:]}")
        t0 = time.monotonic()
        _read(terminal, timeout=delay)  # the terminal is drained while the delay runs, so the bar never blocks
        assert time.monotonic() - t0 >= delay * 0.99 and proc.poll() is None, (
            f"`newsqa ingest` finished before it was killed, {delay:.2f} s into its files")
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        os.close(terminal)
    t0 = time.perf_counter()
    before, problems = _rerun_and_check(server, scenario, store)
    print(f"\n`newsqa ingest` killed {delay:.2f} s after its progress bar showed; it left "
          f"{_left(before) if before else '?'}; the re-run took {time.perf_counter() - t0:.1f} s")
    assert not problems, f"killed {delay:.2f} s into its files (seed {CRASH_SEED}): {'; '.join(problems)}"
