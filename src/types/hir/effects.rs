//! What evaluating a node can do besides computing its value, declared once per
//! operator and per built-in (as an instruction table marks each instruction that can
//! trap). Codegen (status checks, fused element-wise loops, the columnar row loop),
//! the call-graph analysis and compile-time folding all read it from here.

use super::{BinOp, Block, Builtin, Expr, ExprKind, HofOp, LibFn, UnOp, Walk};
use crate::types::ty::Ty;

/// What integer `+ - *` and unary `-` do when the result does not fit the type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Overflow {
    /// Wrap around (two's complement), the default.
    #[default]
    Wrap,
    /// Fault with runtime error E0617 at the operator.
    Trap,
}

/// The effects of one operation, its operands' own effects not included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effects {
    /// It may record a run-time fault (so the status word is checked after it, or it
    /// branches to a fault path).
    pub can_fault: bool,
    /// It has no side effect (output, state outside the run); it may still fault.
    pub pure: bool,
}

impl Effects {
    /// Computes a value and nothing else.
    pub const NONE: Effects = Effects {
        can_fault: false,
        pure: true,
    };
    /// No side effect, but it may fault.
    pub const FAULTS: Effects = Effects {
        can_fault: true,
        pure: true,
    };
    /// A side effect that cannot fault.
    pub const SIDE_EFFECT: Effects = Effects {
        can_fault: false,
        pure: false,
    };
}

impl UnOp {
    /// The operation on an operand of type `operand`.
    pub fn effects(self, operand: &Ty, overflow: Overflow) -> Effects {
        match self {
            // -MIN (and the negation of a non-zero unsigned value) overflows.
            UnOp::Neg if overflow == Overflow::Trap && matches!(operand, Ty::Int(_)) => {
                Effects::FAULTS
            }
            // -MIN of a duration (v1), in every mode: E0621.
            UnOp::Neg if *operand == Ty::Duration => Effects::FAULTS,
            UnOp::Neg | UnOp::Not | UnOp::BitNot => Effects::NONE,
        }
    }
}

impl BinOp {
    /// `lhs op rhs` on operands of type `operand` (for an element-wise operation, the
    /// element type).
    pub fn effects(self, operand: &Ty, overflow: Overflow) -> Effects {
        // An element-wise operator on optionals (v1) does what it does on their values.
        let operand = operand.strip_opt();
        let int = matches!(operand, Ty::Int(_));
        match self {
            // A zero divisor, or MIN / -1 (see `Expr::is_safe_divisor`).
            BinOp::Div | BinOp::Rem if int => Effects::FAULTS,
            // A result out of the type's range, in trap mode.
            BinOp::Add | BinOp::Sub | BinOp::Mul if int && overflow == Overflow::Trap => {
                Effects::FAULTS
            }
            // String `+` builds a string: the size and memory limits (E0609, E0616).
            BinOp::Add if *operand == Ty::Str => Effects::FAULTS,
            // Time arithmetic (v1) out of the i64 nanoseconds' range (E0621) in every
            // mode; `duration / i64` by zero (E0601).
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div
                if matches!(operand, Ty::Timestamp | Ty::Duration) =>
            {
                Effects::FAULTS
            }
            BinOp::Add
            | BinOp::Sub
            | BinOp::Mul
            | BinOp::Div
            | BinOp::Rem
            | BinOp::BitAnd
            | BinOp::BitOr
            | BinOp::BitXor
            | BinOp::Shl
            | BinOp::Shr
            | BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge => Effects::NONE,
        }
    }

    /// Whether `lhs op rhs` may fault: [`BinOp::effects`], except that a constant
    /// divisor that is neither 0 nor -1 rules out the faults of `/` and `%`.
    pub fn may_fault(self, lhs: &Expr, rhs: &Expr, overflow: Overflow) -> bool {
        let divides = matches!(self, BinOp::Div | BinOp::Rem);
        // `i64 * duration` (v1): the duration's operator, whatever the left operand.
        let ty = match &rhs.ty {
            t @ Ty::Duration if matches!(lhs.ty, Ty::Int(_)) => t,
            _ => &lhs.ty,
        };
        self.effects(ty, overflow).can_fault && !(divides && rhs.is_safe_divisor())
    }
}

