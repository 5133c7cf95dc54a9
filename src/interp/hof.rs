//! Higher-order built-ins (`hir::ExprKind::Hof`) restated: each iteration assigns the
//! lambda's parameters (locals of the running function) and evaluates its body, elements
//! left to right; `any`, `all` and `find_index` stop at the element that decides. Lists
//! are counted as generated code allocates them: a result's room before the loop (`map`,
//! `zip_with`, and `filter`, which reserves room for every element), `flat_map`'s
//! scratch array of the body's lists, then its result.

use super::eval::{Frame, Machine};
use super::ops::{bug, fault, R};
use crate::abi::Fault;
use crate::types::hir::{Expr, ExprKind, HofOp, LocalId};
use crate::types::ty::Ty;
use crate::value::Value;

fn list(v: Value) -> R<(Ty, Vec<Value>)> {
    match v {
        Value::List(elem, items) => Ok((elem, items)),
        v => Err(bug(format!("a higher-order call over a {}", v.ty()))),
    }
}

fn truth(v: Value) -> R<bool> {
    match v {
        Value::Bool(b) => Ok(b),
        v => Err(bug(format!("a lambda condition of type {}", v.ty()))),
    }
}

fn result_elem(e: &Expr) -> R<&Ty> {
    match &e.ty {
        Ty::List(t) => Ok(t),
        t => Err(bug(format!("a list function of type {t}"))),
    }
}

