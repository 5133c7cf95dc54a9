"""Type stubs of the extension module ``kiln._kiln`` (its names are re-exported by
``kiln``)."""

from typing import Any, Mapping, Optional, Protocol, Tuple, Union

from ._types import Diagnostic, Param

__version__: str

class ArrowArrayExportable(Protocol):
    """Anything with the Arrow PyCapsule protocol's ``__arrow_c_array__`` (a pyarrow
    ``Array`` or ``RecordBatch``, a nanoarrow array...)."""

    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[object, object]: ...

class ArrowStreamExportable(Protocol):
    """Anything with ``__arrow_c_stream__`` (a pyarrow ``Table``, ``ChunkedArray`` or
    ``RecordBatchReader``, a polars ``DataFrame`` or ``Series``, a DuckDB relation, a
    pandas ``DataFrame``...)."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...

Table = Union[ArrowStreamExportable, ArrowArrayExportable, Mapping[str, Any]]

def compile(
    source: str,
    /,
    *,
    name: str = "<input>",
    opt_level: int = 2,
    fast_math: bool = False,
    overflow: str = "wrap",
) -> Program:
    """Compile a Kiln program (the GIL is released while LLVM works).

    ``name`` is the file name diagnostics show; ``opt_level`` is LLVM's optimisation
    level (0 to 3); ``fast_math`` lets LLVM reassociate float arithmetic; ``overflow``
    is ``"wrap"`` (integer ``+ - *`` wrap around) or ``"trap"`` (they fault, E0617).

    Raises :class:`kiln.CompileError`, whose text is the report ``kiln check`` prints.
    """

def set_num_threads(n: int) -> int:
    """Run each batch of :meth:`Program.run` on ``n`` threads (default 1); a batch of
    fewer than 65 536 rows per thread uses fewer. Returns the previous setting."""

def get_num_threads() -> int:
    """The number of threads a batch of :meth:`Program.run` runs on."""

class Program:
    """A compiled Kiln program: immutable, and safe to call from many threads at once
    (the GIL is released while it runs)."""

    @property
    def params(self) -> list[Param]:
        """The params, in order: ``Param(name, type)`` with the Kiln type as text."""
    @property
    def output_type(self) -> Optional[str]:
        """The result's Kiln type (``"f64"``, ``"string?"``...), ``None`` if it has none."""
    @property
    def source(self) -> str:
        """The source text."""
    @property
    def warnings(self) -> list[Diagnostic]:
        """Warnings found while compiling."""
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run one row: values by position (in the params' order) or by name.

        Python ``bool``, ``int``, ``float``, ``str``, ``None`` (for ``T?`` params),
        ``list``/``tuple`` (for ``[T]``), ``datetime.datetime`` (``timestamp``; naive
        means UTC) and ``datetime.timedelta`` (``duration``) are converted by the
        param's type; a value that does not fit raises ``TypeError`` or ``ValueError``.
        A runtime fault raises :class:`kiln.RuntimeError` (``row`` is ``None``).
        """
    def run(self, data: Optional[Table] = None, /, **columns: Any) -> Any:
        """Run over many rows in a compiled loop, with the GIL released.

        ``data`` is a table whose columns bind to the params by name: anything with
        ``__arrow_c_stream__`` or ``__arrow_c_array__`` (read through the Arrow C data
        interface, without a copy), or a ``dict`` of columns. Keyword arguments give
        columns (numpy arrays, read in place; Arrow arrays; polars ``Series``) or scalars,
        which are broadcast; with a table, only scalars.

        The result is made for the caller's library: numpy arrays in, a numpy array out
        (a ``numpy.ma.MaskedArray`` when it has nulls, an ``object`` array for strings and
        lists); a pyarrow ``RecordBatch``/``Array`` in, a ``pyarrow.Array``; a pyarrow
        ``Table`` or stream in, a ``pyarrow.ChunkedArray`` (a chunk per batch); polars in,
        a ``polars.Series``; any other Arrow producer, pyarrow if it can be imported, else
        a :class:`ArrowArray`/:class:`ArrowStream`.

        A null in a column of a non-optional param makes the row's result null without
        running it; an optional (``T?``) param gets ``none``. A runtime fault raises
        :class:`kiln.RuntimeError` with the row, counted over the whole input.
        """

class ArrowArray:
    """A result column as one Arrow array, exported through ``__arrow_c_array__``
    without a copy: ``pyarrow.array(r)``, ``polars.Series(r)``."""

    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[object, object]: ...
    def __arrow_c_schema__(self) -> object: ...
    def __len__(self) -> int: ...
    @property
    def type(self) -> str:
        """The Arrow type as arrow-rs writes it (``Float64``, ``Utf8``...)."""
    @property
    def null_count(self) -> int: ...

class ArrowStream:
    """A result column in chunks (one per input batch), exported through
    ``__arrow_c_stream__``: ``pyarrow.chunked_array(r)``, ``polars.Series(r)``."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...
    def __len__(self) -> int: ...
    @property
    def chunks(self) -> list[ArrowArray]: ...
    @property
    def type(self) -> str: ...

def _column_address(array: Any) -> int:
    """For tests: the address of the values Kiln reads for a numpy array."""

def _compile_again(
    source: str, name: str, opt_level: int, fast_math: bool, overflow: str
) -> Program:
    """``compile`` with positional arguments, for unpickling a :class:`Program`."""
