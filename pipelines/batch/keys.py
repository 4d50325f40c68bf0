"""Deterministic keys: of documents and rows, and of the code and libraries a cached result
depends on (a change of any of them makes a new key, so nothing stale is served)."""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import re
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pipelines.indicators import DICTIONARY_PATH
from pipelines.storage import write_atomically

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# The code that turns one file's bytes into its outcome (identity, facts, indicator rows).
OUTCOME_CODE = (
    "readers",
    "extract",
    "model.py",
    "indicators.py",
    "converter.py",
    "batch/read.py",
    "batch/scan.py",
)
# ... and what turns outcomes into a batch's tables.
TABLE_CODE = (*OUTCOME_CODE, "batch", "schema.py")
# Libraries that shape tables beyond those the code imports (pandas' Parquet engine).
TABLE_LIBRARIES = ("pandas", "pyarrow")


def document_key(content_hash: str) -> str:
    """Deterministic key of a document: its content, so one text under two names is one document."""
    return content_hash[:16]


def stable_key(*parts: object) -> str:
    """Deterministic 16-hex-digit key of a tuple of values (None and NaN count as empty)."""
    natural = "|".join(
        "" if part is None or (isinstance(part, float) and part != part) else str(part) for part in parts
    )
    return hashlib.md5(natural.encode("utf-8")).hexdigest()[:16]


def _sources(parts: tuple[str, ...]) -> list[Path]:
    """Every Python file of the named modules and packages (packages at any depth), sorted."""
    found: set[Path] = set()
    for part in parts:
        path = PACKAGE_DIR / part
        found.update(path.rglob("*.py") if path.is_dir() else [path])
    return sorted(found)


def _imported_top_levels(sources: list[Path]) -> set[str]:
    names: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_bytes())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif _is_find_spec(node):  # a package's data read without importing it (the gazetteer)
                names.add(node.args[0].value.split(".")[0])  # type: ignore[attr-defined]
    return names


def _is_find_spec(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "find_spec"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _requirement_name(requirement: str) -> str | None:
    if ";" in requirement and "extra" in requirement.split(";", 1)[1]:
        return None  # only needed for an extra
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    return match.group(0) if match else None


def library_versions(sources: list[Path], extra: tuple[str, ...] = ()) -> list[str]:
    """`name==version` of every installed distribution the sources import, and of everything those
    need in turn (the place-name gazetteer, PDF parser, pandas' own dependencies ...), sorted."""
    owners = metadata.packages_distributions()
    imported = _imported_top_levels(sources) - {PACKAGE_DIR.name}  # not this project's own package
    pending = {dist for name in imported for dist in owners.get(name, [])}
    pending.update(extra)
    seen: dict[str, str] = {}
    while pending:
        name = pending.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        canonical = dist.metadata["Name"].lower().replace("_", "-")
        if canonical in seen:
            continue
        seen[canonical] = dist.version
        pending.update(filter(None, map(_requirement_name, dist.requires or [])))
    return sorted(f"{name}=={version}" for name, version in seen.items())


def installed_distributions() -> str:
    """A cheap fingerprint of the installed distributions: the name, time and metadata file of each
    distribution in each folder of the import path, in path order (an install, upgrade or removal
    renames, adds or removes a `*.dist-info` folder or rewrites its METADATA). How a folder is
    named on the path ('' or its full path) and its own time (any file made in the working
    directory changes it) are left out: processes started in other ways share one fingerprint."""
    lines = [sys.version, sys.prefix]
    folders = dict.fromkeys(os.path.realpath(entry or ".") for entry in sys.path)
    for folder in folders:
        try:
            children = sorted(os.scandir(folder), key=lambda child: child.name)
        except OSError:  # a missing folder or a zip file on the path
            continue
        for child in children:
            if child.name.endswith((".dist-info", ".egg-info")):
                lines.append(f"{child.path}|{_signature(child.path)}|{_signature(child.path, 'METADATA')}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _signature(folder: str, name: str = "") -> str:
    try:
        status = os.stat(os.path.join(folder, name) if name else folder)
    except OSError:
        return "-"
    return f"{status.st_size}|{status.st_mtime_ns}|{status.st_ino}"


def remembered_library_versions(
    sources: list[Path], code: str, extra: tuple[str, ...], store: Path | None
) -> list[str]:
    """`library_versions(sources, extra)`, kept under `store` (`keys/libraries.json`) for the same
    code (`code`: a hash of the sources' contents) and the same installed distributions
    (`installed_distributions`): finding them walks every distribution's metadata, which takes a
    fresh process about a second; checking the fingerprint takes milliseconds. A missing or
    unreadable entry is recomputed."""
    if store is None:
        return library_versions(sources, extra)
    fingerprint = hashlib.sha256(f"{code}|{extra!r}|{installed_distributions()}".encode()).hexdigest()
    path = store / "keys" / f"libraries-{hashlib.sha256(repr(extra).encode()).hexdigest()[:8]}.json"
    try:
        entry = json.loads(path.read_bytes())
        if entry["fingerprint"] == fingerprint and all(isinstance(v, str) for v in entry["libraries"]):
            return list(entry["libraries"])
    except (OSError, ValueError, TypeError, KeyError):
        pass
    versions = library_versions(sources, extra)
    with contextlib.suppress(OSError):  # an unwritable cache folder: computed again next time
        write_atomically(path, json.dumps({"fingerprint": fingerprint, "libraries": versions}).encode())
    return versions


@lru_cache(maxsize=8)
def code_version(
    parts: tuple[str, ...], extra_libraries: tuple[str, ...] = (), store: Path | None = None
) -> str:
    """A hash of the named code, the indicator dictionary and the versions of every library
    involved (those found for the same code and installed distributions are kept under `store`,
    when given: see `remembered_library_versions`)."""
    sources = _sources(parts)
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    code = digest.hexdigest()
    digest.update(Path(os.environ.get("INDICATOR_DICTIONARY", DICTIONARY_PATH)).read_bytes())
    for line in remembered_library_versions(sources, code, extra_libraries, store):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()[:16]


def outcome_version(store: Path | None = None) -> str:
    """What one file's cached outcome depends on (library versions kept under `store`)."""
    return code_version(OUTCOME_CODE, (), store)


def tables_version(store: Path | None = None) -> str:
    """What a batch's cached tables depend on (library versions kept under `store`)."""
    return code_version(TABLE_CODE, TABLE_LIBRARIES, store)
