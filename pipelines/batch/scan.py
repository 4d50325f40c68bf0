"""Listing the reports folder: every entry, nothing read, and why an entry will not be opened."""

from __future__ import annotations

import os
from contextlib import suppress
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
    becomes a rejection with its reason, so nothing under the folder goes unaccounted for. One
    `os.scandir` per folder and one `lstat` per entry (the entry's kind comes with the listing).
    """
    found: list[ReportFile] = []
    top = os.fspath(root)
    cut = len(os.path.join(top, ""))  # what a path below the folder starts with (its name and a separator)

    def entry(path: str, stat: os.stat_result, kind: str = "file", detail: str | None = None) -> None:
        relative = path[cut:].replace(os.sep, "/")
        found.append(
            ReportFile(relative, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, kind, detail)
        )

    folders = [top]  # still to list (a stack, not recursion: any depth of folders)
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            if folder == top:
                raise  # the reports folder itself
            with suppress(FileNotFoundError):  # removed since its parent was listed: no longer given
                entry(folder, os.lstat(folder), "unlistable", error.strerror)
            continue
        for item in entries:
            try:
                if item.is_symlink():
                    entry(item.path, item.stat(follow_symlinks=False), "symlink", os.readlink(item.path))
                elif item.is_dir(follow_symlinks=False):
                    folders.append(item.path)
                else:
                    kind = "file" if item.is_file(follow_symlinks=False) else "special"
                    entry(item.path, item.stat(follow_symlinks=False), kind)
            except FileNotFoundError:  # removed since its folder was listed: no longer given
                continue
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
