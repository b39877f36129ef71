"""gunicorn's hooks for prometheus_client's multiprocess folder."""

import os
from pathlib import Path
from types import SimpleNamespace

from shared.core.observability import multiprocess


def test_on_starting_empties_the_named_folder_and_points_workers_at_it(tmp_path, monkeypatch):
    monkeypatch.delenv(multiprocess.VARIABLE, raising=False)
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_1234.db").write_bytes(b"left by a previous run")
    on_starting, _ = multiprocess.gunicorn_hooks(str(folder))

    on_starting(SimpleNamespace())

    assert folder.is_dir()
    assert list(folder.iterdir()) == []
    assert os.environ[multiprocess.VARIABLE] == str(folder)


def test_without_a_folder_a_private_one_is_made(monkeypatch):
    monkeypatch.delenv(multiprocess.VARIABLE, raising=False)
    on_starting, _ = multiprocess.gunicorn_hooks(None)

    on_starting(SimpleNamespace())

    folder = Path(os.environ[multiprocess.VARIABLE])
    assert folder.is_dir()
    assert folder.stat().st_mode & 0o077 == 0
    folder.rmdir()


def test_child_exit_drops_the_live_gauges_of_the_exited_worker(tmp_path, monkeypatch):
    monkeypatch.delenv(multiprocess.VARIABLE, raising=False)
    on_starting, child_exit = multiprocess.gunicorn_hooks(str(tmp_path / "metrics"))
    on_starting(SimpleNamespace())
    folder = Path(os.environ[multiprocess.VARIABLE])
    (folder / "gauge_livemax_4242.db").write_bytes(b"")
    (folder / "gauge_livemax_4343.db").write_bytes(b"")
    (folder / "counter_4242.db").write_bytes(b"")

    child_exit(SimpleNamespace(), SimpleNamespace(pid=4242))

    # Counters of an exited worker still count; its live gauges are gone.
    assert sorted(path.name for path in folder.iterdir()) == [
        "counter_4242.db",
        "gauge_livemax_4343.db",
    ]