impl Machine<'_> {
    /// Evaluate the body with the parameters bound to `vals`.
    fn apply(
        &mut self,
        params: &[LocalId],
        vals: Vec<Value>,
        body: &Expr,
        frame: &mut Frame,
    ) -> R<Value> {
        for (&p, v) in params.iter().zip(vals) {
            frame.locals[p] = v;
        }
        self.eval(body, frame)
    }

    pub(super) fn hof(&mut self, e: &Expr, frame: &mut Frame) -> R<Value> {
        let ExprKind::Hof {
            op,
            args,
            params,
            body,
        } = &e.kind
        else {
            return Err(bug("not a higher-order call"));
        };
        let span = e.span;
        let Some(first) = args.first() else {
            return Err(bug("a higher-order call without a list"));
        };
        let (elem, xs) = list(self.eval(first, frame)?)?;
        Ok(match op {
            HofOp::Map => {
                let res = result_elem(e)?;
                self.alloc_list(res, xs.len(), span)?;
                let mut out = Vec::with_capacity(xs.len());
                for x in xs {
                    self.poll(span)?;
                    out.push(self.apply(params, vec![x], body, frame)?);
                }
                Value::List(res.clone(), out)
            }
            HofOp::ZipWith => {
                let Some(second) = args.get(1) else {
                    return Err(bug("zip_with without its second list"));
                };
                let (_, ys) = list(self.eval(second, frame)?)?;
                if xs.len() != ys.len() {
                    return Err(fault(
                        Fault::LengthMismatch,
                        span,
                        xs.len() as i64,
                        ys.len() as i64,
                    ));
                }
                let res = result_elem(e)?;
                self.alloc_list(res, xs.len(), span)?;
                let mut out = Vec::with_capacity(xs.len());
                for (x, y) in xs.into_iter().zip(ys) {
                    self.poll(span)?;
                    out.push(self.apply(params, vec![x, y], body, frame)?);
                }
                Value::List(res.clone(), out)
            }
            HofOp::Filter => {
                self.alloc_list(&elem, xs.len(), span)?;
                let mut kept = Vec::new();
                for x in xs {
                    self.poll(span)?;
                    if truth(self.apply(params, vec![x.clone()], body, frame)?)? {
                        kept.push(x);
                    }
                }
                Value::List(elem, kept)
            }
            HofOp::Reduce => {
                let Some(init) = args.get(1) else {
                    return Err(bug("reduce without init"));
                };
                let mut acc = self.eval(init, frame)?;
                for x in xs {
                    self.poll(span)?;
                    acc = self.apply(params, vec![acc, x], body, frame)?;
                }
                acc
            }
            HofOp::Count => {
                let mut n = 0i64;
                for x in xs {
                    self.poll(span)?;
                    n += truth(self.apply(params, vec![x], body, frame)?)? as i64;
                }
                Value::I64(n)
            }
            HofOp::Find => {
                // The first element the body accepts (an optional's value is the element
                // itself), or none.
                for x in xs {
                    self.poll(span)?;
                    if truth(self.apply(params, vec![x.clone()], body, frame)?)? {
                        return Ok(x);
                    }
                }
                Value::None
            }
            HofOp::Any | HofOp::All | HofOp::FindIndex => {
                // The element that decides: true for `any`/`find_index`, false for `all`.
                let wants = *op != HofOp::All;
                let mut at = None;
                for (i, x) in xs.into_iter().enumerate() {
                    self.poll(span)?;
                    if truth(self.apply(params, vec![x], body, frame)?)? == wants {
                        at = Some(i as i64);
                        break;
                    }
                }
                match op {
                    HofOp::Any => Value::Bool(at.is_some()),
                    HofOp::All => Value::Bool(at.is_none()),
                    _ => Value::I64(at.unwrap_or(-1)),
                }
            }
            HofOp::FlatMap => {
                let res = result_elem(e)?;
                // The scratch array of the body's lists (a pair each).
                self.alloc(16u64.saturating_mul(xs.len() as u64), span)?;
                let mut parts = Vec::with_capacity(xs.len());
                for x in xs {
                    self.poll(span)?;
                    let (_, items) = list(self.apply(params, vec![x], body, frame)?)?;
                    parts.push(items);
                }
                let total: usize = parts.iter().map(Vec::len).sum();
                self.alloc_list(res, total, span)?;
                Value::List(res.clone(), parts.into_iter().flatten().collect())
            }
            HofOp::SortBy => {
                // The keys first (counted as generated code's list of them), then a
                // stable sort by them.
                self.alloc_list(&body.ty, xs.len(), span)?;
                let mut keys = Vec::with_capacity(xs.len());
                for x in &xs {
                    self.poll(span)?;
                    keys.push(self.apply(params, vec![x.clone()], body, frame)?);
                }
                self.alloc_list(&elem, xs.len(), span)?;
                let mut idx: Vec<usize> = (0..xs.len()).collect();
                idx.sort_by(|&i, &j| super::lib_fns::ascending(&keys[i], &keys[j]));
                let mut slots: Vec<Option<Value>> = xs.into_iter().map(Some).collect();
                let sorted = idx.into_iter().filter_map(|i| slots[i].take()).collect();
                Value::List(elem, sorted)
            }
            HofOp::GroupBy => {
                // The keys first (counted as generated code's list of them), then the
                // groups in order of first appearance; keys equal as `unique` compares.
                self.alloc_list(&body.ty, xs.len(), span)?;
                let mut keys = Vec::with_capacity(xs.len());
                for x in &xs {
                    self.poll(span)?;
                    keys.push(self.apply(params, vec![x.clone()], body, frame)?);
                }
                let mut firsts: Vec<usize> = Vec::new();
                let mut groups: Vec<Vec<Value>> = Vec::new();
                for (i, x) in xs.into_iter().enumerate() {
                    match firsts
                        .iter()
                        .position(|&f| super::lib_fns::same(&keys[f], &keys[i]))
                    {
                        Some(g) => groups[g].push(x),
                        None => {
                            firsts.push(i);
                            groups.push(vec![x]);
                        }
                    }
                }
                self.alloc(16u64.saturating_mul(groups.len() as u64), span)?;
                let mut out = Vec::with_capacity(groups.len());
                for g in groups {
                    self.alloc_list(&elem, g.len(), span)?;
                    out.push(Value::List(elem.clone(), g));
                }
                Value::List(Ty::List(Box::new(elem)), out)
            }
        })
    }
}
