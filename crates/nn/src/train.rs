//! Full-batch gradient descent, with optional momentum.
//!
//! Every step takes the gradient of C_T over the whole training set and moves
//! each parameter p against it:
//!
//! ```text
//! v ← μ·v - η·∂C_T/∂p
//! p ← p + v
//! ```
//!
//! With momentum μ = 0 this is plain gradient descent, Δp = -η·∂C_T/∂p.

use std::fmt;

use tape::{Gradients, NonFinite, NonFiniteKind, Tape};

use crate::cost::math_name;
use crate::{CostTape, Dataset, Network, node_names, record_total_cost};

/// A gradient-descent trainer: the learning rate η, the momentum μ, the
/// velocity v of every parameter, and a tape that is cleared and reused at
/// every step.
///
/// # Examples
///
/// ```
/// use nn::{Dataset, Network, Trainer};
///
/// let data = Dataset::builtin();
/// let mut network = Network::new(&[12, 3, 2], 1);
/// let mut trainer = Trainer::new(0.5, 0.9)?;
/// let before = network.cost(&data);
/// for _ in 0..100 {
///     trainer.step(&mut network, &data)?;
/// }
/// assert!(network.cost(&data) < before);
/// # Ok::<(), nn::TrainError>(())
/// ```
#[derive(Debug)]
pub struct Trainer {
    learning_rate: f64,
    momentum: f64,
    epoch: usize,
    velocity: Vec<f64>,
    /// The parameters the last step left, to tell whether the next step
    /// continues from them (and keeps the velocity) or not.
    left: Vec<f64>,
    gradient: Vec<f64>,
    tape: Tape,
    grads: Gradients,
    recording: Recording,
    /// The replayable recording and the data it was recorded on.
    replay: Option<(CostTape, Dataset)>,
}

/// How a [`Trainer`] gets the gradient of each step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Recording {
    /// Clear the tape, record the forward pass, sweep: the plain way.
    #[default]
    EveryStep,
    /// Record once on a replayable tape ([`CostTape`]), then replay it at
    /// each step's parameters. Same numbers, to the last bit; faster.
    Replay,
}

