"""p.run over pyarrow tables and arrays through the Arrow C data interface."""

import datetime as dt

import pyarrow as pa
import pytest

import kiln


def test_a_record_batch_gives_an_array_with_nulls_by_sql_rule():
    p = kiln.compile("param price: f64; param qty: i64; price * f64(qty)")
    batch = pa.record_batch(
        {"qty": pa.array([4, None, 8]), "price": pa.array([2.5, 4.0, None]), "x": [1, 2, 3]}
    )
    out = p.run(batch)
    assert isinstance(out, pa.Array) and out.type == pa.float64()
    # A null in a non-optional param's column makes the row's result null.
    assert out.to_pylist() == [10.0, None, None]


def test_optional_params_see_none():
    p = kiln.compile("param x: f64?; param y: f64; (x ?? 100.0) + y")
    t = pa.table({"x": [1.0, None, 3.0], "y": [0.5, 0.5, None]})
    out = p.run(t)
    assert isinstance(out, pa.ChunkedArray)
    assert out.to_pylist() == [1.5, 100.5, None]


def test_a_table_in_chunks_gives_a_chunked_array_chunk_by_chunk():
    p = kiln.compile("param n: i64; n * 2")
    t = pa.Table.from_batches(
        [pa.record_batch({"n": list(range(i * 3, i * 3 + 3))}) for i in range(4)]
    )
    out = p.run(t)
    assert out.num_chunks == 4
    assert out.to_pylist() == [2 * i for i in range(12)]
    assert p.run(t.to_reader()).to_pylist() == out.to_pylist()


@pytest.mark.parametrize("layout", [pa.string(), pa.large_string(), pa.string_view()])
def test_strings_in_every_layout(layout):
    p = kiln.compile('param s: string; param t: string?; upper(s) + "/" + (t ?? "-")')
    t = pa.table(
        {
            "s": pa.array(["ab", "çé", None, "x" * 40], type=layout),
            "t": pa.array([None, "y", "z", "w"], type=layout),
        }
    )
    assert p.run(t).to_pylist() == ["AB/-", "ÇÉ/y", None, "X" * 40 + "/w"]
    # A string column as a keyword argument.
    q = kiln.compile("param s: string; len(s)")
    assert q.run(s=t.column("s")).to_pylist() == [2, 2, None, 40]
    assert q.run(s=t.column("s").chunk(0)).to_pylist() == [2, 2, None, 40]


def test_a_fault_mid_table_names_its_row_over_all_chunks():
    p = kiln.compile("param a: i64; param b: i64; a % b")
    t = pa.Table.from_batches(
        [
            pa.record_batch({"a": [1, 2, 3], "b": [1, 1, 1]}),
            pa.record_batch({"a": [4, 5, 6], "b": [1, 0, 1]}),
        ]
    )
    with pytest.raises(kiln.RuntimeError) as info:
        p.run(t)
    error = info.value
    assert (error.code, error.row) == ("E0601", 4)
    assert "5 % 0" in error.message


def test_scalars_are_broadcast_over_a_table():
    p = kiln.compile("param price: f64; param rate: f64; param label: string; price * rate")
    t = pa.table({"price": [10.0, 20.0], "rate": [9.0, 9.0]})
    # A keyword scalar replaces the column of the same name.
    assert p.run(t, rate=0.5, label="x").to_pylist() == [5.0, 10.0]
    with pytest.raises(TypeError, match="with a table, keyword arguments give scalar values"):
        p.run(t, rate=pa.array([1.0, 2.0]), label="x")


def test_input_that_does_not_fit_the_program():
    p = kiln.compile("param price: f64; param qty: i64; price * f64(qty)")
    with pytest.raises(TypeError, match="no column `qty` for param `qty`; did you mean `qtty`"):
        p.run(pa.table({"price": [1.0], "qtty": [1]}))
    with pytest.raises(TypeError, match="column `qty` is Utf8, but its param has type i64"):
        p.run(pa.table({"price": [1.0], "qty": ["1"]}))
    with pytest.raises(TypeError, match="takes a table"):
        p.run(pa.array([1.0]))
    with pytest.raises(TypeError, match="takes a table"):
        p.run([1.0, 2.0])


def test_timestamps_dictionaries_and_lists():
    t = pa.table(
        {
            "t": pa.array(
                [dt.datetime(2024, 5, 1, 10), None], type=pa.timestamp("ms", tz="Europe/Berlin")
            ),
            "city": pa.array(["Oslo", "Rome"]).dictionary_encode(),
            "xs": pa.array([[1.0, 2.0], [3.0]]),
        }
    )
    p = kiln.compile("param t: timestamp?; param city: string; param xs: [f64]; "
                     'city + " " + string(sum(xs)) + " " + string(year(t) ?? 0)')
    assert p.run(t).to_pylist() == ["Oslo 3.0 2024", "Rome 3.0 0"]
    later = kiln.compile("param t: timestamp; t + hours(2)").run(t)
    assert later.type == pa.timestamp("ns", tz="UTC")
    assert later.to_pylist()[0] == dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)


def test_results_are_exported_without_a_copy():
    p = kiln.compile("param x: f64; x + 1.0")
    out = p.run(x=pa.array([1.0, 2.0, 3.0]))
    assert isinstance(out, pa.Array)
    # pyarrow took over the buffer Kiln wrote: re-importing it reads the same memory.
    again = pa.array(out)
    assert again.buffers()[1].address == out.buffers()[1].address
    assert out.to_pylist() == [2.0, 3.0, 4.0]


def test_kiln_capsule_objects_for_other_consumers():
    p = kiln.compile("param x: f64; x * 10.0")
    nanoarrow_like = kiln.ArrowArray  # the type of results for producers other than pyarrow
    assert hasattr(nanoarrow_like, "__arrow_c_array__")
    # ArrowStream/ArrowArray are what a run returns when pyarrow cannot be imported;
    # pyarrow, polars and others take them over.
    out = p.run(x=pa.array([1.0, None]))
    assert pa.array(out).to_pylist() == [10.0, None]


def test_large_batches_run_in_slices_with_their_nulls_and_types():
    # More rows than one slice (32 768): results are gathered slice by slice.
    n = 100_003
    x = pa.array([None if i % 7 == 3 else float(i) for i in range(n)])
    out = kiln.compile("param x: f64; x * 0.5").run(x=x)
    assert out.type == pa.float64() and len(out) == n
    assert out.to_pylist() == [None if i % 7 == 3 else i * 0.5 for i in range(n)]
    opt = kiln.compile("param x: f64; if(x > 50000.0, none, x)").run(pa.table({"x": x}))
    assert opt.null_count == sum(1 for i in range(n) if i % 7 == 3 or i > 50000)
    base = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    t = pa.array([base + dt.timedelta(seconds=i) for i in range(n)], type=pa.timestamp("us"))
    later = kiln.compile("param t: timestamp; t + secs(60)").run(t=t)
    assert later.type == pa.timestamp("ns", tz="UTC")
    assert later[n - 1].as_py() == base + dt.timedelta(seconds=n - 1 + 60)
