"""Typed errors and the stable exit codes of the `dossier` command.

Every error names the stage it happened in and, where there is one, what the
user can do about it. `code` is a short machine-readable reason stored on
failed batches (and counted by `dossier stats`); the message is the one line
an operator reads.
"""

from __future__ import annotations

import errno
import os
from enum import IntEnum, StrEnum

from pipeline.i18n import N_, _


class ExitCode(IntEnum):
    """Exit codes are an interface: scripts at district offices depend on them (README, "Exit codes")."""

    OK = 0
    BATCH_FAILED = 1  # at least one input ended as a failed batch, or could not be taken
    USAGE = 2  # bad command line (argparse uses 2 as well)
    NOT_FOUND = 3  # the document or batch asked for does not exist
    CONFIG = 4  # the configuration or catalog is invalid, or a tool it needs is not installed
    STORE = 5  # the database is unreachable, did not answer in time, or its schema is not current
    SYSTEM = 6  # the machine refused: disk full, a file or folder that cannot be read or written, out of memory
    FORBIDDEN = 7  # the command is beyond the role of the account running it ([roles] in the configuration)
    INTERNAL = 70  # a bug (EX_SOFTWARE): `--debug` shows the traceback to report
    INTERRUPTED = 130  # stopped by Ctrl-C / SIGTERM
    PIPE_CLOSED = 141  # the reader of the output went away (`| head`): 128 + SIGPIPE, as other tools


def printable(text: str) -> str:
    """`text` with the undecodable bytes of a file name shown as `\\xff`.

    A name that is not UTF-8 reaches Python as lone surrogates (PEP 383); they can be
    neither printed to a UTF-8 stream nor stored in the database. Shown escaped, the
    name still tells the operator which file it was, and the same name always gives
    the same text.
    """
    if text.isascii():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no file name produces (from JSON, say)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


class Stage(StrEnum):
    INTAKE = "intake"
    RASTERIZE = "rasterize"
    OCR = "ocr"
    SPLIT = "split"
    CLASSIFY = "classify"
    EXTRACT = "extract"
    INDEX = "index"


