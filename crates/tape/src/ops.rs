//! The elementary functions, as methods of [`Var`], and the operations over
//! many operands, as methods of [`Tape`].
//!
//! Each records one node through its rule in `rules.rs`, where the value and
//! the derivative stand together with their formula. The docs here state the
//! convention wherever the maths leaves a choice (a kink, a tie, a point
//! outside the domain).

use crate::rules::Op;
use crate::{Tape, Var};

impl<'t> Var<'t> {
    /// eˣ. d/dx eˣ = eˣ.
    #[inline]
    pub fn exp(self) -> Var<'t> {
        self.tape().unary(Op::Exp, self)
    }

    /// The natural logarithm ln x. d/dx ln x = 1/x.
    ///
    /// At x = 0 the value is -∞ and the derivative +∞; below 0 both are NaN,
    /// as `f64::ln` gives.
    #[inline]
    pub fn ln(self) -> Var<'t> {
        self.tape().unary(Op::Ln, self)
    }

    /// √x. d/dx √x = 1/(2√x).
    ///
    /// At x = 0 the derivative is +∞; below 0 value and derivative are NaN.
    #[inline]
    pub fn sqrt(self) -> Var<'t> {
        self.tape().unary(Op::Sqrt, self)
    }

    /// xⁿ for an integer n. d/dx xⁿ = n·xⁿ⁻¹.
    ///
    /// For n = 0 the derivative is 0 everywhere, x = 0 included (the rule
    /// would otherwise compute 0·0⁻¹ = 0·∞ = NaN).
    #[inline]
    pub fn powi(self, n: i32) -> Var<'t> {
        self.tape().unary(Op::Powi(n), self)
    }

    /// xᶜ for a constant real exponent c. d/dx xᶜ = c·xᶜ⁻¹.
    ///
    /// For c = 0 the derivative is 0 everywhere. A negative base with a
    /// non-integer exponent gives NaN, as `f64::powf` does.
    #[inline]
    pub fn powf(self, c: f64) -> Var<'t> {
        self.tape().unary(Op::Powf(c), self)
    }

    /// xʸ with both base and exponent on the tape.
    ///
    /// ∂(xʸ)/∂x = y·xʸ⁻¹ and ∂(xʸ)/∂y = xʸ·ln x.
    ///
    /// Conventions: for y = 0 the partial towards x is 0. Where xʸ = 0 (a
    /// zero base with a positive exponent) the partial towards y is 0, the
    /// limit of xʸ·ln x as x → 0⁺. For a negative base, xʸ is not a
    /// differentiable function of y on the reals, and that partial is NaN.
    ///
    /// # Panics
    ///
    /// Panics if `exponent` belongs to another tape.
    #[inline]
    pub fn pow(self, exponent: Var<'t>) -> Var<'t> {
        self.tape().binary(Op::Pow, self, exponent)
    }

    /// sin x. d/dx sin x = cos x.
    #[inline]
    pub fn sin(self) -> Var<'t> {
        self.tape().unary(Op::Sin, self)
    }

    /// cos x. d/dx cos x = -sin x.
    #[inline]
    pub fn cos(self) -> Var<'t> {
        self.tape().unary(Op::Cos, self)
    }

    /// tanh x. d/dx tanh x = 1 - tanh² x, computed so that it does not
    /// round to 0 in the tails while the true value is a normal number.
    #[inline]
    pub fn tanh(self) -> Var<'t> {
        self.tape().unary(Op::Tanh, self)
    }

    /// The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ). σ'(x) = σ(x)·(1 - σ(x)).
    ///
    /// Computed from e^(-|x|), so that neither value nor derivative
    /// overflows or turns NaN for any finite x, and the derivative keeps its
    /// relative accuracy far into both tails (σ'(-90) ≈ 8.19e-40, not 0).
    #[inline]
    pub fn sigmoid(self) -> Var<'t> {
        self.tape().unary(Op::Sigmoid, self)
    }

    /// The rectifier max(x, 0). Its derivative is 1 for x > 0 and 0 for
    /// x ≤ 0: at the kink x = 0 the convention is 0.
    ///
    /// A NaN input gives a NaN value and a NaN derivative.
    #[inline]
    pub fn relu(self) -> Var<'t> {
        self.tape().unary(Op::Relu, self)
    }

    /// |x|. Its derivative is the sign of x, and 0 at the kink x = 0.
    #[inline]
    pub fn abs(self) -> Var<'t> {
        self.tape().unary(Op::Abs, self)
    }

    /// The larger of two values. The partial is 1 towards the larger operand
    /// and 0 towards the other; on a tie each operand gets ½, so that the
    /// sum of the partials is still 1 and neither gets the full gradient.
    ///
    /// If either operand is NaN the value and both partials are NaN.
    ///
    /// # Panics
    ///
    /// Panics if `rhs` belongs to another tape.
    #[inline]
    pub fn max(self, rhs: Var<'t>) -> Var<'t> {
        self.tape().binary(Op::Max, self, rhs)
    }

    /// The smaller of two values, with the conventions of [`Var::max`].
    ///
    /// # Panics
    ///
    /// Panics if `rhs` belongs to another tape.
    #[inline]
    pub fn min(self, rhs: Var<'t>) -> Var<'t> {
        self.tape().binary(Op::Min, self, rhs)
    }
}

impl Tape {
    /// Σ xᵢ as one node. ∂(Σ xᵢ)/∂xᵢ = 1 for each operand.
    ///
    /// The empty sum is 0.
    ///
    /// # Panics
    ///
    /// Panics if an operand belongs to another tape.
    #[inline]
    pub fn sum<'t>(&'t self, terms: &[Var<'t>]) -> Var<'t> {
        self.weighted_sum(Op::Sum, None, terms)
    }

    /// Σ cᵢ·xᵢ with constant coefficients, as one node.
    /// ∂(Σ cᵢxᵢ)/∂xᵢ = cᵢ.
    ///
    /// # Panics
    ///
    /// Panics if the two slices differ in length or an operand belongs to
    /// another tape.
    #[inline]
    pub fn linear<'t>(&'t self, coefficients: &[f64], terms: &[Var<'t>]) -> Var<'t> {
        assert_eq!(
            coefficients.len(),
            terms.len(),
            "Tape::linear needs one coefficient per term"
        );
        self.weighted_sum(Op::Linear, Some(coefficients), terms)
    }

    /// The dot product Σ xᵢ·yᵢ of two lists of variables, as one node.
    /// ∂/∂xᵢ = yᵢ and ∂/∂yᵢ = xᵢ.
    ///
    /// # Panics
    ///
    /// Panics if the two slices differ in length or an operand belongs to
    /// another tape.
    #[inline]
    pub fn dot<'t>(&'t self, xs: &[Var<'t>], ys: &[Var<'t>]) -> Var<'t> {
        assert_eq!(xs.len(), ys.len(), "Tape::dot needs lists of equal length");
        self.dot_product(xs, ys)
    }
}
