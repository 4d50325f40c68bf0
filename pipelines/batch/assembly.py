"""Outcomes of a batch's files as tables (documents, paths, facts, indicator rows, rejections), and
the same tables from an earlier batch's rows for contents it already had (`combine`); the columns
and types are those declared in `pipelines.schema` (frames extracted_*)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pipelines import schema
from pipelines.batch.keys import document_key, stable_key
from pipelines.model import OCR_MARK, DocumentExtract, Fact, Outcome, PerformanceIndicator, Rejection

DOCUMENTS, FACTS, INDICATORS = "extracted_documents", "extracted_facts", "extracted_indicators"
PATHS = "document_path"
_FACT_FIELDS = [f.name for f in dataclasses.fields(Fact)]
_INDICATOR_FIELDS = [f.name for f in dataclasses.fields(PerformanceIndicator)]
READ_BY = ["read_by", "ocr_confidence"]


@dataclass(frozen=True)
class Extraction:
    """What the extract stage made of a batch of files, as tables."""

    documents: pd.DataFrame  # extracted_documents: one row per distinct content (unreadable files too)
    paths: pd.DataFrame  # document_path: source_file -> document_key, every path
    facts: pd.DataFrame  # extracted_facts
    indicators: pd.DataFrame  # extracted_indicators: rows of performance-indicator tables
    rejections: list[Rejection]
    parsed: int = 0  # files read and extracted by this run (the others came from a cache)
    key: str | None = None  # see `pipelines.batch.incremental.batch_key`


@dataclass(frozen=True)
class ExtractionDocuments:
    """An `Extraction` without its facts and rows: what the warehouse load reads of it (it gets
    the facts and rows as validated). A step hand-off read as this type leaves them unread."""

    documents: pd.DataFrame
    paths: pd.DataFrame
    rejections: list[Rejection]
    parsed: int = 0
    key: str | None = None


@dataclass(frozen=True)
class ExtractionIndicators:
    """An `Extraction`'s performance-indicator rows and key: what their validation reads of it (a step
    hand-off read as this type leaves the facts unread)."""

    indicators: pd.DataFrame
    key: str | None = None


def frame(rows: pd.DataFrame | list, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Rows (a frame, or records with `columns`, by default the declared ones) as a frame with the
    declared columns (in order) and types of `name`."""
    declared = schema.columns(name)
    built = (
        rows
        if isinstance(rows, pd.DataFrame)
        else pd.DataFrame.from_records(rows, columns=columns or declared)
    )
    return built.reindex(columns=declared).astype(schema.dtypes(name))


def read_by(locator: str, confidence: dict[str, float]) -> tuple[str, float | None]:
    """How the figure at `locator` was read (text or ocr) and, for OCR, the confidence of its line or
    cell (`confidence`: the document's OCR confidence by locator)."""
    if locator in confidence:
        return "ocr", confidence[locator]
    return ("ocr", None) if OCR_MARK in locator else ("text", None)


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


ASSEMBLY_CHUNK = 500  # documents whose rows become frames together


def assemble(outcomes: Iterable[Outcome]) -> Extraction:
    """Tables of documents, paths, facts and performance-indicator rows; files with the same content
    are one document.

    Files rejected when read are documents too (status rejected, no facts), so every file given
    has a row in dim_document. A readable file with neither facts nor performance-indicator rows is
    rejected at the extract stage.
    """
    return assemble_in_order(sorted(outcomes, key=lambda o: o.source_file))


def assemble_in_order(outcomes: Iterable[Outcome]) -> Extraction:
    """`assemble` of outcomes already in path order (a stream: they are made frames ASSEMBLY_CHUNK
    documents at a time, never all held as objects or rows)."""
    chunk = _Chunk()
    parts: list[tuple[pd.DataFrame, ...]] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    facts = indicators = 0
    for outcome in outcomes:
        content = outcome.content_hash or stable_key("unreadable", outcome.source_file)
        key = document_key(content)
        chunk.paths.append({"source_file": outcome.source_file, "document_key": key})
        if key in seen:
            continue
        seen.add(key)
        rejection = chunk.add(key, outcome)
        if rejection is not None:
            rejections.append(rejection)
        if len(chunk.documents) == ASSEMBLY_CHUNK:
            parts.append(chunk.frames(facts, indicators))
            facts, indicators = facts + len(parts[-1][2]), indicators + len(parts[-1][3])
            chunk = _Chunk()
    if chunk.paths or not parts:
        parts.append(chunk.frames(facts, indicators))
    documents, paths, fact_rows, indicator_rows = (
        pd.concat(tables, ignore_index=True) if len(parts) > 1 else tables[0]
        for tables in zip(*parts, strict=True)
    )
    return Extraction(documents, paths, fact_rows, indicator_rows, rejections)


