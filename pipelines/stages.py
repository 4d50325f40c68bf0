"""The pipeline's stages as plain functions over whole batches of files (the assets wire them).

scan -> read (parallel, per file) -> extract (identity + facts) -> validate -> tables for the load.
Each stage returns what it made plus `Rejection`s for what it could not use, so that nothing a user
gave disappears without a row saying why.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pipelines.extract.facts import extract_facts
from pipelines.extract.identity import extract_identity
from pipelines.model import Document, ReadError, Rejection
from pipelines.readers import read_document

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 16

FACT_COLUMNS = [
    "fact_seq", "document_key", "source_file", "institution", "province", "province_code", "city",
    "city_code", "county", "county_code", "fiscal_year", "indicator_code", "value", "unit", "qualifier",
    "is_target", "scope", "source_locator", "snippet", "raw_text", "indicator_name", "note",
]  # fmt: skip
DOCUMENT_COLUMNS = [
    "document_key", "source_file", "content_hash", "file_format", "pages", "encoding", "institution",
    "fiscal_year", "institution_source", "year_source", "province", "province_code", "city", "city_code",
    "county", "county_code", "region_source", "region_note", "facts_extracted",
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


def scan_reports(root: Path) -> list[ReportFile]:
    """Every regular file under `root` (any depth, symlinks not followed), sorted by path."""
    found = []
    for folder, subfolders, names in os.walk(root, followlinks=False):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append(ReportFile(path.relative_to(root).as_posix(), path.stat().st_size))
    return sorted(found, key=lambda f: f.source_file)


def _file_hash(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def _read_one(root: Path, source_file: str) -> Document | Rejection:
    path = root / source_file
    try:
        return read_document(path, root)
    except ReadError as error:
        return Rejection(source_file, "read", str(error), content_hash=_file_hash(path))
    except Exception as error:  # a reader bug must not stop the other files
        detail = f"{type(error).__name__}: {error}"
        return Rejection(source_file, "read", "unexpected reader failure", detail, _file_hash(path))


def read_reports(
    root: Path, files: list[ReportFile], workers: int | None = None
) -> list[Document | Rejection]:
    """Read every file, in parallel across cores for larger batches; order follows `files`."""
    names = [f.source_file for f in files]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(names) < PARALLEL_THRESHOLD:
        return [_read_one(root, name) for name in names]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_read_one, [root] * len(names), names, chunksize=8))


def document_key(content_hash: str) -> str:
    """Deterministic key of a document: its content, so one text under two names is one document."""
    return content_hash[:16]


@dataclass(frozen=True)
class Extraction:
    """What the extract stage made of a batch of documents."""

    documents: pd.DataFrame  # one row per distinct document
    paths: pd.DataFrame  # source_file -> document_key, every path
    facts: pd.DataFrame  # FACT_COLUMNS
    rejections: list[Rejection]


def extract_documents(documents: list[Document], unread: list[Rejection] = ()) -> Extraction:
    """Identity and facts of each distinct document; files with the same content share one.

    Files rejected when read are documents too (status rejected, no facts), so every file given
    has a row in dim_document.
    """
    doc_rows, path_rows, fact_rows, rejections = [], [], [], list(unread)
    seen: dict[str, str] = {}
    for rejection in unread:
        key = document_key(rejection.content_hash or stable_key("unreadable", rejection.source_file))
        path_rows.append({"source_file": rejection.source_file, "document_key": key})
        if key not in seen:
            seen[key] = rejection.source_file
            doc_rows.append(
                {
                    "document_key": key,
                    "source_file": rejection.source_file,
                    "content_hash": rejection.content_hash or "",
                    "file_format": Path(rejection.source_file).suffix.lower().lstrip(".") or "(none)",
                    "facts_extracted": 0,
                }
            )
    for document in sorted(documents, key=lambda d: d.source_file):
        key = document_key(document.content_hash)
        path_rows.append({"source_file": document.source_file, "document_key": key})
        if key in seen:
            continue
        seen[key] = document.source_file
        identity = extract_identity(document)
        facts = extract_facts(document)
        region = identity.region
        doc_rows.append(
            {
                "document_key": key,
                "source_file": document.source_file,
                "content_hash": document.content_hash,
                "file_format": document.file_format,
                "pages": document.pages,
                "encoding": document.encoding,
                "institution": identity.institution,
                "fiscal_year": identity.fiscal_year,
                "institution_source": identity.institution_source,
                "year_source": identity.year_source,
                **{f"region_{k}" if k in ("source", "note") else k: v for k, v in asdict(region).items()},
                "facts_extracted": len(facts),
            }
        )
        if not facts:
            rejections.append(
                Rejection(
                    document.source_file, "extract", "no indicator figures found (not a performance report?)"
                )
            )
        for fact in facts:
            fact_rows.append(
                {
                    "fact_seq": len(fact_rows),
                    "document_key": key,
                    "source_file": document.source_file,
                    "institution": identity.institution,
                    "province": region.province,
                    "province_code": region.province_code,
                    "city": region.city,
                    "city_code": region.city_code,
                    "county": region.county,
                    "county_code": region.county_code,
                    "fiscal_year": identity.fiscal_year,
                    "indicator_code": fact.indicator_code,
                    "value": fact.value,
                    "unit": fact.unit,
                    "qualifier": fact.qualifier,
                    "is_target": fact.is_target,
                    "scope": fact.scope,
                    "source_locator": fact.source_locator,
                    "snippet": fact.snippet,
                    "raw_text": fact.raw_text,
                    "indicator_name": fact.indicator_name,
                    "note": fact.note,
                }
            )
    return Extraction(
        documents=pd.DataFrame(doc_rows, columns=DOCUMENT_COLUMNS).astype({"fiscal_year": "Int64"}),
        paths=pd.DataFrame(path_rows, columns=["source_file", "document_key"]),
        facts=pd.DataFrame(fact_rows, columns=FACT_COLUMNS).astype({"fiscal_year": "Int64"}),
        rejections=rejections,
    )


def rejections_frame(rejections: list[Rejection]) -> pd.DataFrame:
    """Rejection records as rows of the warehouse's rejection table."""
    return pd.DataFrame(
        [asdict(r) for r in rejections], columns=["source_file", "stage", "reason", "detail"]
    ).reindex(columns=REJECTION_COLUMNS)


def stable_key(*parts: object) -> str:
    """Deterministic 16-hex-digit key of a tuple of values (None and NaN count as empty)."""
    natural = "|".join(
        "" if part is None or (isinstance(part, float) and part != part) else str(part) for part in parts
    )
    return hashlib.md5(natural.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ReadBatch:
    """What the read stage made of a batch of files."""

    documents: list[Document]
    rejections: list[Rejection]


def split_read_results(results: list[Document | Rejection]) -> ReadBatch:
    """Documents on one side, read rejections on the other."""
    return ReadBatch(
        documents=[r for r in results if isinstance(r, Document)],
        rejections=[r for r in results if isinstance(r, Rejection)],
    )
