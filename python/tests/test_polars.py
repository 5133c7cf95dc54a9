"""Kiln inside polars: DataFrames in, Series out, and map_batches."""

import polars as pl
import pytest

import kiln


def test_a_dataframe_gives_a_series():
    p = kiln.compile("param a: f64; param b: f64?; a + (b ?? 100.0)")
    df = pl.DataFrame({"a": [1.0, 2.0, None], "b": [1.0, None, 3.0]})
    out = p.run(df)
    assert isinstance(out, pl.Series)
    assert out.to_list() == [2.0, 102.0, None]


def test_map_batches_over_several_columns():
    p = kiln.compile("param price: f64; param qty: i64; param sku: string; "
                     'if(starts_with(sku, "X"), 0.0, price * f64(qty))')
    df = pl.DataFrame(
        {"price": [2.5, 4.0, 1.0], "qty": [4, 2, None], "sku": ["A1", "X9", "B2"]}
    )
    out = df.with_columns(
        total=pl.struct("price", "qty", "sku").map_batches(
            lambda s: p.run(s.struct.unnest()), return_dtype=pl.Float64
        )
    )
    assert out["total"].to_list() == [10.0, 0.0, None]


def test_map_batches_over_one_column_with_a_scalar():
    p = kiln.compile("param x: f64; param k: f64; x * k")
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0]})
    out = df.select(pl.col("x").map_batches(lambda s: p.run(x=s, k=2.0), return_dtype=pl.Float64))
    assert out["x"].to_list() == [2.0, 4.0, 6.0]


def test_a_fault_inside_map_batches_surfaces():
    p = kiln.compile("param a: i64; 10 / a")
    df = pl.DataFrame({"a": [5, 0]})
    with pytest.raises(Exception) as info:
        df.select(pl.col("a").map_batches(lambda s: p.run(a=s), return_dtype=pl.Int64))
    assert "E0601" in str(info.value)
