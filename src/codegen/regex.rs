//! Regular expressions and characters (issue 15): one runtime call each, with the
//! pattern's or argument's span for its faults and, for a literal pattern, the call
//! site's slot.
//!
//! A literal pattern (an `ExprKind::Str` argument, checked and compiled when the program
//! was: `types/regex.rs`) gets a private pointer-sized global of this module, null until
//! the site's first call fills it with the process's compiled pattern
//! (`kiln_runtime::regex`); later calls load it and compile nothing. The module holds no
//! address, so its object can be cached and loaded by another process. A computed
//! pattern passes a null slot and goes through the runtime's bounded cache.

use super::{bug, Cg, Res};
use crate::abi;
use crate::types::hir::{Expr, ExprKind, LibFn};
use crate::types::ty::Ty;
use inkwell::module::Linkage;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum};

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// `matches find_match captures replace_all split_re chars is_digit is_alpha
    /// is_space char_code from_char_code`: `(ctx, span, arg_span, [slot], args...,
    /// [out])`, `arg_span` the pattern's (regex) or the argument's (characters).
    pub(super) fn text_call(
        &mut self,
        f: LibFn,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let Some(symbol) = abi::lib_symbol(f) else {
            return bug(format!("{f:?} has no runtime function"));
        };
        let regex = matches!(
            f,
            LibFn::Matches
                | LibFn::FindMatch
                | LibFn::Captures
                | LibFn::ReplaceAll
                | LibFn::SplitRe
        );
        let at = usize::from(regex);
        let Some(arg) = args.get(at) else {
            return bug(format!("{f:?} without argument {at}"));
        };
        let literal = regex && matches!(arg.kind, ExprKind::Str(_));
        let (span, arg_span) = if f.effects().can_fault {
            (self.span_id(e.span), self.span_id(arg.span))
        } else {
            (0, 0)
        };
        // `matches` and `find_match` of a literal pattern (compiled when the program was)
        // build nothing, so they cannot fault: no status check after them. (Should the
        // pattern fail to compile in this process after all, the fault is recorded and
        // reported when the run ends.)
        let faults =
            f.effects().can_fault && !(literal && matches!(f, LibFn::Matches | LibFn::FindMatch));
        let i32t = self.i32_ty();
        let mut call: Vec<BasicMetadataValueEnum<'ctx>> = vec![
            self.ctx_ptr()?.into(),
            i32t.const_int(span as u64, false).into(),
            i32t.const_int(arg_span as u64, false).into(),
        ];
        if regex {
            let slot = if literal {
                let ptr = self.ptr_ty();
                let g = self.module.add_global(ptr, None, "regex.slot");
                g.set_initializer(&ptr.const_null());
                g.set_linkage(Linkage::Private);
                g.set_alignment(8);
                g.as_pointer_value()
            } else {
                self.ptr_ty().const_null()
            };
            call.push(slot.into());
        }
        for (&v, a) in vals.iter().zip(args) {
            match &a.ty {
                Ty::Str => {
                    let (p, l) = self.split_pair(v)?;
                    call.push(p.into());
                    call.push(l.into());
                }
                t => call.push(self.to_bits(v, t)?.into()),
            }
        }
        if literal && f == LibFn::Matches {
            return self.literal_matches(&call);
        }
        if crate::value::layout::is_pair(&e.ty) {
            let v = self.call_rt_pair(symbol, &call)?;
            if faults {
                self.check_status()?;
            }
            return Ok(v);
        }
        let Some(bits) = self.call_rt(symbol, &call)? else {
            return bug(format!("{symbol} returned nothing"));
        };
        if faults {
            self.check_status()?;
        }
        self.bits_to_value(bits.into_int_value(), &e.ty)
    }

    /// `matches` of a literal pattern, `call` its general call's arguments (`ctx, span,
    /// pattern_span, slot, s_ptr, s_len, p_ptr, p_len`): once the site's slot is filled,
    /// a three-argument call of the compiled pattern; before that (the site's first
    /// call), the general one, which fills it.
    fn literal_matches(
        &mut self,
        call: &[BasicMetadataValueEnum<'ctx>],
    ) -> Res<BasicValueEnum<'ctx>> {
        let (Some(slot), Some(s_ptr), Some(s_len)) = (call.get(3), call.get(4), call.get(5)) else {
            return bug("matches of a literal pattern without its arguments");
        };
        let slot = slot.into_pointer_value();
        let re = self
            .b
            .build_load(self.ptr_ty(), slot, "re")?
            .into_pointer_value();
        let filled = self.b.build_is_not_null(re, "")?;
        let hot = self.block("re.hot")?;
        let first = self.block("re.first")?;
        let end = self.block("re.end")?;
        self.b.build_conditional_branch(filled, hot, first)?;
        self.b.position_at_end(hot);
        let Some(fast) = self.call_rt(abi::RT_RE_IS_MATCH, &[re.into(), *s_ptr, *s_len])? else {
            return bug("is_match returned nothing");
        };
        let hot_end = self.current_block()?;
        self.b.build_unconditional_branch(end)?;
        self.b.position_at_end(first);
        let Some(slow) = self.call_rt(abi::RT_RE_MATCHES, call)? else {
            return bug("matches returned nothing");
        };
        let first_end = self.current_block()?;
        self.b.build_unconditional_branch(end)?;
        self.b.position_at_end(end);
        let phi = self.b.build_phi(self.i64_ty(), "")?;
        phi.add_incoming(&[(&fast, hot_end), (&slow, first_end)]);
        self.bits_to_value(phi.as_basic_value().into_int_value(), &Ty::Bool)
    }
}
