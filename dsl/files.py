"""Every file goalline writes (minutes, a formatted plan, `goalline.toml`) is written here:
whole or not at all, never through a link someone planted, with the permissions a person
expects.

The text goes to a new file of a random name beside the target, created exclusively
(`O_EXCL`, `O_NOFOLLOW`: a name planted in the folder beforehand is never opened), synced,
and renamed over the target. A rename replaces a symbolic link at the target's name, never
what it points to. A file that existed keeps its mode (and its group, where the writer may
set it); a new one gets the usual permissions (the umask's), as any program's would.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

TRIES = 16  # random names tried before giving up (a clash is a 1 in 2**64 chance each)


def write_file(path: str | Path, text: str) -> None:
    """Replace the file at `path` with `text` (UTF-8, line ends as given) in one step.
    Raises `OSError` (with the temporary file removed) when the folder refuses."""
    target = Path(path)
    try:
        was = target.lstat()
    except FileNotFoundError:
        was = None
    kept = was if was is not None and stat.S_ISREG(was.st_mode) else None
    handle, partial = _create_beside(target, stat.S_IMODE(kept.st_mode) if kept else 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            if kept is not None:
                # The mode asked for at creation passed through the umask; say it exactly.
                os.fchmod(out.fileno(), stat.S_IMODE(kept.st_mode))
                with contextlib.suppress(OSError):  # allowed only to a member of the group
                    os.fchown(out.fileno(), -1, kept.st_gid)
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())  # the rename must not land before the text does
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def resolved(path: str | Path) -> Path:
    """The file a name leads to through symbolic links: what `fmt` rewrites when a plan is a
    link (the link stays a link, its target is formatted)."""
    return Path(os.path.realpath(path))


def _create_beside(target: Path, mode: int) -> tuple[int, str]:
    """A new, empty file of a random hidden name in the target's folder, open for writing.

    Not `tempfile.mkstemp`: it always creates mode 0600, which turned a shared 0664 plan
    into one only its formatter could read; opening with `O_EXCL` here lets the umask apply
    as for any new file, with the same guarantee that the name was nobody's before."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(TRIES):
        partial = str(target.with_name(f".{target.name}.{secrets.token_hex(8)}.partial"))
        try:
            return os.open(partial, flags, mode), partial
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")
