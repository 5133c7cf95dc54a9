"""One-row calls: Python values in and out by the params' types, and faults."""

import datetime as dt
import threading

import pytest

import kiln


def test_floats_and_ints_by_position_and_by_name():
    p = kiln.compile("param a: f64; param b: f64; (a * 1.8 + b) / 2")
    assert p(10.0, 2.0) == 10.0
    assert p(a=10.0, b=2.0) == 10.0
    assert p(10, b=2) == 10.0  # an int is a float's value
    q = kiln.compile("param n: i64; param k: u8; n * i64(k)")
    assert q(-7, 3) == -21
    assert isinstance(q(1, 1), int)


def test_bad_arguments_are_type_and_value_errors():
    p = kiln.compile("param a: f64; param k: u8; a + f64(k)")
    with pytest.raises(TypeError, match="missing a value for param `k`"):
        p(1.0)
    with pytest.raises(TypeError, match="no param `c`; its params are a, k"):
        p(1.0, 2, c=3)
    with pytest.raises(TypeError, match="given twice"):
        p(1.0, 2, a=1.0)
    with pytest.raises(TypeError, match="takes 2 param"):
        p(1.0, 2, 3)
    with pytest.raises(TypeError, match=r"param `a` has type f64, but a Python str"):
        p("1.0", 2)
    with pytest.raises(TypeError, match="param `k` has type u8, but a Python float"):
        p(1.0, 2.5)
    with pytest.raises(TypeError, match="bool"):
        p(True, 2)
    with pytest.raises(ValueError, match=r"param `k`: 300 is out of range for u8 \(0 to 255\)"):
        p(1.0, 300)
    with pytest.raises(TypeError, match="does not take None"):
        p(None, 2)


def test_bools_strings_optionals_and_lists():
    assert kiln.compile("param b: bool; !b")(False) is True
    s = kiln.compile('param s: string; upper(s) + "!"')
    assert s("héllo") == "HÉLLO!"
    opt = kiln.compile("param x: f64?; x ?? -1.0")
    assert opt(None) == -1.0 and opt(2.5) == 2.5
    maybe = kiln.compile("param x: i64; if(x > 0, x, none)")
    assert maybe(3) == 3 and maybe(-3) is None
    lists = kiln.compile("param xs: [f64]; param k: i64; map(xs, x -> x * f64(k))")
    assert lists([1.0, 2.5], 2) == [2.0, 5.0]
    assert lists((1, 2), 3) == [3.0, 6.0]
    with pytest.raises(TypeError, match="element 1 of param `xs`"):
        lists([1.0, "x"], 2)
    nested = kiln.compile("param xs: [f64?]; len(filter(xs, x -> is_some(x)))")
    assert nested([1.0, None, 3.0]) == 2


def test_timestamps_and_durations():
    p = kiln.compile("param t: timestamp; param d: duration; t + d")
    start = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    out = p(start, dt.timedelta(hours=36, microseconds=5))
    assert out == dt.datetime(2024, 3, 3, 0, 0, 0, 5, tzinfo=dt.timezone.utc)
    assert out.tzinfo is not None
    # A naive datetime is UTC; an aware one is converted.
    assert p(dt.datetime(2024, 3, 1, 12), dt.timedelta(0)) == start
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert p(dt.datetime(2024, 3, 1, 14, tzinfo=plus_two), dt.timedelta(0)) == start
    year = kiln.compile("param t: timestamp; year(t)")
    assert year(start) == 2024
    span = kiln.compile("param a: timestamp; param b: timestamp; b - a")
    assert span(start, start + dt.timedelta(days=2)) == dt.timedelta(days=2)
    with pytest.raises(TypeError, match="datetime"):
        year("2024-01-01")


def test_a_fault_is_kiln_runtime_error_with_code_message_and_no_row():
    p = kiln.compile("param a: i64; param b: i64;\na / b")
    with pytest.raises(kiln.RuntimeError) as info:
        p(1, 0)
    error = info.value
    assert error.code == "E0601"
    assert error.message == "division by zero: `1 / 0`"
    assert error.row is None
    assert (error.line, error.column) == (2, 1)
    assert str(error).startswith("error[E0601]: division by zero")
    assert "the divisor is zero" in str(error)
    assert isinstance(error, RuntimeError) and isinstance(error, kiln.KilnError)
    # The program stays usable.
    assert p(6, 3) == 2


def test_threads_share_one_program():
    p = kiln.compile("param n: i64; fn f(k: i64) -> i64 = if(k < 2, k, f(k - 1) + f(k - 2)); f(n)")
    results = {}

    def work(i):
        results[i] = [p(n) for n in range(15, 20)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == [610, 987, 1597, 2584, 4181] for r in results.values())
    assert len(results) == 4
