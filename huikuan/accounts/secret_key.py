"""The SECRET_KEY of an install: from the environment, else a random key kept in the data directory.

Imported by settings, so it uses the standard library only (Django is not set up yet).

The single-machine install (``scripts/run``) must stay one command, so it cannot ask for a key; a key
written in the source would sign every install's sessions and password-reset links alike. Instead the
first process to start writes a random key to ``HUIKUAN_DATA_DIR/secret_key`` (mode 0600) and every
later process, and every worker started beside it, reads that same file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "secret_key"

# Keys that are public (they were written in the source, or are the form Django's project template
# writes): a server with DEBUG off refuses them (huikuan.accounts.checks).
DEVELOPMENT_KEYS = frozenset({"django-insecure-huikuan-development-key-set-SECRET_KEY"})
INSECURE_PREFIX = "django-insecure-"

MIN_LENGTH = 50


class SecretKeyError(RuntimeError):
    """The key file can neither be read nor created."""


def is_insecure(key: str) -> bool:
    """Whether ``key`` is a publicly known development key."""
    return key in DEVELOPMENT_KEYS or key.startswith(INSECURE_PREFIX)


def _read(path: Path) -> str:
    return path.read_text(encoding="ascii").strip()


def load_or_create(data_dir: Path) -> str:
    """The key stored in ``data_dir``, created with a random value if there is none yet.

    Safe when several processes start at once (pytest-xdist or gunicorn workers): the key is written to
    a private temporary file which is then hard-linked to its final name. Linking fails if the name
    exists, so exactly one process's key wins and nobody ever reads a half-written file; the losers
    read the winner's key. Raises SecretKeyError."""
    path = Path(data_dir) / KEY_FILE_NAME
    try:
        key = _read(path)
    except FileNotFoundError:
        key = ""
    except OSError as error:
        raise SecretKeyError(f"cannot read {path}: {error}; set SECRET_KEY") from error
    if len(key) >= MIN_LENGTH:
        return key
    if key:
        raise SecretKeyError(f"{path} holds a key shorter than {MIN_LENGTH} characters; delete it or set SECRET_KEY")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(8)}")
        # O_EXCL: never follow or reuse a file someone else put there; 0600 from the first byte.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(64) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first: use its key
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as error:
        raise SecretKeyError(f"cannot create {path}: {error}; set SECRET_KEY or make the directory writable") from error
    key = _read(path)
    if len(key) < MIN_LENGTH:
        raise SecretKeyError(f"{path} holds no usable key; delete it or set SECRET_KEY")
    return key
