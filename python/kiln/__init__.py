"""Kiln for Python: compile a typed Kiln expression once, run it at native speed over
one row, numpy arrays, or Arrow tables (pyarrow, polars, DuckDB) without copying.

>>> import kiln
>>> p = kiln.compile("param a: f64; param b: f64; (a * 1.8 + b) / 2")
>>> p(a=10.0, b=2.0)
10.0
>>> [(q.name, q.type) for q in p.params], p.output_type
([('a', 'f64'), ('b', 'f64')], 'f64')

``p.run(a=numpy_array, b=numpy_array)`` returns a numpy array; ``p.run(table)`` takes a
pyarrow ``Table``/``RecordBatch``, a polars ``DataFrame`` or anything with
``__arrow_c_stream__``/``__arrow_c_array__`` and returns a column of the caller's
library. A runtime fault raises :class:`kiln.RuntimeError` (``code``, ``message``,
``row``); a program that does not compile raises :class:`kiln.CompileError`. See
``python/README.md``.
"""

from ._types import CompileError, Diagnostic, KilnError, Param, RuntimeError
from ._kiln import (
    ArrowArray,
    ArrowStream,
    Program,
    __version__,
    compile,
    get_num_threads,
    set_num_threads,
)

__all__ = [
    "ArrowArray",
    "ArrowStream",
    "CompileError",
    "Diagnostic",
    "KilnError",
    "Param",
    "Program",
    "RuntimeError",
    "__version__",
    "compile",
    "get_num_threads",
    "set_num_threads",
]
