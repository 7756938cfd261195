"""The one way roleplay replaces a file: write a temporary file beside it, flush it to disk,
then rename it over the old one. A reader (or a process killed half-way) sees the old file or
the new one, never a mix; the new file is readable by the owner only (it may hold an API key,
a rep's words or scores). Every layer but the pure domain may use it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` (text is written as UTF-8), durably when this returns.
    A link at `path` is replaced, never followed. Raises OSError naming `path` (a full disk
    said "cannot write (No space left on device)" with no file); nothing is left behind."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _naming(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp creates it 0600
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _naming(exc, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _naming(exc: OSError, path: Path) -> OSError:
    """`exc` as it was when it names a file already, else the same error naming `path`."""
    if exc.filename is not None or exc.errno is None:
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))
