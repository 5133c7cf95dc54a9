//! `--param NAME=VALUE`: turning command-line text into one [`Value`] per `param` input.

use crate::types::hir::Input;
use crate::types::ty::{FloatTy, IntTy, Ty};
use crate::value::Value;
use std::fmt::Display;
use std::str::FromStr;

/// Bind `NAME=VALUE` arguments to the program's inputs, in the inputs' declaration
/// order. Every problem is a usage error; the message names the parameter concerned.
pub fn bind(inputs: &[Input], args: &[String]) -> Result<Vec<Value>, String> {
    let mut given: Vec<Option<&str>> = vec![None; inputs.len()];
    for arg in args {
        let Some((name, text)) = arg.split_once('=') else {
            return Err(format!(
                "`--param {arg}` is not of the form NAME=VALUE (for example `--param x=5`)"
            ));
        };
        // `x = 5` and `x= 5` mean `x=5`: spaces around the name go, and around the
        // value unless it is a string (taken as written).
        let name = name.trim();
        let Some(index) = inputs.iter().position(|input| input.name == name) else {
            return Err(format!(
                "unknown parameter `{name}`: {}",
                declared_list(inputs)
            ));
        };
        if given[index].replace(text).is_some() {
            return Err(format!("parameter `{name}` is given more than once"));
        }
    }

    let missing: Vec<&Input> = inputs
        .iter()
        .zip(&given)
        .filter(|(_, text)| text.is_none())
        .map(|(input, _)| input)
        .collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|i| format!("`{}`", i.name)).collect();
        let usage: Vec<String> = missing
            .iter()
            .map(|i| format!("--param {}=<{}>", i.name, i.ty))
            .collect();
        let what = if missing.len() == 1 {
            "value for parameter"
        } else {
            "values for parameters"
        };
        return Err(format!(
            "missing {what} {}: pass {}",
            names.join(", "),
            usage.join(" ")
        ));
    }

    inputs
        .iter()
        .zip(given)
        .map(|(input, text)| {
            let text = text.unwrap_or_default();
            let text = if *input.ty.strip_opt() == Ty::Str {
                text
            } else {
                text.trim()
            };
            parse_value(text, &input.ty).map_err(|why| {
                // An empty value is `none` only for an optional param: say how to get one.
                let help = match text.is_empty() && !input.ty.is_opt() {
                    true => format!(
                        "; to pass no value, declare it `param {}: {}?;` and give `--param {}=`",
                        input.name, input.ty, input.name
                    ),
                    false => String::new(),
                };
                format!(
                    "invalid value `{text}` for parameter `{}` of type {}: {why}{help}",
                    input.name, input.ty
                )
            })
        })
        .collect()
}

fn declared_list(inputs: &[Input]) -> String {
    if inputs.is_empty() {
        return "the program declares no `param` inputs".to_owned();
    }
    let names: Vec<String> = inputs
        .iter()
        .map(|input| format!("`{}: {}`", input.name, input.ty))
        .collect();
    format!("the program declares {}", names.join(", "))
}

/// Parse one value of type `ty` the way Rust's `str::parse` does for that type. A string
/// is taken as is. A list of numbers or bools is written `[1, 2, 3]`. An optional (v1)
/// is `none` when the text is empty (or, as a list element, `none`), else its value.
pub fn parse_value(text: &str, ty: &Ty) -> Result<Value, String> {
    match ty {
        // A `string?` of spaces is that string.
        Ty::Opt(inner) if **inner == Ty::Str && text.is_empty() => Ok(Value::None),
        Ty::Opt(inner) if **inner != Ty::Str && text.trim().is_empty() => Ok(Value::None),
        Ty::Opt(inner) => parse_value(text, inner),
        Ty::Bool => parse_as(text, Value::Bool),
        Ty::Int(int) => match int {
            IntTy::I8 => parse_as(text, Value::I8),
            IntTy::I16 => parse_as(text, Value::I16),
            IntTy::I32 => parse_as(text, Value::I32),
            IntTy::I64 => parse_as(text, Value::I64),
            IntTy::U8 => parse_as(text, Value::U8),
            IntTy::U16 => parse_as(text, Value::U16),
            IntTy::U32 => parse_as(text, Value::U32),
            IntTy::U64 => parse_as(text, Value::U64),
        },
        Ty::Float(FloatTy::F32) => parse_as(text, Value::F32),
        Ty::Float(FloatTy::F64) => parse_as(text, Value::F64),
        Ty::Str => Ok(Value::Str(text.to_owned())),
        // RFC 3339 (`2024-03-01T12:00:00Z`) and `1h30m` (v1), as `timestamp("...")` reads.
        Ty::Timestamp | Ty::Duration => {
            let kind =
                <crate::abi::Kind as crate::abi::KindTy>::of(ty).ok_or("a time type has a kind")?;
            kiln_runtime::parse_bits(kind, text.trim()).map(|bits| Value::from_bits(kind, bits))
        }
        Ty::List(elem) if numeric_leaves(elem) => {
            let inner = text
                .trim()
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .ok_or_else(|| format!("write a list as `[a, b, c]`, with {elem} elements"))?;
            if inner.trim().is_empty() {
                return Ok(Value::List((**elem).clone(), Vec::new()));
            }
            let items = kiln_runtime::standalone::split_top(inner)?
                .into_iter()
                .map(|item| match item.trim() {
                    "none" if elem.is_opt() => Ok(Value::None),
                    item => parse_value(item, elem),
                })
                .collect::<Result<Vec<Value>, String>>()?;
            Ok(Value::List((**elem).clone(), items))
        }
        other => Err(format!(
            "a value of type {other} cannot be given on the command line"
        )),
    }
}