impl Trainer {
    /// A trainer with learning rate η = `learning_rate` and momentum
    /// μ = `momentum`.
    ///
    /// # Errors
    ///
    /// Returns [`TrainError::LearningRate`] unless η is finite and positive,
    /// and [`TrainError::Momentum`] unless 0 ≤ μ < 1.
    pub fn new(learning_rate: f64, momentum: f64) -> Result<Trainer, TrainError> {
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(TrainError::LearningRate(learning_rate));
        }
        if !(0.0..1.0).contains(&momentum) {
            return Err(TrainError::Momentum(momentum));
        }
        Ok(Trainer {
            learning_rate,
            momentum,
            epoch: 0,
            velocity: Vec::new(),
            left: Vec::new(),
            gradient: Vec::new(),
            tape: Tape::new(),
            grads: Gradients::new(),
            recording: Recording::EveryStep,
            replay: None,
        })
    }

    /// The same trainer, getting its gradients the given way.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::{Dataset, Network, Recording, Trainer};
    ///
    /// let data = Dataset::builtin();
    /// let (mut a, mut b) = (Network::new(&[12, 3, 2], 1), Network::new(&[12, 3, 2], 1));
    /// let mut plain = Trainer::new(0.5, 0.9)?;
    /// let mut replaying = Trainer::new(0.5, 0.9)?.with_recording(Recording::Replay);
    /// for _ in 0..50 {
    ///     plain.step(&mut a, &data)?;
    ///     replaying.step(&mut b, &data)?;
    /// }
    /// assert_eq!(a, b);
    /// # Ok::<(), nn::TrainError>(())
    /// ```
    pub fn with_recording(mut self, recording: Recording) -> Trainer {
        self.recording = recording;
        self
    }

    /// The learning rate η.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// The momentum μ.
    pub fn momentum(&self) -> f64 {
        self.momentum
    }

    /// How many steps have been taken.
    pub fn epochs(&self) -> usize {
        self.epoch
    }

    /// The gradient ∂C_T/∂p of the last step, in parameter order.
    pub fn gradient(&self) -> &[f64] {
        &self.gradient
    }

    /// One epoch of full-batch gradient descent: the gradient of C_T over
    /// all of `data`, then the update of every parameter. Returns C_T at the
    /// parameters before the update.
    ///
    /// The velocity carries over from the last step only if `network` holds
    /// the parameters that step left; another network, or one whose
    /// parameters were changed in between, starts from rest (v = 0).
    ///
    /// # Errors
    ///
    /// Returns [`TrainError::NonFinite`] if C_T, its gradient or an updated
    /// parameter is NaN or infinite, and [`TrainError::Stalled`] if the
    /// gradient is exactly 0 while C_T is not. The network is then left as
    /// it was before the step: the last finite parameters are kept.
    ///
    /// # Panics
    ///
    /// Panics if an image does not fit the network (pixel count or class).
    pub fn step(&mut self, network: &mut Network, data: &Dataset) -> Result<f64, TrainError> {
        let cost = match self.recording {
            Recording::EveryStep => network.cost_gradient_into(
                data,
                &mut self.tape,
                &mut self.grads,
                &mut self.gradient,
            ),
            Recording::Replay => {
                // Record again only if the data or the network's shape is not
                // the one recorded.
                let fresh = matches!(
                    &self.replay,
                    Some((cost_tape, recorded)) if recorded == data && cost_tape.fits(network)
                );
                if !fresh {
                    self.replay = Some((CostTape::record(network, data), data.clone()));
                }
                let (cost_tape, _) = self.replay.as_mut().expect("recorded above");
                cost_tape.cost_gradient_into(network, &mut self.gradient)
            }
        };
        let epoch = self.epoch + 1;
        if !cost.is_finite() || !self.gradient.iter().all(|g| g.is_finite()) {
            let first = first_non_finite(network, data);
            return Err(TrainError::NonFinite { epoch, cost, first });
        }

        // Every sigmoid the cost passes through is saturated (σ' rounds to
        // 0), as a huge η leaves them: nothing can move the network now.
        if cost > 0.0 && self.gradient.iter().all(|&g| g == 0.0) {
            return Err(TrainError::Stalled { epoch, cost });
        }

        // The velocity belongs to the parameters the last step left. Any
        // other network, or this one changed since, starts from rest: the
        // momentum of one network has nothing to say about another.
        let resumed = self.left.len() == self.gradient.len()
            && network.parameters().values().eq(self.left.iter());
        if !resumed {
            self.velocity.clear();
            self.velocity.resize(self.gradient.len(), 0.0);
        }

        // v ← μ·v - η·∂C_T/∂p, then p ← p + v. A huge η can overflow the
        // update even though C_T and its gradient are finite, so every new
        // value is checked before any parameter changes.
        let (mu, eta) = (self.momentum, self.learning_rate);
        let overflow = network
            .parameters()
            .iter()
            .zip(&self.velocity)
            .zip(&self.gradient)
            .find(|&(((_, &p), &v), &grad)| !(p + (mu * v - eta * grad)).is_finite());
        if let Some((((name, &p), &v), &grad)) = overflow {
            let name = math_name(name);
            let first = Some(format!(
                "the update of {name} overflows: {name} = {p:?}, ∂C_T/∂{name} = {grad:?}, \
                 v ← μ·v - η·∂C_T/∂p = {:?}",
                mu * v - eta * grad
            ));
            return Err(TrainError::NonFinite { epoch, cost, first });
        }
        let values = network.parameter_values_mut();
        self.left.clear();
        for ((p, v), &grad) in values.zip(&mut self.velocity).zip(&self.gradient) {
            *v = mu * *v - eta * grad;
            *p += *v;
            self.left.push(*p);
        }
        self.epoch = epoch;
        Ok(cost)
    }
}