impl Builtin {
    /// A call whose node has type `ty`.
    pub fn effects(self, ty: &Ty) -> Effects {
        match self {
            Builtin::Print => Effects::SIDE_EFFECT,
            // Parse failed (to `string` it is the identity).
            Builtin::Parse if *ty != Ty::Str => Effects::FAULTS,
            Builtin::Parse
            | Builtin::Abs
            | Builtin::Min
            | Builtin::Max
            | Builtin::Pow
            | Builtin::Math(_)
            | Builtin::IsNan
            | Builtin::IsInf => Effects::NONE,
            // Bounds out of order or NaN.
            Builtin::Clamp => Effects::FAULTS,
            // Builds a string: the memory limit (E0616).
            Builtin::ToString => Effects::FAULTS,
            Builtin::Lib(f) => f.effects(),
            // A unit constructor's result out of range (E0621).
            Builtin::Time(super::TimeFn::Unit(_)) => Effects::FAULTS,
            Builtin::Time(super::TimeFn::Seconds) => Effects::NONE,
            // Builds a string (E0609, E0616); a computed format string may be bad
            // (E0618).
            Builtin::Format => Effects::FAULTS,
        }
    }
}

impl LibFn {
    pub fn effects(self) -> Effects {
        match self {
            // The empty list.
            LibFn::ListMin | LibFn::ListMax | LibFn::First | LibFn::Last => Effects::FAULTS,
            // Lists of different lengths (and, per element, the operator's own faults:
            // `BinOp::effects` of the element type).
            LibFn::Map(_) | LibFn::Filter => Effects::FAULTS,
            // They build a string or list: the per-value size limit (E0609) and the run's
            // memory limit (E0616).
            LibFn::Repeat
            | LibFn::StrConcat
            | LibFn::Substr
            | LibFn::Upper
            | LibFn::Lower
            | LibFn::Replace
            | LibFn::Split
            | LibFn::Join
            | LibFn::Sort
            | LibFn::SortDesc
            | LibFn::Reverse
            | LibFn::Unique
            | LibFn::ListConcat
            | LibFn::Flatten => Effects::FAULTS,
            // A zero step (E0613), and the list it builds (E0609, E0616).
            LibFn::Range => Effects::FAULTS,
            // The list it builds.
            LibFn::Compact | LibFn::CompactSome => Effects::FAULTS,
            // Their temporaries count against the run's memory limit (E0616).
            LibFn::Median | LibFn::CountDistinct => Effects::FAULTS,
            // Loops generated code runs: they poll the interrupt flag (E0611).
            LibFn::Sum
            | LibFn::Avg
            | LibFn::IndexOf
            | LibFn::ListContains
            | LibFn::Count
            | LibFn::Any
            | LibFn::All => Effects::FAULTS,
            // Issue 15. A computed pattern that does not compile (E0614); what builds a
            // string or list, its limits (E0609, E0616).
            LibFn::Matches
            | LibFn::FindMatch
            | LibFn::Captures
            | LibFn::ReplaceAll
            | LibFn::SplitRe => Effects::FAULTS,
            // The list it builds.
            LibFn::Chars => Effects::FAULTS,
            // Not one character, not a character's code (E0620); the string it builds.
            LibFn::CharCode | LibFn::FromCharCode => Effects::FAULTS,
            LibFn::IsDigit | LibFn::IsAlpha | LibFn::IsSpace => Effects::NONE,
            // The time library (issue 15): a zone resolved at run time may not exist
            // (E0619), a computed unit or format may be wrong (E0622), a truncation may
            // leave the timestamp range (E0621), a formatted string has the limits of
            // every string; `now` reads the host clock (a side effect).
            LibFn::TimeField(_, zone) if !zone.can_fault() => Effects::NONE,
            LibFn::ParseTime {
                literal_fmt: true,
                zone,
            } if !zone.can_fault() => Effects::NONE,
            LibFn::TimeField(..)
            | LibFn::ParseTime { .. }
            | LibFn::FormatTime { .. }
            | LibFn::DateTrunc(..) => Effects::FAULTS,
            LibFn::Now => Effects::SIDE_EFFECT,
            LibFn::StrLen
            | LibFn::StrContains
            | LibFn::StartsWith
            | LibFn::EndsWith
            | LibFn::Find
            | LibFn::Trim
            | LibFn::ListLen
            | LibFn::Slice => Effects::NONE,
            LibFn::RoundTo => Effects::NONE,
        }
    }
}

impl HofOp {
    /// The loop itself; its lambda's body is a child with effects of its own.
    pub fn effects(self) -> Effects {
        match self {
            // Every one is a loop generated code runs: it polls the interrupt flag (E0611).
            // Besides: `zip_with`'s lengths (E0607), and what builds a list its limits
            // (E0609, E0616).
            HofOp::Map
            | HofOp::Filter
            | HofOp::Reduce
            | HofOp::Any
            | HofOp::All
            | HofOp::Count
            | HofOp::Find
            | HofOp::FindIndex
            | HofOp::SortBy
            | HofOp::ZipWith
            | HofOp::FlatMap
            | HofOp::GroupBy => Effects::FAULTS,
        }
    }
}

/// Which callees may fault, by index: user functions (`Call`) and host functions
/// (`CallHost`). An index out of range may fault; a function of another module
/// (`CallExtern`) always may.
#[derive(Clone, Copy, Debug, Default)]
pub struct FallibleCalls<'a> {
    pub functions: &'a [bool],
    pub host: &'a [bool],
    /// Whether integer arithmetic traps.
    pub overflow: Overflow,
}

