"""gunicorn hooks for prometheus_client's multiprocess mode (``config/gunicorn.py`` uses them).

Every worker writes its values into files of one folder, which ``/metrics`` adds up. The folder
is emptied when gunicorn starts (values of a previous run would be added in), and a worker that
exits has its live gauges dropped. The variable is set in gunicorn's own process before any
worker is forked, so the workers inherit it before they import prometheus_client.
"""

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare(directory: str | None) -> Path:
    """Empty ``directory`` (or a new private folder when None) and point the workers at it."""
    if directory:
        folder = Path(directory)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(mode=0o700, parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="prometheus-"))
    os.environ[VARIABLE] = str(folder)
    return folder


def gunicorn_hooks(
    directory: str | None,
) -> tuple[Callable[[Any], None], Callable[[Any, Any], None]]:
    """gunicorn's ``on_starting`` and ``child_exit`` for the metrics folder ``directory``."""
    folder: list[Path] = []

    def on_starting(server: Any) -> None:
        folder.append(prepare(directory))

    def child_exit(server: Any, worker: Any) -> None:
        from prometheus_client import multiprocess

        if folder:
            multiprocess.mark_process_dead(worker.pid, str(folder[0]))

    return on_starting, child_exit
