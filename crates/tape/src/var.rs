//! The variable handle and its arithmetic operators.
//!
//! Each operator records one node through the rule of its operation in
//! `rules.rs`, where the value and the partials stand side by side. An `f64`
//! operand gets no node of its own: it is a constant of the rule.

use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::Tape;
use crate::rules::Op;

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
    #[inline]
    pub fn value(self) -> f64 {
        self.tape.nodes().value(self.index)
    }

    /// The position of this node on its tape, in creation order, from 0.
    pub fn index(self) -> usize {
        self.index as usize - 1
    }

    /// The tape this node lives on.
    pub fn tape(self) -> &'t Tape {
        self.tape
    }
}

impl fmt::Debug for Var<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The position the caller knows, as `Var::index` gives it.
        f.debug_struct("Var")
            .field("index", &self.index())
            .field("value", &self.value())
            .finish()
    }
}

// Variable with variable.

impl<'t> Add for Var<'t> {
    type Output = Var<'t>;

    #[inline]
    fn add(self, rhs: Var<'t>) -> Var<'t> {
        self.tape.binary(Op::Add, self, rhs)
    }
}

impl<'t> Sub for Var<'t> {
    type Output = Var<'t>;

    #[inline]
    fn sub(self, rhs: Var<'t>) -> Var<'t> {
        self.tape.binary(Op::Sub, self, rhs)
    }
}

impl<'t> Mul for Var<'t> {
    type Output = Var<'t>;

    #[inline]
    fn mul(self, rhs: Var<'t>) -> Var<'t> {
        self.tape.binary(Op::Mul, self, rhs)
    }
}

impl<'t> Div for Var<'t> {
    type Output = Var<'t>;

    /// x/y, with ∂/∂x = 1/y and ∂/∂y = -x/y².
    ///
    /// At y = ±0 value and partials are IEEE's infinities: 1/±0 = ±∞, and
    /// ∂/∂y is -∞·sign x for either zero, as -x/y² is from both sides; 0/0
    /// is NaN. For |y| below 1/`f64::MAX` ≈ 5.6e-309 (subnormals) the true
    /// 1/y is beyond `f64::MAX` and the partials are infinite. Partials
    /// that overflow on their own do not cancel when they meet: x/x at a
    /// subnormal x gets +∞ and -∞ towards the same x, whose sum is NaN,
    /// though the true derivative of x/x is 0.
    #[inline]
    fn div(self, rhs: Var<'t>) -> Var<'t> {
        self.tape.binary(Op::Div, self, rhs)
    }
}

impl<'t> Neg for Var<'t> {
    type Output = Var<'t>;

    #[inline]
    fn neg(self) -> Var<'t> {
        self.tape.unary(Op::Neg, self)
    }
}

// Variable with constant, on either side.

impl<'t> Add<f64> for Var<'t> {
    type Output = Var<'t>;

    #[inline]
    fn add(self, c: f64) -> Var<'t> {
        self.tape.unary(Op::AddConst(c), self)
    }
}

impl<'t> Add<Var<'t>> for f64 {
    type Output = Var<'t>;

    /// c + x is x + c: floating-point addition commutes exactly.
    #[inline]
    fn add(self, rhs: Var<'t>) -> Var<'t> {
        rhs.tape.unary(Op::AddConst(self), rhs)
    }
}

impl<'t> Sub<f64> for Var<'t> {
    type Output = Var<'t>;

    #[inline]
    fn sub(self, c: f64) -> Var<'t> {
        self.tape.unary(Op::SubConst(c), self)
    }
}

impl<'t> Sub<Var<'t>> for f64 {
    type Output = Var<'t>;

    #[inline]
    fn sub(self, rhs: Var<'t>) -> Var<'t> {
        rhs.tape.unary(Op::ConstSub(self), rhs)
    }
}

impl<'t> Mul<f64> for Var<'t> {
    type Output = Var<'t>;

    #[inline]
    fn mul(self, c: f64) -> Var<'t> {
        self.tape.unary(Op::MulConst(c), self)
    }
}

impl<'t> Mul<Var<'t>> for f64 {
    type Output = Var<'t>;

    /// c·x is x·c: floating-point multiplication commutes exactly.
    #[inline]
    fn mul(self, rhs: Var<'t>) -> Var<'t> {
        rhs.tape.unary(Op::MulConst(self), rhs)
    }
}

impl<'t> Div<f64> for Var<'t> {
    type Output = Var<'t>;

    /// x/c, with derivative 1/c for every x (±∞ for c = ±0).
    #[inline]
    fn div(self, c: f64) -> Var<'t> {
        self.tape.unary(Op::DivConst(c), self)
    }
}

impl<'t> Div<Var<'t>> for f64 {
    type Output = Var<'t>;

    /// c/x, with derivative -c/x², and the conventions of x/y at x = ±0.
    #[inline]
    fn div(self, rhs: Var<'t>) -> Var<'t> {
        rhs.tape.unary(Op::ConstDiv(self), rhs)
    }
}
