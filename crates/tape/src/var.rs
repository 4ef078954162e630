//! The variable handle and its arithmetic operators.
//!
//! Each operator records one node. Its local partials stand next to its
//! value, with the formula they come from: for `a * b`, ∂(ab)/∂a = b and
//! ∂(ab)/∂b = a.

use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::Tape;

/// A handle to one node of a [`Tape`]: cheap to copy, and usable in
/// arithmetic with other handles of the same tape and with `f64`.
///
/// # Examples
///
/// ```
/// use tape::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// let y = 2.0 * x - 1.0 / x; // dy/dx = 2 + 1/x²
/// assert_eq!(y.value(), 6.0 - 1.0 / 3.0);
/// assert_eq!(tape.backward(y).wrt(x), 2.0 + 1.0 / 9.0);
/// ```
///
/// # Panics
///
/// Combining handles of two different tapes is a bug in the calling code, and
/// every operation that takes two handles panics when it sees one.
#[derive(Clone, Copy)]
pub struct Var<'t> {
    tape: &'t Tape,
    pub(crate) index: u32,
}

impl<'t> Var<'t> {
    pub(crate) fn new(tape: &'t Tape, index: u32) -> Var<'t> {
        Var { tape, index }
    }

    /// The value this node took when it was recorded.
    pub fn value(self) -> f64 {
        self.tape.value_at(self.index)
    }

    /// The position of this node on its tape, in creation order.
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// The tape this node lives on.
    pub fn tape(self) -> &'t Tape {
        self.tape
    }

    /// Records a node with one operand, `self`, and the local partial
    /// `d out / d self`.
    pub(crate) fn unary(self, value: f64, partial: f64) -> Var<'t> {
        self.tape.record(value, &[(self.index, partial)])
    }

    /// Records a node with two operands and their local partials.
    ///
    /// # Panics
    ///
    /// Panics if `rhs` belongs to another tape.
    pub(crate) fn binary(self, rhs: Var<'t>, value: f64, d_lhs: f64, d_rhs: f64) -> Var<'t> {
        self.tape.check_owns(rhs);
        self.tape
            .record(value, &[(self.index, d_lhs), (rhs.index, d_rhs)])
    }
}

impl fmt::Debug for Var<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Var")
            .field("index", &self.index)
            .field("value", &self.value())
            .finish()
    }
}

// Variable with variable.

impl<'t> Add for Var<'t> {
    type Output = Var<'t>;

    /// ∂(a + b)/∂a = 1, ∂(a + b)/∂b = 1.
    fn add(self, rhs: Var<'t>) -> Var<'t> {
        self.binary(rhs, self.value() + rhs.value(), 1.0, 1.0)
    }
}

impl<'t> Sub for Var<'t> {
    type Output = Var<'t>;

    /// ∂(a - b)/∂a = 1, ∂(a - b)/∂b = -1.
    fn sub(self, rhs: Var<'t>) -> Var<'t> {
        self.binary(rhs, self.value() - rhs.value(), 1.0, -1.0)
    }
}

impl<'t> Mul for Var<'t> {
    type Output = Var<'t>;

    /// ∂(ab)/∂a = b, ∂(ab)/∂b = a.
    fn mul(self, rhs: Var<'t>) -> Var<'t> {
        let (a, b) = (self.value(), rhs.value());
        self.binary(rhs, a * b, b, a)
    }
}

impl<'t> Div for Var<'t> {
    type Output = Var<'t>;

    /// ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -a/b² = -(a/b)/b.
    ///
    /// Writing the second partial as -(a/b)/b rather than -a/(b·b) keeps it
    /// finite wherever the quotient and the result are: b·b overflows first.
    fn div(self, rhs: Var<'t>) -> Var<'t> {
        let (a, b) = (self.value(), rhs.value());
        let quotient = a / b;
        self.binary(rhs, quotient, 1.0 / b, -quotient / b)
    }
}

impl<'t> Neg for Var<'t> {
    type Output = Var<'t>;

    /// ∂(-a)/∂a = -1.
    fn neg(self) -> Var<'t> {
        self.unary(-self.value(), -1.0)
    }
}

// Variable with constant: the constant gets no node, only its partial
// disappears from the rule.

impl<'t> Add<f64> for Var<'t> {
    type Output = Var<'t>;

    /// ∂(a + c)/∂a = 1.
    fn add(self, c: f64) -> Var<'t> {
        self.unary(self.value() + c, 1.0)
    }
}

impl<'t> Sub<f64> for Var<'t> {
    type Output = Var<'t>;

    /// ∂(a - c)/∂a = 1.
    fn sub(self, c: f64) -> Var<'t> {
        self.unary(self.value() - c, 1.0)
    }
}

impl<'t> Mul<f64> for Var<'t> {
    type Output = Var<'t>;

    /// ∂(ac)/∂a = c.
    fn mul(self, c: f64) -> Var<'t> {
        self.unary(self.value() * c, c)
    }
}

impl<'t> Div<f64> for Var<'t> {
    type Output = Var<'t>;

    /// ∂(a/c)/∂a = 1/c.
    fn div(self, c: f64) -> Var<'t> {
        self.unary(self.value() / c, 1.0 / c)
    }
}

// Constant with variable.

impl<'t> Add<Var<'t>> for f64 {
    type Output = Var<'t>;

    /// ∂(c + b)/∂b = 1.
    fn add(self, rhs: Var<'t>) -> Var<'t> {
        rhs.unary(self + rhs.value(), 1.0)
    }
}

impl<'t> Sub<Var<'t>> for f64 {
    type Output = Var<'t>;

    /// ∂(c - b)/∂b = -1.
    fn sub(self, rhs: Var<'t>) -> Var<'t> {
        rhs.unary(self - rhs.value(), -1.0)
    }
}

impl<'t> Mul<Var<'t>> for f64 {
    type Output = Var<'t>;

    /// ∂(cb)/∂b = c.
    fn mul(self, rhs: Var<'t>) -> Var<'t> {
        rhs.unary(self * rhs.value(), self)
    }
}

impl<'t> Div<Var<'t>> for f64 {
    type Output = Var<'t>;

    /// ∂(c/b)/∂b = -c/b² = -(c/b)/b.
    fn div(self, rhs: Var<'t>) -> Var<'t> {
        let b = rhs.value();
        let quotient = self / b;
        rhs.unary(quotient, -quotient / b)
    }
}
