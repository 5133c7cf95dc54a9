//! Left-associative operator chains, walked without recursion.
//!
//! `a + b + c + ...` is a binary tree whose left spine is as long as the chain; a
//! generated formula may have a million terms (the contract: "nesting limits ...
//! never [apply] to a flat chain of binary operators"). Recursing once per chain element
//! would need a frame per term, so every stage that visits a tree follows its left spine
//! with a loop, through the helpers here, and recurses only into the other operands
//! (whose depth the parser bounds: brackets, prefix operators, calls and the few
//! precedence levels).
//!
//! A tree type marks its chain edges by holding the left operand of a chain node in a
//! [`Spine`] instead of a `Box` (the AST's binary operators; the HIR's binary operators,
//! `and` and `or`) and says how in [`Link`]. `Spine` drops, clones, compares and
//! formats a chain without recursing along it, so the derived `Drop`, `Clone`,
//! `PartialEq` and `Debug` of the tree stay shallow.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// A tree node that may continue a left-associative chain.
pub trait Link: Sized {
    /// The left operand, when this node is a chain node.
    fn lhs(&self) -> Option<&Self>;

    /// Detach the left operand of a chain node (what is left behind is only dropped).
    fn take_lhs(&mut self) -> Option<Spine<Self>>;

    /// A copy of this chain node with `lhs` as its left operand (the other operands
    /// cloned).
    fn with_lhs(&self, lhs: Spine<Self>) -> Self;
}

/// `PartialEq` of chain nodes, their left operands aside.
pub trait LinkEq: Link {
    fn eq_node(&self, other: &Self) -> bool;
}

/// The left operand of a chain node: a `Box` whose `Drop`, `Clone`, `PartialEq` and
/// `Debug` do not recurse along the chain. (The `Option` is only ever empty inside
/// `Drop` and `into_inner`.)
pub struct Spine<T: Link>(Option<Box<T>>);

impl<T: Link> Spine<T> {
    pub fn new(node: T) -> Spine<T> {
        Spine(Some(Box::new(node)))
    }

    pub fn into_inner(mut self) -> T {
        *self.0.take().expect("a spine holds its node until dropped")
    }

    /// The node, unless it was detached ([`Spine::detach`]): what [`Link::lhs`] gives.
    pub fn node(&self) -> Option<&T> {
        self.0.as_deref()
    }

    /// Move the node out, leaving this spine empty: what [`Link::take_lhs`] does.
    pub fn detach(&mut self) -> Option<Spine<T>> {
        self.0.take().map(|b| Spine(Some(b)))
    }
}

impl<T: Link> Deref for Spine<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.0
            .as_deref()
            .expect("a spine holds its node until dropped")
    }
}

impl<T: Link> DerefMut for Spine<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0
            .as_deref_mut()
            .expect("a spine holds its node until dropped")
    }
}

impl<T: Link> Drop for Spine<T> {
    fn drop(&mut self) {
        let mut next = self.0.take();
        while let Some(mut node) = next {
            next = node.take_lhs().and_then(|mut s| s.0.take());
            // `node` drops here without its left operand.
        }
    }
}

impl<T: Link + Clone> Clone for Spine<T> {
    fn clone(&self) -> Self {
        let Some(top) = self.node() else {
            return Spine(None);
        };
        let (leaf, nodes) = spine(top);
        let mut acc = Spine::new(leaf.clone());
        for node in nodes {
            acc = Spine::new(node.with_lhs(acc));
        }
        acc
    }
}

impl<T: LinkEq + PartialEq> PartialEq for Spine<T> {
    fn eq(&self, other: &Self) -> bool {
        let (Some(mut a), Some(mut b)) = (self.node(), other.node()) else {
            return self.node().is_none() && other.node().is_none();
        };
        loop {
            match (a.lhs(), b.lhs()) {
                (Some(al), Some(bl)) if a.eq_node(b) => (a, b) = (al, bl),
                (None, None) => return a == b,
                _ => return false,
            }
        }
    }
}

impl<T: Link + fmt::Debug> fmt::Debug for Spine<T> {
    /// Nested like a `Box`'s (a chain prints as deep as it is), on fresh stack segments
    /// as needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.node() {
            Some(node) => stacker::maybe_grow(64 << 10, 1 << 20, || fmt::Debug::fmt(node, f)),
            None => f.write_str("<detached>"),
        }
    }
}

/// The chain `e` heads: its innermost left operand that is not a chain node (the leaf),
/// and the chain nodes from the innermost to `e` itself (empty when `e` is the leaf).
pub fn spine<T: Link>(e: &T) -> (&T, Vec<&T>) {
    spine_where(e, |_| true)
}

