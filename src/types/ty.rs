//! Kiln's types, and the numeric facts (widths, ranges, widening) described once as data.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FloatTy {
    F32,
    F64,
}

/// One row per integer type: (type, name, bits, signed).
const INT_TABLE: [(IntTy, &str, u32, bool); 8] = [
    (IntTy::I8, "i8", 8, true),
    (IntTy::I16, "i16", 16, true),
    (IntTy::I32, "i32", 32, true),
    (IntTy::I64, "i64", 64, true),
    (IntTy::U8, "u8", 8, false),
    (IntTy::U16, "u16", 16, false),
    (IntTy::U32, "u32", 32, false),
    (IntTy::U64, "u64", 64, false),
];

impl IntTy {
    pub const ALL: [IntTy; 8] = [
        IntTy::I8,
        IntTy::I16,
        IntTy::I32,
        IntTy::I64,
        IntTy::U8,
        IntTy::U16,
        IntTy::U32,
        IntTy::U64,
    ];

    fn row(self) -> &'static (IntTy, &'static str, u32, bool) {
        &INT_TABLE[self as usize]
    }
    pub fn name(self) -> &'static str {
        self.row().1
    }
    pub fn bits(self) -> u32 {
        self.row().2
    }
    pub fn signed(self) -> bool {
        self.row().3
    }
    pub fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }
    pub fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }
    pub fn fits(self, v: i128) -> bool {
        self.min() <= v && v <= self.max()
    }
    /// All bits of this width set (the mask that truncates a u64 to this type).
    pub fn mask(self) -> u64 {
        if self.bits() == 64 {
            u64::MAX
        } else {
            (1u64 << self.bits()) - 1
        }
    }
}

impl FloatTy {
    pub fn name(self) -> &'static str {
        match self {
            FloatTy::F32 => "f32",
            FloatTy::F64 => "f64",
        }
    }
    pub fn bits(self) -> u32 {
        match self {
            FloatTy::F32 => 32,
            FloatTy::F64 => 64,
        }
    }
}

/// A Kiln type. The `IntLit`, `FloatLit`, `EmptyElem` and `Error` variants exist only
/// while `types::check` runs (an unsuffixed literal whose type context has not been seen
/// yet, the element of a bare `[]`, and a node whose error was already reported); a
/// checked program contains none of them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Int(IntTy),
    Float(FloatTy),
    Str,
    List(Box<Ty>),
    /// `T?` (v1): a `T` or `none`. `T` is never itself optional.
    Opt(Box<Ty>),
    /// `timestamp` (v1): an instant, i64 nanoseconds since the Unix epoch (UTC).
    Timestamp,
    /// `duration` (v1): a signed span, i64 nanoseconds.
    Duration,
    IntLit,
    FloatLit,
    EmptyElem,
    Error,
}

impl Ty {
    pub const I64: Ty = Ty::Int(IntTy::I64);
    pub const F64: Ty = Ty::Float(FloatTy::F64);

    /// Every scalar type, in the order literals prefer them after their default:
    /// used for tables (conversions, docs).
    pub fn scalars() -> Vec<Ty> {
        let mut v = vec![Ty::Bool];
        v.extend(IntTy::ALL.iter().map(|&i| Ty::Int(i)));
        v.push(Ty::Float(FloatTy::F32));
        v.push(Ty::Float(FloatTy::F64));
        v.push(Ty::Str);
        v
    }

