//! Replay: evaluate a recorded tape again at new inputs, without recording.
//!
//! A tape made with [`Tape::with_replay`] keeps each node's operation. A
//! replay walks the nodes in creation order, gives the inputs their new
//! values, and recomputes every other node's value and partials with the
//! same rule that recorded it, so a replayed tape holds exactly the numbers
//! a fresh recording at those inputs would, bit for bit.
//!
//! When replay is valid: exactly when recording the function at the new
//! inputs would append the same operations on the same operands. Every
//! operation of this crate is re-evaluated, so `max`, `min`, `relu` and
//! `abs` pick their side anew at the new values and stay right. What a tape
//! cannot see is a branch in the caller's own code on a value (`if
//! x.value() > 0.0 { … }`): replay follows the branch taken when recording.
//! Nodes made with [`Tape::custom`] carry caller-given partials that replay
//! cannot recompute, so a tape holding one is refused.

use std::fmt;

use crate::Tape;
use crate::fused;
use crate::rules::{self, Op};
use crate::tape::{KIND, Nodes};

/// Why a tape could not be replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The tape was made with [`Tape::new`], which does not keep the
    /// operations; make it with [`Tape::with_replay`].
    NotReplayable,
    /// The number of values given is not the number of inputs recorded.
    InputCount {
        /// Inputs recorded with [`Tape::var`].
        expected: usize,
        /// Values given to [`Tape::replay`].
        found: usize,
    },
    /// The node at this index was recorded with [`Tape::custom`].
    Custom(usize),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::NotReplayable => {
                write!(
                    f,
                    "the tape keeps no operations: make it with Tape::with_replay"
                )
            }
            ReplayError::InputCount { expected, found } => {
                write!(f, "replay needs {expected} input values, got {found}")
            }
            ReplayError::Custom(index) => write!(
                f,
                "node {index} was recorded with Tape::custom, which replay cannot recompute"
            ),
        }
    }
}

impl std::error::Error for ReplayError {}

impl Tape {
    /// Evaluates the recording again with new values for its inputs, in the
    /// order the inputs were recorded; afterwards every handle reads the new
    /// value and [`Tape::backward`] gives the gradient at the new inputs.
    ///
    /// # Examples
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::with_replay();
    /// let x = tape.var(2.0);
    /// let y = x * x + x.relu(); // dy/dx = 2x + [x > 0]
    /// assert_eq!(tape.backward(y).wrt(x), 5.0);
    ///
    /// tape.replay(&[-3.0])?;
    /// assert_eq!(y.value(), 9.0);
    /// assert_eq!(tape.backward(y).wrt(x), -6.0);
    /// # Ok::<(), tape::ReplayError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Returns a [`ReplayError`], and leaves the tape unchanged, if the tape
    /// was not made for replay, holds a [`Tape::custom`] node, or `inputs`
    /// does not hold one value per input.
    pub fn replay(&self, inputs: &[f64]) -> Result<(), ReplayError> {
        // SAFETY: no other reference to the storage is alive while replay
        // runs, and replay calls no code outside the crate.
        let Nodes {
            nodes,
            parents,
            partials,
            affine: units,
            ops,
            inputs: input_count,
            first_custom,
        } = unsafe { self.nodes_mut() };
        let ops = ops.as_ref().ok_or(ReplayError::NotReplayable)?;
        if let Some(index) = *first_custom {
            return Err(ReplayError::Custom(index - 1));
        }
        if inputs.len() != *input_count {
            return Err(ReplayError::InputCount {
                expected: *input_count,
                found: inputs.len(),
            });
        }

        let mut next_input = inputs.iter();
        // The shared inputs of the affine layer replayed last: the first
        // unit of a layer refreshes their values for all of its units. A
        // layer over no inputs has none and leaves this alone, since the
        // next layer's inputs start where its empty list does.
        let mut refreshed = None;
        for index in 1..nodes.len() {
            let node = nodes[index];
            match ops[index] {
                Op::Input => {
                    nodes[index].value = *next_input.next().expect("counted above");
                }
                Op::Constant => {}

                // Σ cᵢ·xᵢ: the coefficients are constants and stay.
                Op::Sum | Op::Linear => {
                    let start = (node.lhs & !KIND) as usize;
                    let edges = start..start + node.rhs as usize;
                    let terms = parents[edges.clone()].iter().zip(&partials[edges]);
                    let terms = terms.map(|(&parent, &c)| c * nodes[parent as usize].value);
                    nodes[index].value = rules::sum_in_order(terms);
                }

                // Σ xᵢ·yᵢ: each pair's partials are each other's values.
                Op::Dot => {
                    let start = (node.lhs & !KIND) as usize;
                    let mut value = rules::SUM_START;
                    for edge in (start..start + node.rhs as usize).step_by(2) {
                        let x = nodes[parents[edge] as usize].value;
                        let y = nodes[parents[edge + 1] as usize].value;
                        value += x * y;
                        partials[edge] = y;
                        partials[edge + 1] = x;
                    }
                    // The empty sum is +0, as `rules::sum_in_order` has it.
                    nodes[index].value = if node.rhs == 0 { 0.0 } else { value };
                }

                // z_j = Σᵢ w_jᵢ·xᵢ + b_j, whose stored input values are the
                // partials towards the weights.
                Op::Affine => {
                    let unit = units[(node.lhs & !KIND) as usize];
                    if unit.variable_inputs && unit.count > 0 && refreshed != Some(unit.inputs) {
                        let start = unit.inputs as usize;
                        let edges = start..start + unit.count as usize;
                        for (&parent, x) in parents[edges.clone()].iter().zip(&mut partials[edges])
                        {
                            *x = nodes[parent as usize].value;
                        }
                        refreshed = Some(unit.inputs);
                    }
                    nodes[index].value = fused::evaluate(nodes, partials, unit);
                }

                // ½ Σᵢ (xᵢ - tᵢ)²: the errors are the partials, and the
                // targets follow them in the shared lists.
                Op::SquaredError => {
                    let start = (node.lhs & !KIND) as usize;
                    let n = node.rhs as usize;
                    let (errors, targets) = partials[start..start + 2 * n].split_at_mut(n);
                    for ((e, &t), &parent) in
                        errors.iter_mut().zip(&*targets).zip(&parents[start..])
                    {
                        *e = nodes[parent as usize].value - t;
                    }
                    nodes[index].value = fused::half_sum_of_squares(errors);
                }

                // ln Σᵢ e^xᵢ: the partials are the softmax of the operands.
                Op::LogSumExp => {
                    let start = (node.lhs & !KIND) as usize;
                    let edges = start..start + node.rhs as usize;
                    for (&parent, x) in parents[edges.clone()]
                        .iter()
                        .zip(&mut partials[edges.clone()])
                    {
                        *x = nodes[parent as usize].value;
                    }
                    nodes[index].value = rules::log_sum_exp_in_place(&mut partials[edges]);
                }

                Op::Custom => unreachable!("refused above"),

                op => {
                    let x = nodes[node.lhs as usize].value;
                    let y = nodes[node.rhs as usize].value;
                    let (value, d_lhs, d_rhs) = op.eval(x, y);
                    let node = &mut nodes[index];
                    node.value = value;
                    node.d_lhs = d_lhs;
                    node.d_rhs = d_rhs;
                }
            }
        }
        Ok(())
    }
}