/// Whether values of `ty` can be written on the command line as list text: bools and
/// numbers, their optionals, and lists of them at any depth (`[[1, none], [3]]`).
fn numeric_leaves(ty: &Ty) -> bool {
    match ty {
        Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Timestamp | Ty::Duration => true,
        Ty::List(e) | Ty::Opt(e) => numeric_leaves(e),
        _ => false,
    }
}

fn parse_as<T>(text: &str, wrap: fn(T) -> Value) -> Result<Value, String>
where
    T: FromStr,
    T::Err: Display,
{
    text.parse::<T>().map(wrap).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn input(name: &str, ty: &str) -> Input {
        Input {
            name: name.to_owned(),
            ty: ty_of(ty),
            span: Span::default(),
        }
    }

    /// `T`, `[T]` and `T?` of those (`[f64?]`, `[i64]?`).
    fn ty_of(ty: &str) -> Ty {
        if let Some(inner) = ty.strip_suffix('?') {
            return Ty::opt(ty_of(inner));
        }
        let ty = match ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(elem) => Ty::List(Box::new(ty_of(elem))),
            None => Ty::from_name(ty).unwrap(),
        };
        ty
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn binds_in_declaration_order_whatever_the_argument_order() {
        let inputs = [
            input("x", "i64"),
            input("name", "string"),
            input("on", "bool"),
        ];
        let values = bind(&inputs, &args(&["on=true", "name=a=b", "x=-5"])).unwrap();
        assert_eq!(
            values,
            [
                Value::I64(-5),
                Value::Str("a=b".to_owned()),
                Value::Bool(true)
            ]
        );
    }

    #[test]
    fn parses_every_scalar_type_like_rust() {
        let cases = [
            ("i8", "-128", Value::I8(-128)),
            ("i16", "300", Value::I16(300)),
            ("i32", "+7", Value::I32(7)),
            ("u8", "255", Value::U8(255)),
            ("u16", "65535", Value::U16(65535)),
            ("u32", "0", Value::U32(0)),
            ("u64", "18446744073709551615", Value::U64(u64::MAX)),
            ("f32", "0.1", Value::F32(0.1)),
            ("f64", "1e300", Value::F64(1e300)),
            ("f64", "inf", Value::F64(f64::INFINITY)),
            ("bool", "false", Value::Bool(false)),
            ("string", "", Value::Str(String::new())),
        ];
        for (ty, text, want) in cases {
            assert_eq!(
                parse_value(text, &input("v", ty).ty).unwrap(),
                want,
                "{ty} {text}"
            );
        }
    }

    #[test]
    fn parses_lists_of_numbers() {
        let ty = input("xs", "[i64]").ty;
        assert_eq!(
            parse_value("[1, -2,3]", &ty).unwrap(),
            Value::List(Ty::I64, vec![Value::I64(1), Value::I64(-2), Value::I64(3)])
        );
        assert_eq!(
            parse_value("[]", &ty).unwrap(),
            Value::List(Ty::I64, vec![])
        );
        assert!(parse_value("1, 2", &ty).is_err());
        assert!(parse_value("[a]", &input("s", "[string]").ty).is_err());
    }

    #[test]
    fn parses_nested_lists_at_any_depth() {
        let row = |xs: &[i64]| Value::List(Ty::I64, xs.iter().map(|&x| Value::I64(x)).collect());
        let grid = Ty::List(Box::new(Ty::List(Box::new(Ty::I64))));
        assert_eq!(
            parse_value("[[1, 2], [], [3]]", &grid).unwrap(),
            Value::List(
                Ty::List(Box::new(Ty::I64)),
                vec![row(&[1, 2]), row(&[]), row(&[3])]
            )
        );
        let deep = Ty::List(Box::new(grid.clone()));
        let v = parse_value("[[[1]], [[2, 3], []]]", &deep).unwrap();
        assert_eq!(v.to_string(), "[[[1]], [[2, 3], []]]");
        for bad in ["[[1], 2]", "[[1]", "[1]]", "[[1],, [2]]", "[[1] [2]]"] {
            assert!(parse_value(bad, &grid).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_bad_values_naming_the_parameter_and_the_value() {
        let inputs = [input("n", "u8")];
        for bad in ["256", "-1", "1.5", "x", "5 5", ""] {
            let err = bind(&inputs, &args(&[&format!("n={bad}")])).unwrap_err();
            assert!(
                err.contains("`n`") && err.contains(&format!("`{bad}`")),
                "{err}"
            );
            assert!(err.contains("u8"), "{err}");
        }
        let err = bind(&[input("b", "bool")], &args(&["b=yes"])).unwrap_err();
        assert!(err.contains("`b`") && err.contains("`yes`"), "{err}");
    }

    #[test]
    fn reports_unknown_missing_duplicate_and_malformed_params() {
        let inputs = [input("x", "i64"), input("y", "f64")];
        let err = bind(&inputs, &args(&["x=1", "y=2", "z=3"])).unwrap_err();
        assert!(
            err.contains("unknown parameter `z`") && err.contains("`x: i64`"),
            "{err}"
        );

        let err = bind(&inputs, &args(&["y=2"])).unwrap_err();
        assert!(err.contains("missing") && err.contains("`x`"), "{err}");
        assert!(err.contains("--param x=<i64>"), "{err}");

        let err = bind(&inputs, &args(&[])).unwrap_err();
        assert!(err.contains("values for parameters `x`, `y`"), "{err}");

        let err = bind(&inputs, &args(&["x=1", "x=2", "y=0"])).unwrap_err();
        assert!(
            err.contains("`x`") && err.contains("more than once"),
            "{err}"
        );

        let err = bind(&inputs, &args(&["x"])).unwrap_err();
        assert!(err.contains("NAME=VALUE"), "{err}");

        let err = bind(&[], &args(&["x=1"])).unwrap_err();
        assert!(err.contains("declares no `param`"), "{err}");
    }

    #[test]
    fn spaces_around_the_name_and_a_non_string_value_are_ignored() {
        let inputs = [input("x", "i64"), input("s", "string"), input("xs", "[u8]")];
        let values = bind(&inputs, &args(&["x= 5", " s = a b ", "xs = [1, 2] "])).unwrap();
        assert_eq!(
            values,
            [
                Value::I64(5),
                Value::Str(" a b ".to_owned()),
                Value::List(Ty::Int(IntTy::U8), vec![Value::U8(1), Value::U8(2)])
            ]
        );
    }

    #[test]
    fn no_inputs_and_no_args_bind_nothing() {
        assert_eq!(bind(&[], &[]).unwrap(), []);
    }

    #[test]
    fn an_empty_value_is_none_for_an_optional_param() {
        let inputs = [
            input("x", "f64?"),
            input("n", "u8?"),
            input("s", "string?"),
            input("xs", "[i64]?"),
        ];
        let values = bind(&inputs, &args(&["x=", "n= ", "s=", "xs="])).unwrap();
        assert_eq!(values, [Value::None, Value::None, Value::None, Value::None]);
        // A value is the value, checked against the inner type.
        let values = bind(&inputs, &args(&["x=2.5", "n=7", "s= a", "xs=[1]"])).unwrap();
        assert_eq!(
            values,
            [
                Value::F64(2.5),
                Value::U8(7),
                Value::Str(" a".to_owned()),
                Value::List(Ty::I64, vec![Value::I64(1)])
            ]
        );
        let err = bind(&inputs, &args(&["x=", "n=300", "s=", "xs="])).unwrap_err();
        assert!(err.contains("`300`") && err.contains("u8?"), "{err}");
    }

    #[test]
    fn a_list_of_optionals_writes_none_as_none_or_nothing() {
        let ty = ty_of("[f64?]");
        assert_eq!(
            parse_value("[1.5, none, , 3]", &ty).unwrap(),
            Value::List(
                Ty::opt(Ty::F64),
                vec![Value::F64(1.5), Value::None, Value::None, Value::F64(3.0)]
            )
        );
        // `none` is no value of a non-optional element.
        assert!(parse_value("[1.5, none]", &ty_of("[f64]")).is_err());
    }

    #[test]
    fn an_empty_value_for_a_non_optional_param_suggests_declaring_it_optional() {
        let err = bind(&[input("x", "f64")], &args(&["x="])).unwrap_err();
        assert!(err.contains("`x`") && err.contains("of type f64"), "{err}");
        assert!(err.contains("declare it `param x: f64?;`"), "{err}");
        // Not for a value that is simply wrong.
        let err = bind(&[input("x", "f64")], &args(&["x=abc"])).unwrap_err();
        assert!(!err.contains("declare"), "{err}");
        // An empty string is a string.
        assert_eq!(
            bind(&[input("s", "string")], &args(&["s="])).unwrap(),
            [Value::Str(String::new())]
        );
    }
}
