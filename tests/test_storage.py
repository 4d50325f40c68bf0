"""The atomic-write helper every cache and hand-off uses: a reader sees a whole file or folder, or
the previous one."""

from __future__ import annotations

import pickle

import pytest
from upath import UPath

import pipelines.storage as storage
from pipelines.storage import write_atomically, write_folder_atomically


def test_a_write_that_fails_half_way_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    target = UPath(tmp_path / "out.pickle")
    write_atomically(target, pickle.dumps("whole"))

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(storage.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, pickle.dumps("x" * 1_000_000))
    assert pickle.loads(target.read_bytes()) == "whole"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pickle"]  # no partial file left behind


def test_a_plain_path_and_an_object_store_path_are_written_whole(tmp_path):
    write_atomically(tmp_path / "sub" / "a.json", b"{}")
    write_atomically(UPath("memory://bucket/a.json"), b"[]")
    assert (tmp_path / "sub" / "a.json").read_bytes() == b"{}"
    assert UPath("memory://bucket/a.json").read_bytes() == b"[]"


def test_a_folder_is_published_whole_or_not_at_all(tmp_path):
    def fill(folder):
        (folder / "a.parquet").write_bytes(b"a")
        (folder / "b.parquet").write_bytes(b"b")

    def fail_half_way(folder):
        (folder / "a.parquet").write_bytes(b"a")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_folder_atomically(tmp_path / "key1", fail_half_way)
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its partial copy
    write_folder_atomically(tmp_path / "key1", fill)
    write_folder_atomically(tmp_path / "key1", fill)  # a second writer of the same key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key1"]
    assert sorted(p.name for p in (tmp_path / "key1").iterdir()) == ["a.parquet", "b.parquet"]
