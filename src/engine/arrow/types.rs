//! Kiln types as Arrow types and back: the one table both `Program::run_arrow` and
//! `kiln map` (reading CSV as the params say, writing the result column) use.
//!
//! A Kiln `T?` is an Arrow `T` that may hold nulls: Arrow has no separate optional type,
//! so the mapping strips `?` and nullability is said by the field (`nullable`).

use crate::types::ty::{FloatTy, IntTy, Ty};
use arrow_schema::{DataType, Field, TimeUnit};
use std::sync::Arc;

/// The one table of scalar types: Kiln type, the Arrow type a result of it is written as.
fn scalar_rows() -> [(Ty, DataType); 13] {
    [
        (Ty::Bool, DataType::Boolean),
        (Ty::Int(IntTy::I8), DataType::Int8),
        (Ty::Int(IntTy::I16), DataType::Int16),
        (Ty::Int(IntTy::I32), DataType::Int32),
        (Ty::Int(IntTy::I64), DataType::Int64),
        (Ty::Int(IntTy::U8), DataType::UInt8),
        (Ty::Int(IntTy::U16), DataType::UInt16),
        (Ty::Int(IntTy::U32), DataType::UInt32),
        (Ty::Int(IntTy::U64), DataType::UInt64),
        (Ty::Float(FloatTy::F32), DataType::Float32),
        (Ty::Float(FloatTy::F64), DataType::Float64),
        (Ty::Str, DataType::Utf8),
        (Ty::Duration, DataType::Duration(TimeUnit::Nanosecond)),
    ]
}

/// The Arrow type values of Kiln type `ty` are written as (`T?` as `T`: nulls are the
/// `none`s), or `None` for a type no column holds (literals' pseudo-types, errors).
/// Timestamps are UTC instants in nanoseconds; lists are `List` of their elements.
pub fn arrow_type(ty: &Ty) -> Option<DataType> {
    match ty {
        Ty::Opt(inner) => arrow_type(inner),
        Ty::Timestamp => Some(DataType::Timestamp(
            TimeUnit::Nanosecond,
            Some(Arc::from("UTC")),
        )),
        Ty::List(elem) => {
            let inner = arrow_type(elem)?;
            let nullable = matches!(**elem, Ty::Opt(_));
            Some(DataType::List(Arc::new(Field::new(
                "item", inner, nullable,
            ))))
        }
        _ => scalar_rows()
            .into_iter()
            .find(|(t, _)| t == ty)
            .map(|(_, dt)| dt),
    }
}

/// An Arrow field for a value of Kiln type `ty` named `name`: nullable exactly when `ty`
/// is optional.
pub fn arrow_field(name: &str, ty: &Ty) -> Option<Field> {
    Some(Field::new(name, arrow_type(ty)?, matches!(ty, Ty::Opt(_))))
}

/// Whether a column of Arrow type `dt` can be bound to a param of Kiln type `ty` (its
/// `?` stripped: nulls are decided per row, not by the type). Every string layout binds
/// to `string`, every timestamp and duration unit to `timestamp` and `duration` (any
/// time zone: an Arrow timestamp is an instant either way), `List` and `LargeList` to a
/// list of what their elements bind to.
pub fn binds(dt: &DataType, ty: &Ty) -> bool {
    match (dt, ty.strip_opt()) {
        (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View, Ty::Str) => true,
        (DataType::Timestamp(..), Ty::Timestamp) => true,
        (DataType::Duration(_), Ty::Duration) => true,
        (DataType::List(f) | DataType::LargeList(f), Ty::List(elem)) => binds(f.data_type(), elem),
        // Decoded to its values when bound (`input::decode_dictionary`).
        (DataType::Dictionary(_, values), _) => binds(values, ty),
        (dt, t) => arrow_type(t).as_ref() == Some(dt),
    }
}

/// The Kiln type a column of Arrow type `dt` reads as by default (a param declared
/// without a type does not exist, but `kiln map` uses this to describe columns in its
/// messages): `None` for types Kiln has no values of (decimals, dates, structs...).
pub fn kiln_type(dt: &DataType) -> Option<Ty> {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(Ty::Str),
        DataType::Dictionary(_, values) => kiln_type(values),
        DataType::Timestamp(..) => Some(Ty::Timestamp),
        DataType::Duration(_) => Some(Ty::Duration),
        DataType::List(f) | DataType::LargeList(f) => {
            let elem = kiln_type(f.data_type())?;
            Some(Ty::List(Box::new(if f.is_nullable() {
                Ty::Opt(Box::new(elem))
            } else {
                elem
            })))
        }
        dt => scalar_rows()
            .into_iter()
            .find(|(_, d)| d == dt)
            .map(|(t, _)| t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scalar_round_trips_and_binds() {
        for (ty, dt) in scalar_rows() {
            assert_eq!(arrow_type(&ty), Some(dt.clone()), "{ty:?}");
            assert_eq!(kiln_type(&dt), Some(ty.clone()), "{dt:?}");
            assert!(binds(&dt, &ty) && binds(&dt, &Ty::Opt(Box::new(ty.clone()))));
        }
    }

    #[test]
    fn string_layouts_time_units_and_lists_bind() {
        for dt in [DataType::Utf8, DataType::LargeUtf8, DataType::Utf8View] {
            assert!(binds(&dt, &Ty::Str), "{dt:?}");
            assert!(!binds(&dt, &Ty::I64), "{dt:?}");
        }
        for unit in [
            TimeUnit::Second,
            TimeUnit::Millisecond,
            TimeUnit::Microsecond,
        ] {
            assert!(binds(&DataType::Timestamp(unit, None), &Ty::Timestamp));
            assert!(binds(&DataType::Duration(unit), &Ty::Duration));
        }
        let list = Ty::List(Box::new(Ty::F64));
        let item = Arc::new(Field::new("item", DataType::Float64, true));
        assert!(binds(&DataType::List(item.clone()), &list));
        assert!(binds(&DataType::LargeList(item), &list));
        assert!(!binds(&DataType::Float64, &list));
        assert_eq!(
            arrow_field("r", &Ty::Opt(Box::new(Ty::Int(IntTy::I32)))).map(|f| f.is_nullable()),
            Some(true)
        );
        assert_eq!(arrow_type(&Ty::IntLit), None);
        assert_eq!(kiln_type(&DataType::Decimal128(10, 2)), None);
    }
}