class DossierError(Exception):
    """Base of all errors dossier reports to users.

    Whether retrying can help is decided by the class alone: transient errors
    derive from `TransientError`, and `transient` mirrors that for code that
    holds an error rather than catching it (the queue's retry decision).
    """

    code: str = "error"
    exit_code: ExitCode = ExitCode.BATCH_FAILED

    @property
    def transient(self) -> bool:
        return isinstance(self, TransientError)

    def __init__(
        self,
        message: str,
        *,
        stage: Stage | None = None,
        remedy: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage
        self.remedy = remedy
        self.path = path

    def one_line(self) -> str:
        """`file: stage: reason (remedy)` on one line, as printed and stored."""
        parts = [p for p in (self.path, self.stage and self.stage.value) if p]
        text = ": ".join([*parts, self.message])
        if self.remedy:
            text += f" ({self.remedy})"
        return printable(" ".join(text.split()))

    def with_context(self, *, stage: Stage | None = None, path: str | None = None) -> DossierError:
        """Fill in stage and path where the raising code did not know them."""
        self.stage = self.stage or stage
        self.path = self.path or path
        return self

    def __str__(self) -> str:
        return self.one_line()


# --- bad input: permanent, retrying cannot help ---------------------------


class InputError(DossierError):
    code = "bad_input"


class EmptyFile(InputError):
    code = "empty"


class UnsupportedFile(InputError):
    code = "unsupported"


class CorruptFile(InputError):
    code = "corrupt"


class EncryptedFile(InputError):
    code = "encrypted"


class TooLarge(InputError):
    code = "too_large"


class NoContent(InputError):
    code = "no_content"


# --- transient: retried with backoff --------------------------------------


class TransientError(DossierError):
    """Retrying later may succeed: the queue retries with backoff, intake leaves the entry in the inbox."""

    code = "transient"


class IncompleteFile(TransientError):
    """The file changed while it was being archived: still being copied."""

    code = "incomplete"


class OcrTimeout(TransientError):
    code = "ocr_timeout"


class OutOfMemory(TransientError):
    code = "out_of_memory"


class StoreUnavailable(TransientError):
    code = "store_unavailable"
    exit_code = ExitCode.STORE


class DiskFull(TransientError):
    """A disk (the archive's, the store's, an export's) has no space left: nothing was lost, retried later."""

    code = "disk_full"
    exit_code = ExitCode.SYSTEM


class ArchiveError(TransientError):
    """An archived original is missing or does not match its SHA-256 (a failing disk, a lost mount).

    Never the input's fault, so never a permanent failure of the batch: it is
    retried, and the admin mends the disk or restores the archive meanwhile.
    """

    code = "archive"


class ToolMissing(TransientError):
    """An external program (poppler, Tesseract) or its data is not installed: retried once it is."""

    code = "tool_missing"
    exit_code = ExitCode.CONFIG


# --- operator / admin errors ----------------------------------------------


class ConfigError(DossierError):
    code = "config"
    exit_code = ExitCode.CONFIG


class StoreError(DossierError):
    code = "store"
    exit_code = ExitCode.STORE


class NotFound(DossierError):
    code = "not_found"
    exit_code = ExitCode.NOT_FOUND


class OtherOffice(NotFound):
    """What was asked for is another office's: outside this command's scope, or kept in that office's archive."""

    code = "other_office"


class UsageError(DossierError):
    code = "usage"
    exit_code = ExitCode.USAGE


class RoleRequired(DossierError):
    """A command beyond the role of the account running it (pipeline.roles)."""

    code = "forbidden"
    exit_code = ExitCode.FORBIDDEN


class SystemFailure(DossierError):
    """The machine refused what a command asked of it (a folder that cannot be written, an I/O error)."""

    code = "system"
    exit_code = ExitCode.SYSTEM


# --- the queue's own verdicts ---------------------------------------------


class WorkerLost(DossierError):
    """The process working on a batch died (killed, out of memory, power cut) too many times."""

    code = "worker_lost"


class InternalError(DossierError):
    """A bug: the batch fails with it instead of the daemon."""

    code = "internal"
    exit_code = ExitCode.INTERNAL


# --- errors that are not ours, said as ours ------------------------------------

_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_REFUSED = {  # translated when raised (N_ marks them for the catalog)
    errno.EACCES: (N_("permission denied"), N_("check that this account may read or write it")),
    errno.EPERM: (N_("operation not permitted"), N_("check that this account may read or write it")),
    errno.EROFS: (N_("the file system is read-only"), N_("choose a folder on a writable disk")),
    errno.EIO: (N_("input/output error"), N_("check the disk (dmesg); it may be failing")),
}


def from_os_error(exc: OSError, *, stage: Stage | None = None, path: str | None = None) -> DossierError:
    """The typed error for what the operating system refused: a full disk is transient, the rest is not."""
    name = exc.filename
    where = path or (printable(os.fsdecode(name)) if isinstance(name, (str, bytes, os.PathLike)) else None)
    if exc.errno in _NO_SPACE:
        return DiskFull(_("no space left on the disk"), stage=stage, path=where,
                        remedy=_("free some space (or raise the quota); nothing was lost, run it again then"))
    if exc.errno in _REFUSED:
        reason, remedy = _REFUSED[exc.errno]
        return SystemFailure(_(reason), stage=stage, path=where, remedy=_(remedy))
    return SystemFailure(exc.strerror or type(exc).__name__, stage=stage, path=where)


def as_dossier_error(exc: BaseException) -> DossierError:
    """Any exception as the one-line typed error the command line reports."""
    if isinstance(exc, DossierError):
        return exc
    if isinstance(exc, OSError):
        return from_os_error(exc)
    if isinstance(exc, MemoryError):
        return OutOfMemory(_("ran out of memory"), remedy=_("close other programs, or lower limits.max_page_pixels"))
    return InternalError(_("internal error: {kind}: {error}").format(kind=type(exc).__name__, error=exc))
