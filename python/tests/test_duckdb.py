"""Kiln with DuckDB: over its Arrow output, and as a vectorised Python UDF."""

import duckdb
import pyarrow as pa
import pytest

import kiln

FARE = kiln.compile(
    "param distance: f64; param minutes: i64; 2.5 + distance * 1.2 + f64(minutes) * 0.3"
)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        "create table trips as select i::double / 10 as distance, (i % 30)::bigint as minutes"
        " from range(10000) t(i)"
    )
    yield con
    con.close()


def expected(con):
    return [
        r[0]
        for r in con.sql("select 2.5 + distance * 1.2 + minutes * 0.3 from trips").fetchall()
    ]


def test_over_duckdb_arrow_output(con):
    rel = con.sql("select distance, minutes from trips")
    out = FARE.run(rel.arrow())
    assert out.to_pylist() == pytest.approx(expected(con), rel=1e-12)
    # A DuckDB relation is an Arrow stream itself.
    assert FARE.run(con.sql("select * from trips")).to_pylist() == out.to_pylist()


def test_as_a_vectorised_udf(con):
    con.create_function(
        "fare",
        lambda distance, minutes: FARE.run(distance=distance, minutes=minutes),
        ["DOUBLE", "BIGINT"],
        "DOUBLE",
        type="arrow",
    )
    got = [r[0] for r in con.sql("select fare(distance, minutes) from trips").fetchall()]
    assert got == pytest.approx(expected(con), rel=1e-12)
    # SQL nulls: DuckDB's default null handling gives null without calling the UDF.
    assert con.sql("select fare(null, 3)").fetchall() == [(None,)]


def test_a_fault_in_a_udf_fails_the_query(con):
    div = kiln.compile("param a: i64; param b: i64; a / b")
    con.create_function(
        "kdiv", lambda a, b: div.run(a=a, b=b), ["BIGINT", "BIGINT"], "BIGINT", type="arrow"
    )
    assert con.sql("select kdiv(7, 2)").fetchall() == [(3,)]
    with pytest.raises(duckdb.Error, match="E0601"):
        con.sql("select kdiv(i, i % 3) from range(10) t(i)").fetchall()


def test_result_back_into_duckdb(con):
    rel = con.sql("select distance, minutes from trips")
    fares = pa.table({"fare": FARE.run(rel.arrow())})
    total = con.sql("select sum(fare) from fares").fetchall()[0][0]
    assert total == pytest.approx(sum(expected(con)), rel=1e-9)
