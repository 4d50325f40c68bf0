"""What earlier runs worked out, kept under EXTRACT_CACHE_DIR so that unchanged files are not read
again: each content's outcome (JSON, by content hash), each path's content hash (by file signature)
and the last batch's tables (Parquet, by batch key).

Every entry lives under a version made of everything that shapes it (`pipelines.batch.keys`: the
code, the indicator dictionary, every library involved, the read limits), is written atomically,
and an entry that cannot be read is recomputed, never a crash. Nothing here is unpickled: whoever
can write the cache folder can change what is loaded, not run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.batch.assembly import DOCUMENTS, FACTS, INDICATORS, PATHS, Extraction, frame
from pipelines.batch.keys import outcome_version, tables_version
from pipelines.batch.scan import ReportFile, refusal
from pipelines.converter import external_tools
from pipelines.model import (
    DEFAULT_LIMITS,
    DocumentExtract,
    Fact,
    Identity,
    Outcome,
    PerformanceIndicator,
    ReadLimits,
    Region,
    Rejection,
)
from pipelines.storage import write_atomically, write_folder_atomically

CACHE_READERS = 4  # threads reading and hashing files to look them up in the cache
# A file changed within this many seconds of a scan could change again within the same time stamp:
# its content hash is not remembered by its signature (it is hashed again next time).
RACY_SECONDS = 2
# Failures of reading an entry that mean "recompute it": missing, damaged, or of another format.
UNREADABLE = (OSError, ValueError, TypeError, KeyError, AttributeError)
TABLE_FILES = {"documents": DOCUMENTS, "paths": PATHS, "facts": FACTS, "indicators": INDICATORS}


def encode_outcome(outcome: Outcome) -> bytes:
    """An outcome as JSON (its path left out: the same content may come under any name)."""
    kind = "rejection" if isinstance(outcome, Rejection) else "document"
    record = asdict(dataclasses.replace(outcome, source_file=""))
    return json.dumps({kind: record}, ensure_ascii=False).encode()


def decode_outcome(data: bytes, source_file: str) -> Outcome:
    """The outcome `encode_outcome` wrote, under `source_file`."""
    record: dict[str, Any] = json.loads(data)
    if "rejection" in record:
        return Rejection(**{**record["rejection"], "source_file": source_file})
    document = record["document"]
    identity = document["identity"]
    return DocumentExtract(
        **{
            **document,
            "source_file": source_file,
            "identity": Identity(**{**identity, "region": Region(**identity["region"])}),
            "facts": tuple(Fact(**fact) for fact in document["facts"]),
            "indicators": tuple(PerformanceIndicator(**row) for row in document["indicators"]),
        }
    )


@dataclass(frozen=True)
class ExtractCache:
    """The extraction cache under `root` for one set of read limits."""

    root: Path
    limits: ReadLimits = DEFAULT_LIMITS
    keeps_keys: bool = True  # library versions of the keys kept under root (see `keys.code_version`)

    @property
    def _key_store(self) -> Path | None:
        return self.root if self.keeps_keys else None

    @cached_property
    def version(self) -> str:
        """The extractor's code, data and libraries, the programs readers run and the read limits:
        what an outcome depends on."""
        version = f"{outcome_version(self._key_store)}|{external_tools()}|{self.limits!r}"
        return hashlib.sha256(version.encode()).hexdigest()[:16]

    def _path(self, content_hash: str) -> Path:
        return self.root / "outcomes" / self.version / content_hash[:2] / f"{content_hash}.json"

    def has(self, content_hash: str) -> bool:
        return self._path(content_hash).exists()

    def get(self, content_hash: str, source_file: str = "") -> Outcome | None:
        """The outcome of a content, under `source_file`; None when there is none or it cannot be read."""
        try:
            return decode_outcome(self._path(content_hash).read_bytes(), source_file)
        except UNREADABLE:
            return None

    def put(self, content_hash: str, outcome: Outcome) -> None:
        write_atomically(self._path(content_hash), encode_outcome(outcome))

    def known_hashes(self) -> dict[str, tuple[tuple[int, int, int, int], str]]:
        """source_file -> (file signature, content hash) as of the last batch."""
        try:
            found = json.loads((self.root / "content-hashes.json").read_bytes())
            return {name: (tuple(entry[:4]), entry[4]) for name, entry in found.items()}  # type: ignore[misc]
        except UNREADABLE:
            return {}

    def remember_hashes(self, files: list[ReportFile], hashes: list[str | None]) -> None:
        settled = (time.time() - RACY_SECONDS) * 1e9
        known = {
            f.source_file: [*f.signature, h]
            for f, h in zip(files, hashes, strict=True)
            if h and max(f.mtime_ns, f.ctime_ns) < settled
        }
        write_atomically(self.root / "content-hashes.json", json.dumps(known, ensure_ascii=False).encode())

    def _tables_folder(self) -> Path:
        return (
            self.root
            / "tables"
            / hashlib.sha256(f"{tables_version(self._key_store)}|{self.version}".encode()).hexdigest()[:16]
        )

    def get_tables(self, key: str) -> Extraction | None:
        """The tables of the batch `key`; None when there are none or they cannot be read."""
        return _read_tables(self._tables_folder() / key)

    def has_tables(self, key: str) -> bool:
        """Whether the tables of the batch `key` are stored (written whole, or not at all)."""
        return (self._tables_folder() / key).is_dir()

    def last_documents(self) -> tuple[str, set[str]] | None:
        """The key of the last batch assembled by this code, whatever its files, and the keys of its
        documents (only that column is read: its tables are read by `get_tables` when reused)."""
        found = [p for p in self._tables_folder().glob("*") if not p.name.startswith(".")]
        if len(found) != 1:
            return None
        try:
            keys = pd.read_parquet(found[0] / "documents.parquet", columns=["document_key"])
        except UNREADABLE:
            return None
        return found[0].name, set(keys["document_key"])

    def put_tables(self, key: str, extraction: Extraction) -> None:
        """Keep the tables of this batch only (every other batch's are deleted)."""
        folder = self._tables_folder() / key

        def fill(partial: Path) -> None:
            for name in TABLE_FILES:
                getattr(extraction, name).to_parquet(partial / f"{name}.parquet", index=False)
            rejections = [asdict(r) for r in extraction.rejections]
            (partial / "rejections.json").write_text(json.dumps(rejections, ensure_ascii=False))

        write_folder_atomically(folder, fill)
        for other in (self.root / "tables").glob("*/*"):
            if other != folder and not other.name.startswith("."):
                _remove(other)


def _read_tables(folder: Path) -> Extraction | None:
    try:
        tables = {
            name: frame(pd.read_parquet(folder / f"{name}.parquet"), declared)
            for name, declared in TABLE_FILES.items()
        }
        rejections = [Rejection(**r) for r in json.loads((folder / "rejections.json").read_bytes())]
    except UNREADABLE:  # pyarrow's ArrowInvalid on a damaged file is a ValueError
        return None
    return Extraction(**tables, rejections=rejections, key=folder.name)


def _remove(folder: Path) -> None:
    for file in folder.glob("*"):
        file.unlink(missing_ok=True)
    folder.rmdir()


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
    unknown = [i for i, h in enumerate(hashes) if h is None and refusal(files[i], limits) is None]
    # Hashing and file reads release the GIL: a few threads overlap them.
    with ThreadPoolExecutor(max_workers=CACHE_READERS) as threads:
        for i, h in zip(
            unknown,
            threads.map(_content_hash, [root] * len(unknown), [files[i].source_file for i in unknown]),
            strict=True,
        ):
            hashes[i] = h
    return hashes


def cached_outcomes(
    cache: ExtractCache, files: list[ReportFile], hashes: list[str | None]
) -> dict[str, Outcome]:
    """source_file -> cached outcome, for the files whose content has a readable cache entry."""
    cached = {f.source_file: h for f, h in zip(files, hashes, strict=True) if h and cache.has(h)}
    with ThreadPoolExecutor(max_workers=CACHE_READERS) as threads:
        found = threads.map(cache.get, cached.values(), cached.keys())
        return {name: hit for name, hit in zip(cached, found, strict=True) if hit is not None}
