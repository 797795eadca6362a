"""gunicorn settings of a load run: each worker says when the platform is loaded in it.

A file per worker in ``LOAD_READY_DIR`` lets the runner start the load only when every worker
answers, so the first seconds do not measure a worker still starting.
"""

import os
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    folder = Path(os.environ["LOAD_READY_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(worker.pid)).touch()
