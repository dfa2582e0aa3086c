"""Typed errors and the stable exit codes of the `dossier` command.

Every error names the stage it happened in and, where there is one, what the
user can do about it. `code` is a short machine-readable reason stored on
failed batches (and counted by `dossier stats`); the message is the one line
an operator reads.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    """Exit codes are an interface: scripts at district offices depend on them."""

    OK = 0
    BATCH_FAILED = 1  # at least one input ended as a failed batch
    USAGE = 2  # bad command line (argparse uses 2 as well)
    NOT_FOUND = 3  # the document or batch asked for does not exist
    CONFIG = 4  # the configuration or catalog is invalid
    STORE = 5  # the database is unreachable or its schema is not current
    INTERRUPTED = 130  # stopped by Ctrl-C / SIGTERM


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
        return " ".join(text.split())

    def with_context(self, *, stage: Stage | None = None, path: str | None = None) -> "DossierError":
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


class UsageError(DossierError):
    code = "usage"
    exit_code = ExitCode.USAGE


# --- the queue's own verdicts ---------------------------------------------


class WorkerLost(DossierError):
    """The process working on a batch died (killed, out of memory, power cut) too many times."""

    code = "worker_lost"


class InternalError(DossierError):
    """A bug: the batch fails with it instead of the daemon."""

    code = "internal"
