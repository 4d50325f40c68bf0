"""The pipeline's settings (environment variables), their defaults, and what is wrong with them.

`check_settings` is pure (it reads an environment mapping and the file system, never changes
either): the command line calls it before anything runs, and the assets check their own settings
with the same functions, so that a run launched from the UI fails with the same one-line message.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.model import DEFAULT_LIMITS

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "samples" / "reports"
DEFAULT_WAREHOUSE_PATH = PROJECT_ROOT / "warehouse" / "reports.duckdb"
DEFAULT_CACHE_DIR = PROJECT_ROOT / "warehouse" / "cache"
DEFAULT_HANDOFF_DIR = PROJECT_ROOT / "warehouse" / "handoffs"
DEFAULT_DAGSTER_HOME = PROJECT_ROOT
DEFAULT_PARSE_SHARDS = 1  # on one machine more shards only cost (a pool each); see the README's deployment
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Number:
    """A numeric setting: its type, default and least value (`least_excluded`: strictly above)."""

    kind: type[int] | type[float]
    default: float
    least: float
    least_excluded: bool = False
    meaning: str = ""

    def parse(self, text: str) -> float | None:
        """The value, or None when `text` is not one this setting accepts."""
        try:
            value = self.kind(text)
        except ValueError:
            return None
        if not math.isfinite(value) or value < self.least or (self.least_excluded and value == self.least):
            return None
        return value

    @property
    def expected(self) -> str:
        whole = "a whole number" if self.kind is int else "a number"
        bound = "above" if self.least_excluded else "of at least"
        return f"{whole} {bound} {self.least:g}"


NUMBERS: dict[str, Number] = {
    "PARSE_WORKERS": Number(int, 0, 0, meaning="processes reading files; 0: one per core"),
    "PARSE_SHARDS": Number(
        int,
        DEFAULT_PARSE_SHARDS,
        1,
        meaning="steps the files to read are split into, for any machine to take",
    ),
    "READ_MAX_FILE_MB": Number(float, DEFAULT_LIMITS.max_file_mb, 0, True),
    "READ_MAX_PDF_PAGES": Number(int, DEFAULT_LIMITS.max_pdf_pages, 0, True),
    "READ_MAX_INFLATED_MB": Number(float, DEFAULT_LIMITS.max_inflated_mb, 0, True),
    "READ_MAX_TABLE_CELLS": Number(int, DEFAULT_LIMITS.max_table_cells, 0, True),
    "READ_TIMEOUT_SECONDS": Number(float, DEFAULT_LIMITS.timeout_seconds, 0, True),
    "READ_MAX_MEMORY_MB": Number(float, DEFAULT_LIMITS.max_memory_mb, 0, True),
    "READ_MAX_OCR_PAGES": Number(
        int, DEFAULT_LIMITS.max_ocr_pages, 0, meaning="0: scanned pages are not read"
    ),
    "READ_MAX_OCR_MEMORY_MB": Number(
        float, DEFAULT_LIMITS.max_ocr_memory_mb, 0, True, meaning="memory while a scanned page is recognised"
    ),
    "READ_PDFPLUMBER_ONLY": Number(
        int, 0, 0, meaning="1: every PDF page through pdfplumber, none through pdfium"
    ),
    "HANDOFF_RETENTION_HOURS": Number(float, 72, 0),
}


@dataclass(frozen=True)
class SettingProblem:
    """A setting that cannot work: its name, its value, what is wrong and what to do."""

    setting: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"Setting {self.setting}={self.value}: {self.message}"


def number(env: Mapping[str, str], name: str) -> float:
    """The numeric setting `name` (unset, empty or invalid: its default; `check_numbers` says
    which are invalid)."""
    setting = NUMBERS[name]
    parsed = setting.parse(env.get(name, "").strip())
    return setting.kind(setting.default if parsed is None else parsed)


def check_numbers(env: Mapping[str, str]) -> list[SettingProblem]:
    """Every numeric setting that is set to something other than a number it accepts."""
    problems = []
    for name, setting in NUMBERS.items():
        text = env.get(name, "").strip()
        if text and setting.parse(text) is None:
            hint = f" ({setting.meaning})" if setting.meaning else ""
            problems.append(
                SettingProblem(
                    name,
                    text,
                    f"must be {setting.expected}{hint}; correct it or unset it (default {setting.default:g})",
                )
            )
    return problems


def check_reports_dir(value: str) -> list[SettingProblem]:
    """REPORTS_DIR must be a folder this process can list."""
    folder = Path(value).expanduser()
    if not folder.exists():
        why = "no such folder"
    elif not folder.is_dir():
        why = "this is a file, not a folder"
    elif not os.access(folder, os.R_OK | os.X_OK):
        why = "this folder cannot be read (permissions)"
    else:
        return []
    return [SettingProblem("REPORTS_DIR", value, f"{why}; set REPORTS_DIR to the folder of report files")]


def _cannot_write(folder: Path) -> str | None:
    """Why `folder` cannot be made (with its parents) or written into; None when it can."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"folder {existing} is not writable"
    return None


