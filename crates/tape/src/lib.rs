//! Scalar reverse-mode automatic differentiation on a flat tape.
//!
//! Every operation on a [`Var`] appends a node to its [`Tape`]: the value,
//! the operands, and the local partial derivative of the value towards each
//! operand. Because a node is always appended after its operands, the tape
//! is born in topological order, and [`Tape::backward`] is a single loop
//! from the end that gives the derivative of one output with respect to
//! every node, with no recursion and no sort.
//!
//! ```
//! use tape::Tape;
//!
//! let tape = Tape::new();
//! let x = tape.var(2.0);
//! let y = tape.var(3.0);
//!
//! // f = x·y + eˣ, so ∂f/∂x = y + eˣ and ∂f/∂y = x.
//! let f = x * y + x.exp();
//! let grads = tape.backward(f);
//!
//! assert_eq!(f.value(), 6.0 + 2.0_f64.exp());
//! assert_eq!(grads.wrt(x), 3.0 + 2.0_f64.exp());
//! assert_eq!(grads.wrt(y), 2.0);
//! ```
//!
//! # Layout
//!
//! - [`Tape`] stores the nodes (`tape.rs`);
//! - [`Var`] is the handle and carries the arithmetic operators (`var.rs`);
//!   the elementary functions are its methods (`ops.rs`); every operation's
//!   value and partials are computed by one rule each (`rules.rs`);
//! - [`Tape::backward`] is the reverse sweep and [`Gradients`] its result
//!   (`backward.rs`);
//! - [`Tape::affine`], [`Tape::affine_constant`] and
//!   [`Tape::squared_error`] record a network's layers and cost as one node
//!   per result (`fused.rs`), the layers' parameters given as a [`Block`]
//!   of consecutive nodes (`block.rs`);
//! - [`Tape::replay`] evaluates a recording again at new inputs
//!   (`replay.rs`);
//! - [`Tape::first_non_finite`] finds where a NaN or an infinity started
//!   (`finite.rs`);
//! - [`check_gradient`] compares a gradient with central finite differences,
//!   for your own tests (`check.rs`).
//!
//! # Threads
//!
//! A [`Tape`] is `Send` but not `Sync`: move it to another thread, or give
//! each thread its own. [`Gradients`] and [`GradientCheck`] are `Send` and
//! `Sync`. A [`Var`] borrows its tape and so stays on the tape's thread.

#![deny(missing_docs)]

mod backward;
mod block;
mod check;
mod finite;
mod fused;
mod ops;
mod replay;
mod rules;
mod tape;
mod var;

pub use backward::Gradients;
pub use block::Block;
pub use check::{GradientCheck, check_gradient};
pub use finite::{NonFinite, NonFiniteKind};
pub use replay::ReplayError;
pub use tape::Tape;
pub use var::Var;
