"""A batch's files to read, split into shards that separate steps (of any machine) read, and the
outcomes a shard gives back. Nothing here reads a file or imports a reader."""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pipelines.batch.scan import ReportFile
from pipelines.model import Outcome

Progress = Callable[[int, int], None]  # (files done, files in the batch), told by the parent process
PACK_SIZE = 200  # outcomes per packed chunk of an ExtractBatch


class Packer:
    """Outcomes packed as they come: pickled and compressed, PACK_SIZE at a time."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.source_files: list[str] = []
        self._pending: list[Outcome] = []

    def __len__(self) -> int:
        return len(self.source_files)

    def add(self, outcome: Outcome) -> None:
        """Pack `outcome` after the others."""
        self.source_files.append(outcome.source_file)
        self._pending.append(outcome)
        if len(self._pending) == PACK_SIZE:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.chunks.append(zlib.compress(pickle.dumps(self._pending, pickle.HIGHEST_PROTOCOL), 1))
            self._pending = []

    def batch(self, from_cache: int) -> ExtractBatch:
        """The packed outcomes as a batch, `from_cache` of them served from the cache."""
        self._flush()
        return ExtractBatch(tuple(self.chunks), tuple(self.source_files), from_cache)


@dataclass(frozen=True)
class ExtractBatch:
    """Outcomes of a batch of files, in path order, with how many were served from the cache.

    The outcomes are kept packed (`Packer`: pickled and compressed, a few times smaller than the
    objects): a run keeps every step's output until it ends. They are unpacked chunk by chunk as
    they are iterated; they are pickled like every step hand-off, within the run's own processes."""

    chunks: tuple[bytes, ...]
    source_files: tuple[str, ...]  # of the outcomes, in order
    from_cache: int

    @staticmethod
    def of(outcomes: Iterable[Outcome], from_cache: int = 0) -> ExtractBatch:
        """A batch of `outcomes`, packed."""
        packer = Packer()
        for outcome in outcomes:
            packer.add(outcome)
        return packer.batch(from_cache)

    def __len__(self) -> int:
        return len(self.source_files)

    def __iter__(self) -> Iterator[Outcome]:
        for chunk in self.chunks:
            yield from pickle.loads(zlib.decompress(chunk))

    @property
    def outcomes(self) -> list[Outcome]:
        """Every outcome, unpacked (a new list of new objects at each call)."""
        return list(self)


@dataclass(frozen=True)
class Shard:
    """Files of a batch that one step reads (batch order), with their content hashes (None: not
    known yet, or no cache)."""

    index: int
    files: list[ReportFile]
    hashes: list[str | None] | None

    @property
    def name(self) -> str:
        """shard_<index>: the shard's mapping key in a run."""
        return f"shard_{self.index}"


@dataclass(frozen=True)
class ExtractPlan:
    """What a batch needs: its files and content hashes, the shards of the files to read, and what
    comes without reading (this very batch's stored tables, or the last batch's rows reused)."""

    files: list[ReportFile]
    hashes: list[str | None] | None  # None without a cache (the readers hash what they read)
    shards: list[Shard]
    remembered: str | None = None  # the key of this batch's stored tables: nothing to read
    last: str | None = None  # the key of the last batch's tables, whose rows `reused` takes
    reused: dict[str, str] = field(default_factory=dict)  # path -> document key in the last tables

    @property
    def settled(self) -> int:
        """Files that need no reading."""
        return len(self.files) - sum(len(shard.files) for shard in self.shards)


def shard_of(source_file: str, shards: int) -> int:
    """The shard of a path: stable across runs and machines (not Python's salted `hash`)."""
    return int(hashlib.sha256(source_file.encode()).hexdigest()[:8], 16) % shards


def split_shards(files: list[ReportFile], hashes: list[str | None] | None, shards: int) -> list[Shard]:
    """The files in at most `shards` shards by `shard_of`, each in batch order; empty ones left out."""
    members: dict[int, list[int]] = {}
    for i, file in enumerate(files):
        members.setdefault(shard_of(file.source_file, shards), []).append(i)
    return [
        Shard(
            index,
            [files[i] for i in members[index]],
            [hashes[i] for i in members[index]] if hashes is not None else None,
        )
        for index in sorted(members)
    ]


class ShardProgress:
    """Tells `progress` (files done, files) over a plan's shards, read in any order: the files that
    need no reading count as done first, then each shard's as its outcomes come back."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.settled, self.total = 0, 0
        self.done: dict[int, int] = {}

    def planned(self, plan: ExtractPlan) -> None:
        """Start counting `plan`'s files (with no shard, every file is done now)."""
        self.settled, self.total, self.done = plan.settled, len(plan.files), {}
        if not plan.shards:
            self.progress(self.total, self.total)

    def shard(self, index: int) -> Progress:
        """The progress of shard `index` (files done of its own)."""

        def told(done: int, _: int) -> None:
            self.done[index] = done
            self.progress(self.settled + sum(self.done.values()), self.total)

        return told
