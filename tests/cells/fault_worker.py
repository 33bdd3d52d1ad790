"""A Celery worker whose compliance runs pause in the middle, for tests/cells/test_faults.py.

``python -m tests.cells.fault_worker PAUSE_FILE SECONDS [celery worker options]`` starts the project's
worker with the run's seam (cells.compliance.run.after_cells_evaluated) patched by pause_once: the first
run to reach it creates PAUSE_FILE (holding the process id) and sleeps SECONDS there, inside the run's
transaction, so that the test can kill the worker in the middle of a run. Production code reads nothing
of this: the patch exists in this process only.
"""

import os
import sys
import time
from collections.abc import Callable


def pause_once(pause_file: str, seconds: float) -> Callable:
    """A replacement for after_cells_evaluated: the first call (PAUSE_FILE not there yet) creates the file
    with this process id and sleeps ``seconds``; later calls (the file exists) return at once."""

    def pause(run) -> None:
        try:
            handle = os.open(pause_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(handle, str(os.getpid()).encode())
        os.close(handle)
        time.sleep(seconds)

    return pause


def main(argv: list[str]) -> None:
    pause_file, seconds, *worker_options = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")
    import django

    django.setup()
    from cells.compliance import run
    from roadmap_portal.celery import app

    run.after_cells_evaluated = pause_once(pause_file, float(seconds))
    app.worker_main(["worker", *worker_options])


if __name__ == "__main__":
    main(sys.argv[1:])
