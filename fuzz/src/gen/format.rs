//! `format(fmt, args...)` and `round(x, digits)` (issue 15): a literal format string
//! with a random valid spec per argument type (optionals and lists included), literal
//! text with escaped braces and Unicode; now and then a computed format string (checked
//! at run time), which is sometimes bad (fault E0618).

use super::{string_literal, Gen};
use crate::ast::{Expr, Kind, Ty};

/// Fill characters (never a brace).
const FILLS: [char; 5] = ['*', '-', 'é', '0', '#'];
/// Literal text between placeholders.
const TEXTS: [&str; 7] = ["", " ", "x=", "{{", "}}", "é|", ", "];

impl Gen {
    /// A spec (the text after `:`) that fits an argument of type `ty`.
    fn format_spec(&mut self, ty: &Ty) -> String {
        let inner = match ty {
            Ty::Opt(t) => &**t,
            t => t,
        };
        let int = matches!(
            inner,
            Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64 | Ty::U8 | Ty::U16 | Ty::U32 | Ty::U64
        );
        let float = matches!(inner, Ty::F32 | Ty::F64);
        let mut s = String::new();
        if self.rng.chance(40) {
            if self.rng.chance(50) {
                s.push(*self.rng.pick(&FILLS));
            }
            s.push(*self.rng.pick(&['<', '^', '>']));
        }
        let radix = int && self.rng.chance(40);
        if (int || float) && self.rng.chance(30) {
            s.push('+');
        }
        if radix && self.rng.chance(50) {
            s.push('#');
        }
        if (int || float) && self.rng.chance(25) {
            s.push('0');
        }
        if self.rng.chance(60) {
            s += &self.rng.range(1, 12).to_string();
        }
        if (float || *inner == Ty::Str) && self.rng.chance(50) {
            s += &format!(".{}", self.rng.below(9));
        }
        if radix {
            s.push(*self.rng.pick(&['x', 'X', 'o', 'b']));
        } else if float && self.rng.chance(25) {
            s.push(*self.rng.pick(&['e', 'E']));
        }
        s
    }

    /// `format(fmt, args...)` of up to three arguments of any types.
    pub(super) fn format_expr(&mut self, d: usize) -> Expr {
        let n = self.rng.below(4);
        let mut fmt = String::new();
        let mut args = Vec::with_capacity(n);
        let mut holes = Vec::with_capacity(n);
        for _ in 0..n {
            let ty = if self.rng.chance(20) {
                self.opt_ty()
            } else {
                self.any_ty()
            };
            let text = *self.rng.pick(&TEXTS);
            fmt.push_str(text);
            let spec = if self.rng.chance(35) {
                String::new()
            } else {
                self.format_spec(&ty)
            };
            let hole = if spec.is_empty() {
                "{}".to_string()
            } else {
                format!("{{:{spec}}}")
            };
            holes.push((fmt.len(), hole.clone()));
            fmt += &hole;
            let a = if let Ty::Opt(t) = &ty {
                self.opt_or_plain_arg(t, d)
            } else {
                self.expr(&ty, d)
            };
            args.push(a);
        }
        let text = *self.rng.pick(&TEXTS);
        fmt.push_str(text);
        let computed = self.rng.chance(20);
        if computed && self.rng.chance(40) {
            // A bad one: a spec for integers on whatever comes first, an extra
            // placeholder, or an unclosed brace.
            fmt = match self.rng.below(3) {
                0 if !holes.is_empty() => {
                    let (at, hole) = &holes[0];
                    format!("{}{{:e}}{}", &fmt[..*at], &fmt[at + hole.len()..])
                }
                1 => fmt + "{}",
                _ => fmt + "{",
            };
        }
        let lit = Expr::lit(Ty::Str, string_literal(&fmt));
        let fmt_arg = if computed {
            // Not a literal: the checker leaves it to the run.
            Expr::binary(Ty::Str, "+", lit, Expr::lit(Ty::Str, "\"\""))
        } else {
            lit
        };
        let mut all = vec![fmt_arg];
        all.extend(args);
        Expr::new(Ty::Str, Kind::Call("format".to_string(), all))
    }

    /// `round(x, digits)` of a float type.
    pub(super) fn round_expr(&mut self, ty: &Ty, d: usize) -> Expr {
        let x = self.expr(ty, d);
        let digits = if self.rng.chance(70) {
            let v = self.rng.below(9) as i64 - 3;
            super::int_lit(&Ty::I64, v as i128)
        } else {
            self.expr(&Ty::I64, d)
        };
        Expr::call(ty.clone(), "round", vec![x, digits])
    }
}
