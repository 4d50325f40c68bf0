"""Listing the reports folder: every entry, nothing read, and why an entry will not be opened."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.model import ReadLimits, Rejection


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


NOT_OPENED = {
    "symlink": "symbolic link, not followed (a link may leave the reports folder or loop back into it)",
    "special": "not a regular file (a device, FIFO or socket), not opened",
    "unlistable": "folder that cannot be listed",
}


def refusal(file: ReportFile, limits: ReadLimits) -> Rejection | None:
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
