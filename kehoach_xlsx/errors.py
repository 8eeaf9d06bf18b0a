"""One error hierarchy: every KehoachError carries a Vietnamese message shown as is."""

from __future__ import annotations


class KehoachError(Exception):
    """A problem the user can fix; str(err) is Vietnamese, shown without a traceback."""

    exit_code = 1


class InputFileError(KehoachError, OSError):
    """A file we were given is missing, unreadable, too large or of the wrong kind."""

    exit_code = 2


class PlanFormatError(KehoachError, ValueError):
    """A plan document we can open but cannot understand (empty, no tasks, corrupt)."""

    exit_code = 3


class DeadlineError(KehoachError, ValueError):
    """A deadline phrase or period we cannot understand where one is required."""

    exit_code = 2


class RegistryError(KehoachError, ValueError):
    """The unit registry is missing, unreadable or inconsistent."""

    exit_code = 3


class WorkspaceError(KehoachError):
    """The tracking workspace is missing, incomplete or would be overwritten."""

    exit_code = 4


class ReturnedFileError(KehoachError, ValueError):
    """A returned workbook we cannot read, or one we did not send."""

    exit_code = 5


class MailError(KehoachError):
    """The mail server refused us or the mail settings are incomplete."""

    exit_code = 6


class FileAccessError(KehoachError, OSError):
    """A file of the workspace could not be written or read: disk full, no permission, or
    open in another program (Excel on Windows locks the files it has open)."""

    exit_code = 74  # EX_IOERR


class WorkspaceBusyError(KehoachError):
    """Another kehoach run holds the workspace; try again when it has finished."""

    exit_code = 75  # EX_TEMPFAIL: try again later
