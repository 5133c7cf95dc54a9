"""kiln.set_num_threads: a batch cut into slices on several threads; Python threads."""

import threading

import numpy as np
import pyarrow as pa
import pytest

import kiln


@pytest.fixture
def threads():
    previous = kiln.set_num_threads(4)
    yield
    kiln.set_num_threads(previous)


def test_default_and_bad_settings():
    assert kiln.get_num_threads() >= 1
    with pytest.raises(ValueError):
        kiln.set_num_threads(0)


def test_sliced_runs_give_the_same_results(threads):
    assert kiln.get_num_threads() == 4
    rng = np.random.default_rng(3)
    a = rng.uniform(-10, 10, 300_001)
    p = kiln.compile("param a: f64; if(a > 0.0, sqrt(a), none)")
    out = p.run(a=a)
    expected = np.where(a > 0, np.sqrt(np.abs(a)), 0)
    assert out.mask.tolist() == (a <= 0).tolist()
    np.testing.assert_array_equal(out.filled(0), expected)
    table = pa.table({"a": a})
    assert p.run(table).to_pylist() == out.tolist()


def test_a_fault_reports_the_first_faulting_row_in_input_order(threads):
    b = np.ones(400_000, dtype=np.int64)
    b[[150_000, 350_000]] = 0
    p = kiln.compile("param a: i64; param b: i64; a / b")
    with pytest.raises(kiln.RuntimeError) as info:
        p.run(a=np.arange(400_000), b=b)
    assert info.value.row == 150_000


def test_python_threads_run_batches_at_once():
    p = kiln.compile("param a: f64; a * 2.0 + 1.0")
    a = np.arange(200_000, dtype=np.float64)
    results = [None] * 4

    def work(i):
        results[i] = p.run(a=a + i)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for i, out in enumerate(results):
        np.testing.assert_array_equal(out, (a + i) * 2.0 + 1.0)
