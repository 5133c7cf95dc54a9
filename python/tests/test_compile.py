"""kiln.compile: compile errors, params, output types, warnings, options."""

import pytest

import kiln


def test_compile_error_is_the_rendered_report_with_its_code():
    with pytest.raises(kiln.CompileError) as info:
        kiln.compile("param x: u8;\nx + 300")
    error = info.value
    text = str(error)
    assert text.startswith("error[E0203]: literal 300 out of range for u8")
    assert "<input>:2:5" in text
    assert "does not fit in u8" in text
    assert error.codes == ["E0203"]
    (d,) = error.diagnostics
    assert d == kiln.Diagnostic("error", "E0203", "literal 300 out of range for u8", 2, 5)
    # A compile error is a ValueError (bad program text), and a KilnError.
    assert isinstance(error, ValueError) and isinstance(error, kiln.KilnError)


def test_every_error_is_reported_and_the_file_name_is_used():
    with pytest.raises(kiln.CompileError) as info:
        kiln.compile('param x: f64; y + 1; x + "a"', name="rule.expr")
    assert len(info.value.diagnostics) >= 2
    assert "rule.expr:1:" in str(info.value)
    assert all(d.severity == "error" for d in info.value.diagnostics)


def test_params_and_output_type_are_written_as_kiln_writes_them():
    p = kiln.compile(
        "param a: f64; param n: i32?; param s: string; param xs: [f64]; param t: timestamp;"
        " a"
    )
    assert p.params == [
        kiln.Param("a", "f64"),
        kiln.Param("n", "i32?"),
        kiln.Param("s", "string"),
        kiln.Param("xs", "[f64]"),
        kiln.Param("t", "timestamp"),
    ]
    assert [q.optional for q in p.params] == [False, True, False, False, False]
    assert p.output_type == "f64"
    assert kiln.compile("param x: f64; x > 1.0").output_type == "bool"
    assert kiln.compile("param s: string?; s").output_type == "string?"
    assert repr(p).startswith("<kiln.Program (a: f64, n: i32?, s: string")
    assert p.source.startswith("param a: f64;")


def test_warnings_are_diagnostics():
    p = kiln.compile("param x: f64; let unused = 2; x / 4")
    (w,) = p.warnings
    assert (w.severity, w.code) == ("warning", "W0001")
    assert (w.line, w.column) >= (1, 1)


def test_options():
    assert kiln.compile("param x: f64; x * 2.0", opt_level=0)(3.0) == 6.0
    assert kiln.compile("param x: f64; x * 2.0", fast_math=True)(3.0) == 6.0
    wrap = kiln.compile("param x: i64; x + 1")
    assert wrap(2**63 - 1) == -(2**63)
    trap = kiln.compile("param x: i64; x + 1", overflow="trap")
    with pytest.raises(kiln.RuntimeError) as info:
        trap(2**63 - 1)
    assert info.value.code == "E0617"
    with pytest.raises(ValueError):
        kiln.compile("1", opt_level=4)
    with pytest.raises(ValueError):
        kiln.compile("1", overflow="saturate")


def test_programs_pickle_by_their_source_and_options():
    import pickle

    p = kiln.compile("param x: i64; x + 1", name="inc.expr", overflow="trap")
    q = pickle.loads(pickle.dumps(p))
    assert q(41) == 42 and q.source == p.source
    with pytest.raises(kiln.RuntimeError) as info:
        q(2**63 - 1)
    assert info.value.code == "E0617"