    /// Resolve a type name as written in source (`i32`, `string`, …).
    pub fn from_name(name: &str) -> Option<Ty> {
        Some(match name {
            "bool" => Ty::Bool,
            "f32" => Ty::Float(FloatTy::F32),
            "f64" => Ty::Float(FloatTy::F64),
            "string" => Ty::Str,
            "timestamp" => Ty::Timestamp,
            "duration" => Ty::Duration,
            _ => Ty::Int(*IntTy::ALL.iter().find(|i| i.name() == name)?),
        })
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::Float(_) | Ty::IntLit | Ty::FloatLit)
    }
    pub fn is_int(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::IntLit)
    }
    pub fn is_float(&self) -> bool {
        matches!(self, Ty::Float(_) | Ty::FloatLit)
    }
    /// Still waiting for context (contains a literal type or an unknown element).
    pub fn is_flexible(&self) -> bool {
        match self {
            Ty::IntLit | Ty::FloatLit | Ty::EmptyElem => true,
            Ty::List(e) | Ty::Opt(e) => e.is_flexible(),
            _ => false,
        }
    }
    pub fn is_error(&self) -> bool {
        match self {
            Ty::Error => true,
            Ty::List(e) | Ty::Opt(e) => e.is_error(),
            _ => false,
        }
    }

    /// `T?` of `t` (itself when already optional).
    pub fn opt(t: Ty) -> Ty {
        match t {
            Ty::Opt(_) | Ty::Error => t,
            t => Ty::Opt(Box::new(t)),
        }
    }
    pub fn is_opt(&self) -> bool {
        matches!(self, Ty::Opt(_))
    }
    /// The `T` of a `T?`; any other type itself.
    pub fn strip_opt(&self) -> &Ty {
        match self {
            Ty::Opt(t) => t,
            t => t,
        }
    }

    /// `from` converts to `to` implicitly without loss (the contract's widening table):
    /// i8→i16→i32→i64, u8→u16→u32→u64, uN→i(2N), ints up to 16 bits→f32,
    /// up to 32 bits→f64, f32→f64. Identity counts as widening here.
    pub fn widens_to(&self, to: &Ty) -> bool {
        match (self, to) {
            _ if self == to => true,
            // `T` widens to `T?` (and to the optional of what it widens to).
            (t, Ty::Opt(u)) if !t.is_opt() => t.widens_to(u),
            (Ty::Opt(t), Ty::Opt(u)) => t.widens_to(u),
            (Ty::Int(a), Ty::Int(b)) => {
                if a.signed() == b.signed() {
                    a.bits() <= b.bits()
                } else {
                    !a.signed() && b.signed() && a.bits() < b.bits()
                }
            }
            (Ty::Int(a), Ty::Float(f)) => match f {
                FloatTy::F32 => a.bits() <= 16,
                FloatTy::F64 => a.bits() <= 32,
            },
            (Ty::Float(FloatTy::F32), Ty::Float(FloatTy::F64)) => true,
            _ => false,
        }
    }

    /// The type two values join to (operands of one operator): `join_all` of the two.
    pub fn join(a: &Ty, b: &Ty) -> Option<Ty> {
        Ty::join_all([a, b])
    }

    /// The type a group of values joins to (the operands of one operator, the branches of
    /// `if`/`switch`, the elements of a list literal), whatever their order: the settled
    /// type every other settled type widens to losslessly; literals take it. An
    /// unsuffixed float literal beside integers up to 32 bits makes the group f64 (the
    /// integers widen). `None` when they don't join.
    pub fn join_all<'t>(tys: impl IntoIterator<Item = &'t Ty>) -> Option<Ty> {
        Ty::join_slice(&tys.into_iter().collect::<Vec<_>>())
    }

    fn join_slice(tys: &[&Ty]) -> Option<Ty> {
        let tys: Vec<&Ty> = tys
            .iter()
            .copied()
            .filter(|t| **t != Ty::EmptyElem)
            .collect();
        if tys.iter().any(|t| **t == Ty::Error) {
            return Some(Ty::Error);
        }
        if tys.iter().any(|t| t.is_opt()) {
            // Optionals join by their inner types (`none`'s is unknown): `T` and `T?`
            // make `T?`.
            let inner: Vec<&Ty> = tys.iter().map(|t| t.strip_opt()).collect();
            return Some(Ty::opt(Ty::join_slice(&inner)?));
        }
        let lists = tys.iter().filter(|t| matches!(t, Ty::List(_))).count();
        if lists > 0 {
            if lists < tys.len() {
                return None;
            }
            let elems: Vec<&Ty> = tys
                .iter()
                .map(|t| match t {
                    Ty::List(e) => &**e,
                    _ => unreachable!("every type is a list"),
                })
                .collect();
            return Some(Ty::List(Box::new(Ty::join_slice(&elems)?)));
        }
        let has = |lit: &Ty| tys.contains(&lit);
        let settled: Vec<&Ty> = tys.iter().copied().filter(|t| !t.is_flexible()).collect();
        let Some(top) = settled
            .iter()
            .find(|m| settled.iter().all(|t| t.widens_to(m)))
        else {
            return match settled.is_empty() {
                true if has(&Ty::FloatLit) => Some(Ty::FloatLit),
                true if has(&Ty::IntLit) => Some(Ty::IntLit),
                true => Some(Ty::EmptyElem),
                false => None,
            };
        };
        Some(match *top {
            t if has(&Ty::FloatLit) => match t {
                Ty::Float(_) => t.clone(),
                Ty::Int(_) if t.widens_to(&Ty::F64) => Ty::F64,
                _ => return None,
            },
            t @ (Ty::Int(_) | Ty::Float(_)) => t.clone(),
            _ if has(&Ty::IntLit) => return None,
            t => t.clone(),
        })
    }

    /// The type a flexible type takes with no context: i64, f64. `None` for `[]`.
    pub fn default_ty(&self) -> Option<Ty> {
        match self {
            Ty::IntLit => Some(Ty::I64),
            Ty::FloatLit => Some(Ty::F64),
            Ty::EmptyElem => None,
            Ty::List(e) => Some(Ty::List(Box::new(e.default_ty()?))),
            Ty::Opt(e) => Some(Ty::Opt(Box::new(e.default_ty()?))),
            t => Some(t.clone()),
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => write!(f, "bool"),
            Ty::Int(i) => write!(f, "{}", i.name()),
            Ty::Float(x) => write!(f, "{}", x.name()),
            Ty::Str => write!(f, "string"),
            Ty::List(e) => write!(f, "[{e}]"),
            Ty::Opt(e) => write!(f, "{e}?"),
            Ty::Timestamp => write!(f, "timestamp"),
            Ty::Duration => write!(f, "duration"),
            Ty::IntLit => write!(f, "{{integer}}"),
            Ty::FloatLit => write!(f, "{{float}}"),
            Ty::EmptyElem => write!(f, "_"),
            Ty::Error => write!(f, "{{error}}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Ty {
        Ty::from_name(s).unwrap()
    }

    #[test]
    fn widening_table_matches_the_contract() {
        let ok = [
            ("i8", "i16"),
            ("i16", "i64"),
            ("u8", "u64"),
            ("u8", "i16"),
            ("u16", "i32"),
            ("u32", "i64"),
            ("u8", "i64"),
            ("i16", "f32"),
            ("u16", "f32"),
            ("i32", "f64"),
            ("u32", "f64"),
            ("f32", "f64"),
        ];
        for (a, b) in ok {
            assert!(t(a).widens_to(&t(b)), "{a} -> {b}");
        }
        let bad = [
            ("i64", "u64"),
            ("u64", "i64"),
            ("i8", "u8"),
            ("u8", "i8"),
            ("u16", "i16"),
            ("i32", "f32"),
            ("i64", "f64"),
            ("f64", "f32"),
            ("i16", "i8"),
            ("bool", "i64"),
        ];
        for (a, b) in bad {
            assert!(!t(a).widens_to(&t(b)), "{a} -> {b}");
        }
    }

    /// Every order of `tys`.
    fn permutations(tys: &[Ty]) -> Vec<Vec<Ty>> {
        if tys.len() <= 1 {
            return vec![tys.to_vec()];
        }
        let mut out = Vec::new();
        for i in 0..tys.len() {
            let mut rest = tys.to_vec();
            let first = rest.remove(i);
            for mut p in permutations(&rest) {
                p.insert(0, first.clone());
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn joins_do_not_depend_on_the_order() {
        let list = |e: Ty| Ty::List(Box::new(e));
        let groups: [(Vec<Ty>, Option<Ty>); 10] = [
            (vec![Ty::FloatLit, t("u8"), t("f64")], Some(t("f64"))),
            (vec![Ty::FloatLit, t("u8"), t("f32")], Some(t("f32"))),
            (vec![Ty::FloatLit, t("i32"), Ty::IntLit], Some(t("f64"))),
            (vec![Ty::FloatLit, t("i64")], None),
            (vec![Ty::FloatLit, t("u64"), Ty::IntLit], None),
            (vec![t("i8"), t("u8"), t("i16")], Some(t("i16"))),
            (vec![t("i8"), t("u8")], None),
            (
                vec![Ty::IntLit, Ty::FloatLit, Ty::IntLit],
                Some(Ty::FloatLit),
            ),
            (vec![Ty::IntLit, t("string")], None),
            (
                vec![list(Ty::EmptyElem), list(t("u8")), list(Ty::IntLit)],
                Some(list(t("u8"))),
            ),
        ];
        for (tys, want) in groups {
            for p in permutations(&tys) {
                assert_eq!(Ty::join_all(&p), want, "{p:?}");
            }
        }
        // A float literal beside an integer of up to 32 bits is f64.
        assert_eq!(Ty::join(&t("u32"), &Ty::FloatLit), Some(t("f64")));
        assert_eq!(Ty::join(&Ty::FloatLit, &t("i16")), Some(t("f64")));
    }

    #[test]
    fn int_ranges() {
        assert_eq!(IntTy::I8.min(), -128);
        assert_eq!(IntTy::I8.max(), 127);
        assert_eq!(IntTy::U64.max(), u64::MAX as i128);
        assert!(IntTy::U8.fits(255) && !IntTy::U8.fits(256) && !IntTy::U8.fits(-1));
    }
}