def check_warehouse_path(value: str) -> list[SettingProblem]:
    """WAREHOUSE_PATH must be a file name in a folder that exists or can be made, and is writable."""
    path = Path(value).expanduser()
    why = "this is a folder, not a file" if path.is_dir() else _cannot_write(path.parent)
    if why is None:
        return []
    return [
        SettingProblem(
            "WAREHOUSE_PATH", value, f"{why}; set WAREHOUSE_PATH to a .duckdb file in a writable folder"
        )
    ]


def check_folder(name: str, value: str) -> list[SettingProblem]:
    """A folder the pipeline writes into (EXTRACT_CACHE_DIR, HANDOFF_DIR): writable or creatable;
    an empty value (no cache) and a URL (an object store, checked when used) pass."""
    if not value or "://" in value:
        return []
    why = _cannot_write(Path(value).expanduser())
    return [SettingProblem(name, value, f"{why}; set {name} to a writable folder")] if why else []


def _check_dagster_home(value: str) -> list[SettingProblem]:
    if not os.path.isabs(value):
        why = "must be an absolute path"
    elif not Path(value).is_dir():
        why = "no such folder"
    else:
        return []
    return [SettingProblem("DAGSTER_HOME", value, f"{why}; set it to the folder of dagster.yaml or unset it")]


def _check_file(name: str, value: str) -> list[SettingProblem]:
    if Path(value).expanduser().is_file():
        return []
    return [SettingProblem(name, value, f"no such file; set {name} to a file or unset it")]


def _check_log_level(value: str) -> list[SettingProblem]:
    if value.upper() in LOG_LEVELS:
        return []
    return [SettingProblem("PIPELINE_LOG_LEVEL", value, f"must be one of {', '.join(LOG_LEVELS)}")]


OPTIONAL: dict[str, Callable[[str], list[SettingProblem]]] = {
    "DAGSTER_HOME": _check_dagster_home,
    "INDICATOR_DICTIONARY": lambda value: _check_file("INDICATOR_DICTIONARY", value),
    "PIPELINE_LOG_LEVEL": _check_log_level,
}


def check_settings(env: Mapping[str, str]) -> list[SettingProblem]:
    """Every problem of the settings in `env` (an unset setting has its default), one per setting."""
    return [
        *check_reports_dir(env.get("REPORTS_DIR", str(DEFAULT_REPORTS_DIR))),
        *check_warehouse_path(env.get("WAREHOUSE_PATH", str(DEFAULT_WAREHOUSE_PATH))),
        *check_folder("EXTRACT_CACHE_DIR", env.get("EXTRACT_CACHE_DIR", str(DEFAULT_CACHE_DIR))),
        *check_folder("HANDOFF_DIR", env.get("HANDOFF_DIR", str(DEFAULT_HANDOFF_DIR))),
        *check_numbers(env),
        *(problem for name, check in OPTIONAL.items() if env.get(name) for problem in check(env[name])),
    ]
