"""p.run over numpy arrays: read in place, results handed to numpy without a copy."""

import numpy as np
import pytest

import kiln
from kiln import _kiln

FORMULA = "param a: f64; param b: f64; param c: f64; (a * 1.8 + b) / (c + 1.0) - log(a + 1.0)"


def columns(n=10_000, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, n), rng.uniform(0, 100, n), rng.uniform(0, 100, n)


def test_float_columns_agree_with_numpy():
    a, b, c = columns()
    p = kiln.compile(FORMULA)
    out = p.run(a=a, b=b, c=c)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == a.shape
    # Within an ulp or two of numpy (its log is the C library's, Kiln's the libm crate's).
    np.testing.assert_allclose(out, (a * 1.8 + b) / (c + 1.0) - np.log(a + 1.0), atol=1e-13)
    # A dict of columns is the same.
    np.testing.assert_array_equal(p.run({"a": a, "b": b, "c": c}), out)


def test_inputs_are_read_in_place_and_the_result_is_not_copied():
    a, b, c = columns()
    # What Kiln reads for each column is the array's own memory.
    for array in (a, b, c, np.arange(10, dtype=np.int32), np.zeros(3, dtype=np.uint8)):
        assert _kiln._column_address(array) == array.ctypes.data
    # ...also for a slice that is contiguous, but not for a strided one (copied).
    assert _kiln._column_address(a[10:20]) == a[10:20].ctypes.data
    assert _kiln._column_address(a[::2]) != a[::2].ctypes.data
    # The result is the buffer Kiln wrote, handed over: numpy did not allocate it.
    out = kiln.compile(FORMULA).run(a=a, b=b, c=c)
    assert not out.flags.owndata and out.base is not None
    assert not isinstance(out.base, np.ndarray)
    # Inputs are untouched.
    assert np.array_equal(a, columns()[0])


def test_strided_and_read_only_arrays():
    a, b, c = columns(1000)
    p = kiln.compile(FORMULA)
    expected = p.run(a=a[::2].copy(), b=b[::2].copy(), c=c[::2].copy())
    np.testing.assert_array_equal(p.run(a=a[::2], b=b[::2], c=c[::2]), expected)
    frozen = a.copy()
    frozen.setflags(write=False)
    np.testing.assert_array_equal(p.run(a=frozen, b=b, c=c), p.run(a=a, b=b, c=c))


def test_integer_bool_and_scalar_columns():
    n = np.arange(-5, 5, dtype=np.int64)
    k = np.full(10, 3, dtype=np.int32)
    p = kiln.compile("param n: i64; param k: i32; param flip: bool; if(flip, -n * i64(k), n)")
    flip = (np.arange(10) % 2) == 0
    out = p.run(n=n, k=k, flip=flip)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, np.where(flip, -n * 3, n))
    # A scalar is broadcast; a 0-d array is a scalar too.
    np.testing.assert_array_equal(p.run(n=n, k=np.int32(3), flip=True), -n * 3)
    np.testing.assert_array_equal(p.run(n=n, k=np.array(3), flip=flip), out)
    bools = kiln.compile("param x: f64; x > 0.5").run(x=np.array([0.1, 0.9]))
    assert bools.dtype == np.bool_ and bools.tolist() == [False, True]


def test_results_of_other_types():
    x = np.array([1.5, -2.0, 4.0])
    as_f32 = kiln.compile("param x: f64; f32(x)").run(x=x)
    assert as_f32.dtype == np.float32
    texts = kiln.compile('param x: f64; format("{:.1}", x)').run(x=x)
    assert texts.dtype == object and texts.tolist() == ["1.5", "-2.0", "4.0"]
    maybe = kiln.compile("param x: f64; if(x > 0.0, sqrt(x), none)").run(x=x)
    assert isinstance(maybe, np.ma.MaskedArray)
    assert maybe.mask.tolist() == [False, True, False]
    assert maybe.compressed().tolist() == [np.sqrt(1.5), 2.0]
    lists = kiln.compile("param x: f64; [x, x * 2.0]").run(x=x[:2])
    assert lists.dtype == object and lists.tolist() == [[1.5, 3.0], [-2.0, -4.0]]


def test_datetime64_and_timedelta64():
    t = np.array(["2024-01-01T00:00", "2025-06-30T12:00", "NaT"], dtype="datetime64[s]")
    years = kiln.compile("param t: timestamp; year(t)").run(t=t)
    # NaT is null: a non-optional param makes that row's result null.
    assert isinstance(years, np.ma.MaskedArray)
    assert years.tolist() == [2024, 2025, None]
    later = kiln.compile("param t: timestamp; param d: duration; t + d").run(
        t=t[:2], d=np.array([1, 2], dtype="timedelta64[h]")
    )
    assert later.dtype == np.dtype("datetime64[ns]")
    assert later.tolist() == list(
        np.array(["2024-01-01T01:00", "2025-06-30T14:00"], dtype="datetime64[ns]").tolist()
    )
    # Coarser units are converted (by numpy, to seconds).
    days = np.array(["2024-02-29", "1999-12-31"], dtype="datetime64[D]")
    assert kiln.compile("param t: timestamp; day(t)").run(t=days).tolist() == [29, 31]
    with pytest.raises(TypeError, match="generic timedelta64 without a unit"):
        kiln.compile("param d: duration; d").run(d=np.array([1], dtype="timedelta64"))


def test_string_columns_from_numpy_are_copied_and_none_is_null():
    s = np.array(["a", "bcd", None], dtype=object)
    p = kiln.compile("param s: string?; len(s ?? \"\")")
    assert p.run(s=s).tolist() == [1, 3, 0]
    assert kiln.compile("param s: string; upper(s)").run(s=np.array(["x", "yz"])).tolist() == [
        "X",
        "YZ",
    ]


def test_wrong_dtypes_shapes_and_lengths():
    p = kiln.compile("param a: f64; param b: f64; a + b")
    ok = np.ones(3)
    with pytest.raises(TypeError, match=r"column `a` is Int64, but its param has type f64"):
        p.run(a=np.arange(3), b=ok)
    with pytest.raises(ValueError, match="2 dimensions"):
        p.run(a=np.ones((2, 2)), b=ok)
    with pytest.raises(ValueError, match="columns differ in length"):
        p.run(a=np.ones(4), b=ok)
    with pytest.raises(TypeError, match="missing a column for param `b`"):
        p.run(a=ok)
    with pytest.raises(TypeError, match="no param `x`"):
        p.run(a=ok, b=ok, x=ok)
    with pytest.raises(TypeError, match="at least one column"):
        p.run(a=1.0, b=2.0)
    with pytest.raises(TypeError, match="complex128"):
        p.run(a=np.ones(3, dtype=complex), b=ok)


def test_a_fault_mid_batch_names_its_row():
    p = kiln.compile("param a: i64; param b: i64; a / b")
    b = np.ones(100_000, dtype=np.int64)
    b[77_777] = 0
    with pytest.raises(kiln.RuntimeError) as info:
        p.run(a=np.arange(100_000), b=b)
    assert (info.value.code, info.value.row) == ("E0601", 77_777)
    assert info.value.message == "division by zero: `77777 / 0`"
    assert str(info.value).startswith("in row 77777: error[E0601]")
