//! Type codes: the `elem_kind` argument of runtime functions, describing any Kiln type
//! in one `u32` so the runtime can walk nested lists and optionals (display, structural
//! equality, hashing) without knowing the compiler's types.
//!
//! Encoding: bits 0–3 are the base [`Kind`]; bits 4–7 the number of wrappers `d`
//! (at most [`MAX_WRAPPERS`]); wrapper `i` (0 the innermost) is the two bits at
//! `8 + 2i`: [`LIST`] or [`OPT`]. A scalar or string type has no wrappers, so its code is
//! its `Kind` (`Kind::F64 as u32` is the code of `f64`): runtime functions that took a
//! `Kind` take a code unchanged.
//!
//! Memory layout (an element of a list, a global): scalars as [`Kind::layout`]; a
//! string or list is a `{ ptr, i64 }` pair (16 bytes, align 8). An optional:
//! - of a pair type (`string?`, `[T]?`): the same pair, `none` when the length is
//!   [`NONE_LEN`] (-1) and the pointer null;
//! - of a scalar `T`: `{ T, u8 valid }` with `T`'s alignment (`i64?` 16 bytes, `i32?` 8,
//!   `bool?` 2): the value is unspecified when `valid` is 0.
//!
//! In a 16-byte host slot a scalar optional is `[bits, valid as u64]` and a pair optional
//! the pair itself.

use crate::abi::Kind;

/// Wrapper digit: a list of the inner type.
pub const LIST: u32 = 1;
/// Wrapper digit: the inner type made optional.
pub const OPT: u32 = 2;
/// The most wrappers a type code holds (`[[[[i64?]]]]` has five).
pub const MAX_WRAPPERS: u32 = 12;
/// The length of a pair that is `none` (an optional string or list).
pub const NONE_LEN: i64 = -1;

/// A type as the runtime sees it (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TypeCode(pub u32);

/// The outermost constructor of a type code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Scalar(Kind),
    /// A list; the element's code.
    List(TypeCode),
    /// An optional; the inner type's code.
    Opt(TypeCode),
}

impl TypeCode {
    /// The code of a scalar or string type.
    pub const fn of_kind(k: Kind) -> TypeCode {
        TypeCode(k as u32)
    }

    fn wrappers(self) -> u32 {
        (self.0 >> 4) & 0xf
    }

    fn wrap(self, digit: u32) -> Option<TypeCode> {
        let d = self.wrappers();
        (d < MAX_WRAPPERS).then(|| {
            let rest = self.0 & !0xf0;
            TypeCode(rest | ((d + 1) << 4) | (digit << (8 + 2 * d)))
        })
    }

    /// `[self]`; `None` when the code has no room for another wrapper.
    pub fn list(self) -> Option<TypeCode> {
        self.wrap(LIST)
    }

    /// `self?`; `None` when the code has no room for another wrapper.
    pub fn opt(self) -> Option<TypeCode> {
        self.wrap(OPT)
    }

    /// Its outermost constructor; `None` for a code no type has.
    pub fn shape(self) -> Option<Shape> {
        let d = self.wrappers();
        if d > MAX_WRAPPERS || (d < MAX_WRAPPERS && self.0 >> (8 + 2 * d) != 0) {
            return None;
        }
        if d == 0 {
            return Kind::from_u32(self.0).map(Shape::Scalar);
        }
        let shift = 8 + 2 * (d - 1);
        let digit = (self.0 >> shift) & 3;
        let inner = TypeCode((self.0 & !(3 << shift) & !0xf0) | ((d - 1) << 4));
        Kind::from_u32(self.0 & 0xf)?;
        match digit {
            LIST => Some(Shape::List(inner)),
            OPT if inner.is_opt() => None,
            OPT => Some(Shape::Opt(inner)),
            _ => None,
        }
    }

    /// The type's name as Kiln writes it: `i64`, `[[f64]]`, `string?`; `?` for a code no
    /// type has.
    pub fn name(self) -> String {
        match self.shape() {
            Some(Shape::Scalar(k)) => k.name().to_owned(),
            Some(Shape::List(e)) => format!("[{}]", e.name()),
            Some(Shape::Opt(t)) => format!("{}?", t.name()),
            None => "?".to_owned(),
        }
    }

    pub fn is_opt(self) -> bool {
        matches!(self.shape(), Some(Shape::Opt(_)))
    }

    /// Whether values of this type are a `{ ptr, i64 }` pair (strings, lists and their
    /// optionals).
    pub fn is_pair(self) -> bool {
        match self.shape() {
            Some(Shape::Scalar(k)) => k == Kind::Str,
            Some(Shape::List(_)) => true,
            Some(Shape::Opt(t)) => t.is_pair(),
            None => false,
        }
    }

    /// Size and alignment in bytes of a value of this type in memory (see the module
    /// docs); `(0, 1)` for a code no type has.
    pub fn layout(self) -> (u64, u64) {
        match self.shape() {
            Some(Shape::Scalar(k)) => k.layout(),
            Some(Shape::List(_)) => (16, 8),
            Some(Shape::Opt(t)) if t.is_pair() => (16, 8),
            Some(Shape::Opt(t)) => {
                let (size, align) = t.layout();
                ((size + 1).div_ceil(align) * align, align)
            }
            None => (0, 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scalar_code_is_its_kind_and_wrappers_round_trip() {
        for k in Kind::ALL {
            let t = TypeCode::of_kind(k);
            assert_eq!(t.0, k as u32);
            assert_eq!(t.shape(), Some(Shape::Scalar(k)));
            let l = t.opt().unwrap().list().unwrap().list().unwrap();
            let Some(Shape::List(inner)) = l.shape() else {
                panic!("{l:?}")
            };
            let Some(Shape::List(opt)) = inner.shape() else {
                panic!("{inner:?}")
            };
            assert_eq!(opt.shape(), Some(Shape::Opt(t)));
        }
    }

    #[test]
    fn depth_is_bounded_and_optional_of_optional_is_no_type() {
        let mut t = TypeCode::of_kind(Kind::I64);
        for _ in 0..MAX_WRAPPERS {
            t = t.list().unwrap();
        }
        assert_eq!(t.list(), None);
        let oo = TypeCode::of_kind(Kind::I64).opt().unwrap().opt().unwrap();
        assert_eq!(oo.shape(), None);
        assert_eq!(TypeCode(99).shape(), None);
        assert_eq!(TypeCode(0x7fff_ffff).shape(), None);
    }

    #[test]
    fn names() {
        let f = TypeCode::of_kind(Kind::F64);
        assert_eq!(f.list().unwrap().list().unwrap().name(), "[[f64]]");
        assert_eq!(f.list().unwrap().opt().unwrap().name(), "[f64]?");
        assert_eq!(TypeCode(99).name(), "?");
    }

    #[test]
    fn layouts() {
        let opt = |k| TypeCode::of_kind(k).opt().unwrap().layout();
        assert_eq!(opt(Kind::I64), (16, 8));
        assert_eq!(opt(Kind::F32), (8, 4));
        assert_eq!(opt(Kind::I16), (4, 2));
        assert_eq!(opt(Kind::Bool), (2, 1));
        assert_eq!(opt(Kind::Str), (16, 8));
        let list = TypeCode::of_kind(Kind::U8).list().unwrap();
        assert_eq!(list.layout(), (16, 8));
        assert_eq!(list.opt().unwrap().layout(), (16, 8));
        assert!(list.opt().unwrap().is_pair());
    }
}
