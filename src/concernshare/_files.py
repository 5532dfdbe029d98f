"""Writing files safely: whole or not at all, never through a symbolic link, with the mode asked for.

Every file concernshare writes goes through :func:`write_file`: the data goes
to a new temporary file in the same folder (created exclusively, never
through a link), is flushed to the disk, and is renamed over the final name;
then the folder itself is flushed. A process killed at any point leaves the
final name as it was or holding the whole new file, never a part of it. A
final name that is a symbolic link, or anything but a regular file, is
refused: nothing is ever written through it. Secret outputs (sealed
messages, reports, private keys) are created 0600 whatever the umask.

:func:`prepare_database` does the same for a SQLite file that SQLite itself
will open: it is created 0600 (SQLite gives its journal files the same
mode), and a link at its name or at one of its journals' names is refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Final

from concernshare.errors import OutputRefused

__all__ = ["PRIVATE", "PUBLIC", "existing_file", "leftovers", "output_folder", "prepare_database", "write_file"]

#: Mode of a secret output: sealed messages, reports, private keys, tracker and replay stores.
PRIVATE: Final = 0o600
#: Mode of a public output (a public key, a signed directory), less what the umask takes away.
PUBLIC: Final = 0o644

_CREATE: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_JOURNALS: Final = ("-wal", "-shm", "-journal")
#: The name of write_file's temporary file: hidden, the final name, 16 random hex digits, ``.tmp``.
_TEMPORARY: Final = re.compile(r"\..+\.[0-9a-f]{16}\.tmp")


def existing_file(path: Path) -> bool:
    """True if ``path`` is a regular file, False if nothing is there; raise OutputRefused for anything else."""
    try:
        found = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(found.st_mode):
        raise OutputRefused(
            f"{path} is a symbolic link: nothing is written through one; remove it or name another file"
        )
    if not stat.S_ISREG(found.st_mode):
        raise OutputRefused(f"{path} is not a regular file: name a file to write")
    return True


def output_folder(path: Path) -> Path:
    """``path``, refused if it is a symbolic link: files are written into a named folder, never through a link.

    A folder that is a link could send secret outputs somewhere its user
    never meant; when in doubt, refuse. Raises
    :class:`~concernshare.errors.OutputRefused`.
    """
    if path.is_symlink():
        raise OutputRefused(f"{path} is a symbolic link: nothing is written through one; name the folder itself")
    return path


def leftovers(folder: Path) -> list[Path]:
    """Temporary files of :func:`write_file` in ``folder``: left by a run killed mid-write, or a running one's.

    They are never a final name (hidden, ending ``.tmp``), so nothing reads
    them as a sealed message; they are not deleted here, since one may be
    another process's file in the making.
    """
    try:
        return sorted(p for p in folder.iterdir() if _TEMPORARY.fullmatch(p.name))
    except OSError:
        return []


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries to the disk, so that a rename survives a power cut."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_file(path: str | os.PathLike[str], data: bytes, *, mode: int = PRIVATE, new: bool = False) -> None:
    """Write ``data`` to ``path`` atomically and durably; ``new`` refuses an existing file.

    ``mode`` :data:`PRIVATE` is set exactly; any other mode is reduced by the
    umask. Raises :class:`~concernshare.errors.OutputRefused` if ``path`` is
    a symbolic link or not a regular file (or, with ``new``, exists at all),
    and :class:`OSError` from the file system (a missing folder, a full
    disk); in every case the final name is left as it was.
    """
    target = Path(path)
    if existing_file(target) and new:
        raise OutputRefused(f"{target} exists: it is never overwritten")
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")  # matches _TEMPORARY
    try:
        descriptor = os.open(temporary, _CREATE, mode)
        try:
            try:
                if mode == PRIVATE:
                    os.fchmod(descriptor, PRIVATE)
                _write_all(descriptor, data)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            _place(temporary, target, new=new)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        _sync_folder(target.parent)
    except OSError as error:  # named by the file asked for, not by the temporary one
        if error.errno is None:
            raise
        raise OSError(error.errno, error.strerror, str(target)) from None


def _place(temporary: Path, target: Path, *, new: bool) -> None:
    """Give the written file its final name: a rename replaces a name and never writes through a link."""
    if new:
        try:
            os.link(temporary, target, follow_symlinks=False)
        except FileExistsError:
            raise OutputRefused(f"{target} exists: it is never overwritten") from None
        return
    existing_file(target)
    temporary.replace(target)


def prepare_database(path: str | os.PathLike[str]) -> None:
    """Create the SQLite file ``path`` with mode 0600 if it is missing; refuse links at it or its journals.

    Raises :class:`~concernshare.errors.OutputRefused` and :class:`OSError` as :func:`write_file` does.
    """
    target = Path(path)
    there = existing_file(target)
    for journal in _JOURNALS:  # named as SQLite names them: the store's path and a suffix
        existing_file(Path(f"{path}{journal}"))
    if there:
        return
    try:
        descriptor = os.open(target, _CREATE, PRIVATE)
    except FileExistsError:  # made by another process meanwhile: check what it is
        existing_file(target)
        return
    try:
        os.fchmod(descriptor, PRIVATE)
    finally:
        os.close(descriptor)