class _Chunk:
    """Rows of a few documents' outcomes, before they become frames."""

    def __init__(self) -> None:
        self.documents: list[dict] = []
        self.paths: list[dict] = []
        self.facts: list[tuple] = []
        self.indicators: list[tuple] = []

    def add(self, key: str, outcome: Outcome) -> Rejection | None:
        """The rows of a document's first file; its rejection, if any."""
        if isinstance(outcome, Rejection):
            suffix = Path(outcome.source_file).suffix.lower().lstrip(".") or "(none)"
            self.documents.append(
                {"document_key": key, "source_file": outcome.source_file, "content_hash": outcome.content_hash or "",
                 "file_format": suffix, "facts_extracted": 0, "indicators_extracted": 0}
            )  # fmt: skip
            return outcome
        self.documents.append(_document_row(key, outcome))
        confidence = outcome.ocr_confidence
        self.facts.extend(
            (key, *(getattr(fact, name) for name in _FACT_FIELDS), *read_by(fact.source_locator, confidence))
            for fact in outcome.facts
        )
        self.indicators.extend(
            (
                key,
                number,
                *(getattr(row, name) for name in _INDICATOR_FIELDS),
                *read_by(row.source_locator, confidence),
            )
            for number, row in enumerate(outcome.indicators, 1)
        )
        if not outcome.facts and not outcome.indicators:
            return Rejection(
                outcome.source_file, "extract", "no indicator figures found (not a performance report?)"
            )
        return None

    def frames(self, facts_before: int, indicators_before: int) -> tuple[pd.DataFrame, ...]:
        """Documents, paths, facts and indicator rows as frames of the declared types; facts and rows
        numbered after those of earlier chunks."""
        documents = frame(self.documents, DOCUMENTS)
        # Each fact and row carries its document's identity: joined per document, not copied per fact.
        identity = documents[["document_key", *schema.IDENTITY, "report_kind", "project"]]
        facts = pd.DataFrame.from_records(self.facts, columns=["document_key", *_FACT_FIELDS, *READ_BY])
        facts = facts.merge(identity, on="document_key", how="left")
        indicators = pd.DataFrame.from_records(
            self.indicators, columns=["document_key", "row_number", *_INDICATOR_FIELDS, *READ_BY]
        ).merge(identity, on="document_key", how="left")
        return (
            documents,
            frame(self.paths, PATHS),
            frame(facts.assign(fact_seq=range(facts_before, facts_before + len(facts))), FACTS),
            frame(
                indicators.assign(
                    indicator_seq=range(indicators_before, indicators_before + len(indicators))
                ),
                INDICATORS,
            ),
        )


def combine(last: Extraction, reused: dict[str, str], new: Extraction) -> Extraction:
    """`new` plus the rows `last` had for the `reused` paths' contents (path -> document key), in the
    order and with the first paths that assembling every outcome at once would give."""
    paths = pd.concat(
        [frame([{"source_file": p, "document_key": k} for p, k in reused.items()], PATHS), new.paths],
        ignore_index=True,
    ).sort_values("source_file", ignore_index=True)
    first_path = paths.drop_duplicates("document_key").set_index("document_key")["source_file"]
    kept = set(reused.values())

    def old_rows(table: pd.DataFrame) -> pd.DataFrame:
        rows = table[table["document_key"].isin(kept)]
        return rows.assign(source_file=rows["document_key"].map(first_path))

    documents = pd.concat([old_rows(last.documents), new.documents]).sort_values(
        "source_file", ignore_index=True
    )
    facts = pd.concat([old_rows(last.facts), new.facts]).sort_values(
        ["source_file", "fact_seq"], ignore_index=True
    )
    indicators = pd.concat([old_rows(last.indicators), new.indicators]).sort_values(
        ["source_file", "indicator_seq"], ignore_index=True
    )
    old_keys = dict(zip(last.paths["source_file"], last.paths["document_key"], strict=True))
    rejections = [
        dataclasses.replace(r, source_file=first_path[old_keys[r.source_file]])
        for r in last.rejections
        if old_keys.get(r.source_file) in kept
    ]
    return Extraction(
        documents=frame(documents, DOCUMENTS),
        paths=paths,
        facts=frame(facts.assign(fact_seq=range(len(facts))), FACTS),
        indicators=frame(indicators.assign(indicator_seq=range(len(indicators))), INDICATORS),
        rejections=sorted([*rejections, *new.rejections], key=lambda r: r.source_file),
    )


def rejections_frame(rejections: list[Rejection]) -> pd.DataFrame:
    """Rejection records as rows of the warehouse's rejection table."""
    return frame(
        [asdict(r) for r in rejections], "rejection", [f.name for f in dataclasses.fields(Rejection)]
    )