/// Why a trainer could not be made or a step could not be taken.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// The learning rate η was not a finite positive number.
    LearningRate(f64),
    /// The momentum μ was outside [0, 1).
    Momentum(f64),
    /// C_T, its gradient or an updated parameter became NaN or infinite at
    /// this epoch (1-based); the parameters were not updated.
    NonFinite {
        /// The epoch at which it happened.
        epoch: usize,
        /// C_T at that epoch.
        cost: f64,
        /// Where it started, if it could be found: the first node of the
        /// recording whose value or adjoint is not finite, named as in the
        /// maths (`z^2_1[5]` for z^2_1 on image 5), with its operation and
        /// operands; or the parameter whose update overflows.
        first: Option<String>,
    },
    /// Every entry of ∂C_T/∂p was exactly 0 at this epoch (1-based) while
    /// C_T was not: the units are saturated, σ'(z) rounds to 0, and no
    /// step of gradient descent can change the network any more. A too
    /// large η leads here. The parameters were not updated.
    Stalled {
        /// The epoch at which it happened.
        epoch: usize,
        /// C_T at that epoch.
        cost: f64,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::LearningRate(eta) => {
                write!(f, "learning rate η must be a finite number > 0, not {eta}")
            }
            TrainError::Momentum(mu) => write!(f, "momentum μ must be in [0, 1), not {mu}"),
            TrainError::NonFinite { epoch, cost, first } => {
                write!(
                    f,
                    "C_T, its gradient or a parameter became non-finite at epoch {epoch} \
                     (C_T = {cost}); the parameters of epoch {} were kept",
                    epoch - 1
                )?;
                match first {
                    Some(first) => write!(f, "; first non-finite: {first}"),
                    None => Ok(()),
                }
            }
            TrainError::Stalled { epoch, cost } => write!(
                f,
                "training stalled at epoch {epoch}: every ∂C_T/∂p is exactly 0 while \
                 C_T = {cost}, so no step can change the network (its sigmoid units are \
                 saturated; a smaller learning rate η avoids that); the parameters of epoch {} \
                 were kept",
                epoch - 1
            ),
        }
    }
}

impl std::error::Error for TrainError {}

/// Records the step again on a tape that keeps its operations, and names
/// the first node whose value or adjoint is not finite. Only run once a
/// step has failed, so its cost does not matter.
fn first_non_finite(network: &Network, data: &Dataset) -> Option<String> {
    let tape = Tape::with_replay();
    let parameters = network.record_parameters(&tape);
    let cost = record_total_cost(network, &tape, &parameters, data);
    let grads = tape.backward(cost);
    let bad = tape.first_non_finite(Some(&grads))?;
    Some(describe(&bad, &node_names(network, data)))
}

/// A report of `bad` with each node called by its name in the maths, the
/// numbers written as `{:?}` writes them (1e-320, not 320 digits).
fn describe(bad: &NonFinite, names: &[String]) -> String {
    let name = |index: usize| names.get(index).map_or("?", String::as_str);
    let node = name(bad.index);
    let mut text = match bad.kind {
        NonFiniteKind::Value => format!("{node} = {:?} ({})", bad.value, bad.operation),
        NonFiniteKind::Adjoint => format!(
            "∂C_T/∂{node} = {:?} ({}, value {:?})",
            bad.adjoint.unwrap_or(f64::NAN),
            bad.operation,
            bad.value
        ),
    };
    let operands: Vec<String> = bad
        .operands
        .iter()
        .map(|&(index, value)| format!("{} = {value:?}", name(index)))
        .collect();
    if !operands.is_empty() {
        text += &format!(" from {}", operands.join(", "));
        let more = bad.operand_count - bad.operands.len();
        if more > 0 {
            text += &format!(" and {more} more");
        }
    }
    text
}
