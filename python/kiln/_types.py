"""The plain Python types of Kiln's API: params, diagnostics and the exceptions.

They live here, in pure Python, so they can subclass built-in exceptions; the extension
module (``kiln._kiln``) builds and raises them.
"""

from __future__ import annotations

import builtins
from typing import List, NamedTuple, Optional, Sequence


class Param(NamedTuple):
    """One input of a program (a ``param`` declaration): its name and Kiln type.

    ``type`` is written as Kiln writes it: ``f64``, ``i32``, ``string?``, ``[f64]``...
    """

    name: str
    type: str

    @property
    def optional(self) -> bool:
        """Whether the param takes ``none`` (its type is ``T?``): Python ``None`` and
        Arrow nulls are passed to the program instead of making the row's result null."""
        return self.type.endswith("?")


class Diagnostic(NamedTuple):
    """One compiler message: ``severity`` (``"error"`` or ``"warning"``), its stable
    ``code`` (``E0203``; ``kiln explain CODE`` explains it), the one-line ``message``,
    and where it points in the source (``line`` and ``column``, from 1)."""

    severity: str
    code: str
    message: str
    line: int
    column: int


class KilnError(Exception):
    """Base class of the errors Kiln raises about a program (not about bad arguments:
    those are ``TypeError`` and ``ValueError``)."""


class CompileError(KilnError, ValueError):
    """The program does not compile.

    ``str(error)`` is the report ``kiln check`` prints (each error with its code, drawn
    over the source); ``diagnostics`` lists them one by one.
    """

    report: str
    diagnostics: List[Diagnostic]

    def __init__(self, report: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        # (Only the report is needed: libraries that re-raise an error from a worker
        # thread, such as polars, rebuild it from its message.)
        super().__init__(report)
        self.report = report
        self.diagnostics = list(diagnostics)

    def __reduce__(self):  # copies and pickles (polars re-raises a UDF's error)
        return (type(self), (self.report, self.diagnostics))

    @property
    def codes(self) -> List[str]:
        """The codes of the errors, in order (``["E0203"]``)."""
        return [d.code for d in self.diagnostics]


class RuntimeError(KilnError, builtins.RuntimeError):
    """A runtime fault: a division by zero, an index out of bounds, a failed conversion...

    ``code`` is the fault's stable code (``E0601``), ``message`` its one-line message,
    ``row`` the row it happened in (0-based, counted over the whole input of
    ``Program.run``; ``None`` for a one-row call), ``line`` and ``column`` where in the
    source. ``str(error)`` is the full report, drawn over the source as ``kiln run``
    prints it. Rows before the faulting one ran; nothing is returned.
    """

    code: str
    message: str
    row: Optional[int]
    line: int
    column: int
    report: str

    def __init__(
        self,
        report: str,
        code: str = "",
        message: str = "",
        row: Optional[int] = None,
        line: int = 0,
        column: int = 0,
    ) -> None:
        super().__init__(report)
        self.report = report
        self.code = code
        self.message = message
        self.row = row
        self.line = line
        self.column = column

    def __reduce__(self):  # copies and pickles (polars re-raises a UDF's error)
        args = (self.report, self.code, self.message, self.row, self.line, self.column)
        return (type(self), args)