/// `spine`, where a node for which `follow` is false ends the chain (it is the leaf).
pub fn spine_where<T: Link>(e: &T, follow: impl Fn(&T) -> bool) -> (&T, Vec<&T>) {
    let mut nodes = Vec::new();
    let mut cur = e;
    while let Some(lhs) = cur.lhs().filter(|_| follow(cur)) {
        nodes.push(cur);
        cur = lhs;
    }
    nodes.reverse();
    (cur, nodes)
}

/// Evaluate the chain `e` heads bottom-up with a loop: `leaf` gives the value of the
/// innermost left operand, then `step` takes the value of each node's left operand and
/// the node, innermost first, and gives the node's value. `cx` is lent to both (the
/// checker, the code generator, the interpreter).
pub fn fold<'e, T: Link, C: ?Sized, A>(
    cx: &mut C,
    e: &'e T,
    leaf: impl FnOnce(&mut C, &'e T) -> A,
    step: impl FnMut(&mut C, A, &'e T) -> A,
) -> A {
    fold_where(cx, e, |_| true, leaf, step)
}

/// `fold`, where a node for which `follow` is false ends the chain (it is the leaf).
pub fn fold_where<'e, T: Link, C: ?Sized, A>(
    cx: &mut C,
    e: &'e T,
    follow: impl Fn(&T) -> bool,
    leaf: impl FnOnce(&mut C, &'e T) -> A,
    mut step: impl FnMut(&mut C, A, &'e T) -> A,
) -> A {
    let (first, nodes) = spine_where(e, follow);
    let mut acc = leaf(cx, first);
    for node in nodes {
        acc = step(cx, acc, node);
    }
    acc
}

/// The chain `e` heads, taken apart: its leaf, and its nodes from the innermost to `e`
/// itself, each with its left operand detached (to be given a new one by the caller).
pub fn unzip<T: Link>(mut e: T) -> (T, Vec<T>) {
    let mut nodes = Vec::new();
    while let Some(lhs) = e.take_lhs() {
        nodes.push(std::mem::replace(&mut e, lhs.into_inner()));
    }
    nodes.reverse();
    (e, nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal chain: `Node(lhs, value)` or a `Leaf`.
    #[derive(Clone, Debug, PartialEq)]
    enum T {
        Leaf(u32),
        Node(Spine<T>, u32),
    }

    impl Link for T {
        fn lhs(&self) -> Option<&T> {
            match self {
                T::Node(l, _) => l.node(),
                T::Leaf(_) => None,
            }
        }
        fn take_lhs(&mut self) -> Option<Spine<T>> {
            match self {
                T::Node(l, _) => l.detach(),
                T::Leaf(_) => None,
            }
        }
        fn with_lhs(&self, lhs: Spine<T>) -> T {
            match self {
                T::Node(_, v) => T::Node(lhs, *v),
                T::Leaf(v) => T::Leaf(*v),
            }
        }
    }

    impl LinkEq for T {
        fn eq_node(&self, other: &T) -> bool {
            match (self, other) {
                (T::Node(_, a), T::Node(_, b)) => a == b,
                _ => false,
            }
        }
    }

    fn chain(n: u32) -> T {
        (1..n).fold(T::Leaf(0), |acc, v| T::Node(Spine::new(acc), v))
    }

    #[test]
    fn long_chains_drop_clone_compare_and_fold_on_a_small_stack() {
        let ok = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| {
                let a = chain(1_000_000);
                let b = a.clone();
                assert!(a == b);
                let mut c = chain(1_000_000);
                if let T::Node(l, _) = &mut c {
                    if let T::Node(_, v) = &mut **l {
                        *v = 7;
                    }
                }
                assert!(a != c);
                let value = |t: &T| match t {
                    T::Leaf(v) | T::Node(_, v) => *v as u64,
                };
                let sum = fold(&mut (), &a, |_, l| value(l), |_, acc, n| acc + value(n));
                assert_eq!(sum, 999_999 * 1_000_000 / 2);
                let (leaf, nodes) = unzip(b);
                assert_eq!(leaf, T::Leaf(0));
                assert_eq!(nodes.len(), 999_999);
                assert!(nodes.iter().all(|n| n.lhs().is_none()));
                assert_eq!(value(&nodes[0]), 1);
            })
            .expect("spawn")
            .join();
        assert!(ok.is_ok(), "a chain must not overflow a small stack");
    }
}