impl Expr {
    /// Whether evaluating this node itself, not its operands, may record a fault.
    pub fn may_fault_locally(&self, calls: FallibleCalls) -> bool {
        match &self.kind {
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Var(_)
            | ExprKind::Cast(_)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::If { .. }
            | ExprKind::Switch { .. } => false,
            // Allocates: the run's memory limit (E0616).
            ExprKind::List(items) => !items.is_empty(),
            // A loop: it polls the interrupt flag (E0611).
            ExprKind::In { .. } => true,
            ExprKind::Unary { op, operand } => op.effects(&operand.ty, calls.overflow).can_fault,
            ExprKind::Binary { op, lhs, rhs } => op.may_fault(lhs, rhs, calls.overflow),
            // Out of bounds.
            ExprKind::Index { .. } => true,
            ExprKind::Call { func, .. } => calls.functions.get(*func).copied().unwrap_or(true),
            ExprKind::CallExtern { .. } => true,
            ExprKind::CallHost { func, .. } => calls.host.get(*func).copied().unwrap_or(true),
            ExprKind::Builtin { op, .. } => op.effects(&self.ty).can_fault,
            ExprKind::Hof { op, .. } => op.effects().can_fault,
            ExprKind::None
            | ExprKind::Some(_)
            | ExprKind::Coalesce(_)
            | ExprKind::TryConvert(_) => false,
            // `unwrap` of none (E0612); lifting itself only tests and branches.
            ExprKind::Lift { on_none, .. } => *on_none == super::OnNone::Fault,
        }
    }

    /// A constant divisor that is neither zero nor (for signed types) -1: an integer
    /// `/` or `%` by it cannot fault.
    pub fn is_safe_divisor(&self) -> bool {
        match (&self.kind, &self.ty) {
            (ExprKind::Int(bits), Ty::Int(it)) => {
                *bits != 0 && !(it.signed() && *bits == it.mask())
            }
            _ => false,
        }
    }
}

impl Block {
    /// Whether running the block may record a fault (an expression: `e.any(|x|
    /// x.may_fault_locally(calls))`).
    pub fn may_fault(&self, calls: FallibleCalls) -> bool {
        self.any(|e| e.may_fault_locally(calls))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Overflow = Overflow::Wrap;

    #[test]
    fn only_print_has_a_side_effect() {
        let t = Ty::Int(crate::types::ty::IntTy::I64);
        assert!(!Builtin::Print.effects(&t).pure);
        assert!(!Builtin::Print.effects(&t).can_fault);
        assert!(Builtin::ToString.effects(&Ty::Str).pure);
        assert!(Builtin::Parse.effects(&t).pure);
        assert!(Builtin::Lib(LibFn::ListMin).effects(&t).pure);
    }

    #[test]
    fn integer_division_faults_and_float_division_does_not() {
        let i = Ty::Int(crate::types::ty::IntTy::I32);
        let f = Ty::Float(crate::types::ty::FloatTy::F64);
        assert!(BinOp::Div.effects(&i, W).can_fault);
        assert!(BinOp::Rem.effects(&i, W).can_fault);
        assert!(!BinOp::Div.effects(&f, W).can_fault);
        assert!(!BinOp::Add.effects(&i, W).can_fault);
        assert!(Builtin::Parse.effects(&i).can_fault);
        assert!(!Builtin::Parse.effects(&Ty::Str).can_fault);
        // Loops poll the interrupt flag; what allocates has limits; a view does neither.
        assert!(Builtin::Lib(LibFn::Sum).effects(&i).can_fault);
        assert!(Builtin::Lib(LibFn::Repeat).effects(&Ty::Str).can_fault);
        assert!(Builtin::Lib(LibFn::Sort).effects(&i).can_fault);
        // A zero step, and the list it builds.
        assert!(Builtin::Lib(LibFn::Range).effects(&Ty::I64).can_fault);
        assert!(BinOp::Add.effects(&Ty::Str, W).can_fault);
        assert!(!Builtin::Lib(LibFn::StrLen).effects(&i).can_fault);
        assert!(!Builtin::Lib(LibFn::Slice).effects(&i).can_fault);
        // Integer arithmetic faults in trap mode only; floats never.
        let trap = Overflow::Trap;
        assert!(BinOp::Add.effects(&i, trap).can_fault);
        assert!(UnOp::Neg.effects(&i, trap).can_fault);
        assert!(!UnOp::Neg.effects(&i, W).can_fault);
        assert!(!UnOp::Neg.effects(&f, trap).can_fault);
        assert!(!BinOp::Add.effects(&f, trap).can_fault);
    }
}
