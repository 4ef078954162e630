//! Checking a tape's gradient against central finite differences.

use std::fmt;

use crate::{Tape, Var};

/// The outcome of [`check_gradient`]: the gradient the tape computed, the
/// finite-difference estimate, and where they disagree most.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCheck {
    /// ∂f/∂xᵢ from the tape's reverse sweep.
    pub tape: Vec<f64>,
    /// The central difference (f(x + hᵢeᵢ) - f(x - hᵢeᵢ)) / 2hᵢ.
    pub finite_difference: Vec<f64>,
    /// The index of the input with the largest [`GradientCheck::error`].
    pub worst: usize,
}

impl GradientCheck {
    /// The mismatch at input `i`, relative where the derivatives are large
    /// and absolute where they are small:
    /// |tape - fd| / max(1, |tape|, |fd|).
    ///
    /// A NaN on either side gives an infinite error, so that it is never
    /// mistaken for agreement.
    ///
    /// # Panics
    ///
    /// Panics if `i` is not an input index.
    pub fn error(&self, i: usize) -> f64 {
        let (t, d) = (self.tape[i], self.finite_difference[i]);
        let scale = 1.0_f64.max(t.abs()).max(d.abs());
        let error = (t - d).abs() / scale;
        if error.is_nan() { f64::INFINITY } else { error }
    }

    /// The largest mismatch over all inputs; 0 for a function of no inputs.
    pub fn max_error(&self) -> f64 {
        if self.tape.is_empty() {
            0.0
        } else {
            self.error(self.worst)
        }
    }

    /// Whether every input's mismatch is at most `tolerance`.
    pub fn is_within(&self, tolerance: f64) -> bool {
        self.max_error() <= tolerance
    }
}

impl fmt::Display for GradientCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.tape.is_empty() {
            return write!(f, "no inputs to check");
        }
        let i = self.worst;
        write!(
            f,
            "worst mismatch at input {i}: tape {:e}, finite difference {:e}, error {:e}",
            self.tape[i],
            self.finite_difference[i],
            self.error(i)
        )
    }
}

/// Compares the gradient of `f` at `point`, as the tape computes it, with
/// central finite differences, and reports the worst mismatch.
///
/// `f` receives a fresh tape and one input variable per coordinate of
/// `point`, and returns the output. It is called once to record the tape
/// gradient and twice per input for the differences, with step
/// hᵢ = ∛ε · max(1, |xᵢ|) (ε the machine epsilon), the step that balances
/// the truncation error of the central difference against rounding. Expect
/// agreement to about 1e-7 for smooth functions of moderate size; a kink
/// within hᵢ of the point spoils the estimate, not the tape. Known
/// shortcoming: the step grows with |xᵢ|, so for a function that varies on
/// a fixed scale far from 0 (sin x at x = 1e6, where hᵢ ≈ 6) the estimate
/// is meaningless; a step chosen from the function's own curvature
/// (Richardson extrapolation) would fix that.
///
/// # Examples
///
/// ```
/// use tape::check_gradient;
///
/// let check = check_gradient(|_, x| (x[0] * x[1]).sin() + x[0].exp(), &[0.3, -1.2]);
/// assert!(check.is_within(1e-7), "{check}");
/// ```
pub fn check_gradient<F>(f: F, point: &[f64]) -> GradientCheck
where
    F: for<'t> Fn(&'t Tape, &[Var<'t>]) -> Var<'t>,
{
    let tape_gradient = {
        let tape = Tape::new();
        let inputs: Vec<Var<'_>> = point.iter().map(|&x| tape.var(x)).collect();
        let output = f(&tape, &inputs);
        let grads = tape.backward(output);
        inputs.iter().map(|&x| grads.wrt(x)).collect::<Vec<f64>>()
    };

    let mut tape = Tape::new();
    let mut shifted = point.to_vec();
    let mut evaluate = |shifted: &[f64]| {
        tape.clear();
        let inputs: Vec<Var<'_>> = shifted.iter().map(|&x| tape.var(x)).collect();
        f(&tape, &inputs).value()
    };
    let step_scale = f64::EPSILON.cbrt();
    let mut finite_difference = Vec::with_capacity(point.len());
    for i in 0..point.len() {
        let h = step_scale * point[i].abs().max(1.0);
        shifted[i] = point[i] + h;
        let above = evaluate(&shifted);
        shifted[i] = point[i] - h;
        let below = evaluate(&shifted);
        shifted[i] = point[i];

        // Divide by the step actually taken, which rounding may have changed.
        finite_difference.push((above - below) / ((point[i] + h) - (point[i] - h)));
    }

    let mut check = GradientCheck {
        tape: tape_gradient,
        finite_difference,
        worst: 0,
    };
    check.worst = (0..point.len())
        .max_by(|&i, &j| check.error(i).total_cmp(&check.error(j)))
        .unwrap_or(0);
    check
}
