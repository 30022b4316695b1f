"""The app's log: unexpected errors with their tracebacks, in a rotating file in rnnlab's
data folder (standard logging), so that a message in the window can point to the details.

    rnnlab.core.logs.start()                      once, at launch (the window does)
    message = logs.unexpected("training stopped", exc)   logs the traceback, returns the
                                                  one line for the user, naming the log
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from rnnlab.core.paths import data_dir

LOGGER = logging.getLogger("rnnlab")
MAX_BYTES, BACKUPS = 1_000_000, 3  # at most ~4 MB of logs


def log_path() -> Path:
    return data_dir() / "logs" / "rnnlab.log"


def start() -> Path | None:
    """Log to the rotating file (again after a data folder change); None when the folder
    cannot be written (the app runs on, logging to stderr only)."""
    for handler in [h for h in LOGGER.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        LOGGER.removeHandler(handler)
        handler.close()
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    return path


def unexpected(what: str, exc: BaseException) -> str:
    """Log an unexpected error with its traceback; the line for the user, naming the log."""
    LOGGER.error("%s: %s: %s", what, type(exc).__name__, exc, exc_info=(type(exc), exc, exc.__traceback__))
    where = next((h.baseFilename for h in LOGGER.handlers
                  if isinstance(h, logging.handlers.RotatingFileHandler)), None)
    details = f" (details in {where})" if where else ""
    return f"{what}: {type(exc).__name__}: {exc}{details}"
