//! The cost: squared error per image, summed over the training set.
//!
//! ```text
//! C_k = ½ Σ_j (t_j - a^L_j[k])²
//! C_T = Σ_k C_k
//! ```
//!
//! where t is the teacher signal of image k: 1 at the unit of its class and
//! 0 elsewhere, so (1, 0) for a "0" and (0, 1) for a "1".

use smallvec::SmallVec;
use tape::{Gradients, Tape, Var};

use crate::network::{Forward, Recorded};
use crate::{Dataset, Layer, Network};

/// How many image costs C_k are gathered without a heap allocation: the
/// built-in set's 64.
const INLINE_IMAGES: usize = 64;

/// Records C_k, the cost of one image, from the output activations a^L and
/// the image's class.
///
/// # Panics
///
/// Panics if `class` is not an output unit.
pub fn record_image_cost<'t>(tape: &'t Tape, outputs: &[Var<'t>], class: usize) -> Var<'t> {
    assert!(class < outputs.len(), "class {class} has no output unit");
    // C_k = ½ Σ_j (a^L_j - t_j)² as one node, whose partial towards each
    // output is the error a^L_j - t_j.
    let mut targets: SmallVec<[f64; 16]> = SmallVec::from_elem(0.0, outputs.len());
    targets[class] = 1.0;
    tape.squared_error(outputs, &targets)
}

/// Records C_T, the total cost over a data set, and returns it.
///
/// # Panics
///
/// Panics if an image does not fit the network (pixel count or class).
pub fn record_total_cost<'t>(
    network: &Network,
    tape: &'t Tape,
    parameters: &[Var<'t>],
    data: &Dataset,
) -> Var<'t> {
    record_total_cost_naming(network, tape, parameters, data, None)
}

/// [`record_total_cost`], which also writes, when `names` are given, the
/// name of each node it records after the ones already named, in the
/// notation of the maths: `z^2_1[k]` and `a^2_1[k]` for unit 1 of layer 2
/// on image k (from 1), `C_k` and `C_T`.
fn record_total_cost_naming<'t>(
    network: &Network,
    tape: &'t Tape,
    parameters: &[Var<'t>],
    data: &Dataset,
    mut names: Option<&mut Vec<String>>,
) -> Var<'t> {
    let mut scratch = Forward::new();
    let parameters = Recorded::new(tape, parameters);
    let mut image_costs: SmallVec<[Var<'t>; INLINE_IMAGES]> = SmallVec::new();
    for (k, image) in (1..).zip(data.images()) {
        let name_layer = |layer: &Layer| {
            if let Some(names) = names.as_deref_mut() {
                let l = layer.number();
                let units = 1..=layer.units();
                names.extend(units.clone().map(|j| format!("z^{l}_{j}[{k}]")));
                names.extend(units.map(|j| format!("a^{l}_{j}[{k}]")));
                debug_assert_eq!(names.len(), tape.len(), "one name per node of layer {l}");
            }
        };
        let outputs =
            network.record_forward_with(tape, parameters, image.pixels(), &mut scratch, name_layer);
        image_costs.push(record_image_cost(tape, outputs, image.label()));
        if let Some(names) = names.as_deref_mut() {
            names.push(format!("C_{k}"));
        }
    }
    if let Some(names) = names {
        names.push("C_T".to_owned());
    }
    tape.sum(&image_costs)
}

/// The name of every node that recording C_T of `network` over `data` puts
/// on a tape, by [`Var::index`](tape::Var::index): the parameters first
/// (`w^2_11` … `b^3_2`), then the nodes of each image, then C_T. A report
/// about a node of the tape can so say which quantity of the maths it is.
///
/// # Panics
///
/// Panics if an image does not fit the network (pixel count or class).
pub fn node_names(network: &Network, data: &Dataset) -> Vec<String> {
    let tape = Tape::new();
    let parameters = network.record_parameters(&tape);
    let mut names: Vec<String> = network.parameters().keys().map(|p| math_name(p)).collect();
    record_total_cost_naming(network, &tape, &parameters, data, Some(&mut names));
    assert_eq!(names.len(), tape.len(), "one name per node");
    names
}

/// A parameter's name as the maths writes it: `w2[1][3]` is w^2_13 and
/// `b3[2]` is b^3_2.
pub(crate) fn math_name(parameter: &str) -> String {
    let (letter, rest) = parameter.split_at(1);
    let (layer, indices) = rest.split_once('[').unwrap_or((rest, ""));
    let indices: Vec<&str> = indices
        .split(['[', ']'])
        .filter(|i| !i.is_empty())
        .collect();
    // w^l_ji runs j and i together while both are single digits, as the
    // maths writes it; wider layers need a comma to be read back.
    let separator = if indices.iter().all(|i| i.len() == 1) {
        ""
    } else {
        ","
    };
    format!("{letter}^{layer}_{}", indices.join(separator))
}

/// The total cost C_T and its gradient ∂C_T/∂p for every parameter p, in the
/// network's parameter order.
#[derive(Clone, Debug, PartialEq)]
pub struct CostGradient {
    /// C_T at the parameters the gradient was taken at.
    pub cost: f64,
    /// ∂C_T/∂p, one entry per parameter, in [`Network::parameters`] order.
    pub gradient: Vec<f64>,
}

impl Network {
    /// The total cost C_T of the network on `data`.
    ///
    /// Each image is recorded on a tape that is cleared before the next,
    /// so the memory this takes does not grow with the data set. The costs
    /// C_k are added in image order, as the sum node of a full recording
    /// adds them, so this is the same number [`Network::cost_gradient`]
    /// gives, to the last bit.
    ///
    /// # Panics
    ///
    /// Panics if an image does not fit the network (pixel count or class).
    pub fn cost(&self, data: &Dataset) -> f64 {
        let mut tape = Tape::new();
        let mut total = 0.0;
        for image in data.images() {
            tape.clear();
            let parameters = self.record_parameters(&tape);
            let outputs = self.record_forward(&tape, &parameters, image.pixels());
            total += record_image_cost(&tape, &outputs, image.label()).value();
        }
        total
    }

    /// C_T and its gradient with respect to every parameter, from one reverse
    /// sweep of the tape.
    ///
    /// # Examples
    ///
    /// ```
    /// use nn::{Dataset, Network};
    ///
    /// let network = Network::new(&[12, 3, 2], 1);
    /// let data = Dataset::builtin();
    /// let result = network.cost_gradient(&data);
    /// assert_eq!(result.gradient.len(), 47);
    /// assert_eq!(result.cost, network.cost(&data));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if an image does not fit the network (pixel count or class).
    pub fn cost_gradient(&self, data: &Dataset) -> CostGradient {
        let mut tape = Tape::new();
        let mut grads = Gradients::new();
        let mut gradient = Vec::new();
        let cost = self.cost_gradient_into(data, &mut tape, &mut grads, &mut gradient);
        CostGradient { cost, gradient }
    }

    /// Like [`Network::cost_gradient`], but records on `tape` (clearing it
    /// first), sweeps into `grads` and writes the gradient into `gradient`,
    /// so that a training loop reuses their memory. Returns C_T.
    ///
    /// # Panics
    ///
    /// Panics if an image does not fit the network (pixel count or class).
    pub fn cost_gradient_into(
        &self,
        data: &Dataset,
        tape: &mut Tape,
        grads: &mut Gradients,
        gradient: &mut Vec<f64>,
    ) -> f64 {
        tape.clear();
        let parameters = self.record_parameters(tape);
        let cost = record_total_cost(self, tape, &parameters, data);
        tape.backward_into(cost, grads);

        gradient.clear();
        gradient.extend(parameters.iter().map(|&p| grads.wrt(p)));
        cost.value()
    }
}

/// C_T recorded once on a replayable tape, then evaluated again at each new
/// set of parameters by [`Tape::replay`], without recording anything.
///
/// The recording holds the data set: the pixels are constants of the tape.
/// It is valid for any parameters of a network of the same layer sizes,
/// because the forward pass of this crate takes no branch on a value.
///
/// # Examples
///
/// Replay gives the same numbers as recording afresh, to the last bit:
///
/// ```
/// use nn::{CostTape, Dataset, Network};
///
/// let data = Dataset::builtin();
/// let mut network = Network::new(&[12, 3, 2], 1);
/// let mut cost_tape = CostTape::record(&network, &data);
///
/// network = Network::new(&[12, 3, 2], 2);
/// let replayed = cost_tape.cost_gradient(&network);
/// assert_eq!(replayed, network.cost_gradient(&data));
/// ```
#[derive(Debug)]
pub struct CostTape {
    tape: Tape,
    sizes: Vec<usize>,
    /// The index of the C_T node; the parameters are nodes 0 … P - 1.
    cost: usize,
    parameters: Vec<f64>,
    grads: Gradients,
}

impl CostTape {
    /// Records C_T of `network` over `data` on a replayable tape.
    ///
    /// # Panics
    ///
    /// Panics if an image does not fit the network (pixel count or class).
    pub fn record(network: &Network, data: &Dataset) -> CostTape {
        let tape = Tape::with_replay();
        let cost = {
            let parameters = network.record_parameters(&tape);
            debug_assert!(parameters.iter().enumerate().all(|(k, p)| p.index() == k));
            record_total_cost(network, &tape, &parameters, data).index()
        };
        CostTape {
            tape,
            sizes: network.sizes(),
            cost,
            parameters: Vec::with_capacity(network.parameters().len()),
            grads: Gradients::new(),
        }
    }

    /// Whether `network` has the layer sizes of the recorded one, so that
    /// the recording can be replayed at its parameters.
    pub fn fits(&self, network: &Network) -> bool {
        network.layers().len() + 1 == self.sizes.len()
            && network.inputs() == self.sizes[0]
            && network
                .layers()
                .iter()
                .zip(&self.sizes[1..])
                .all(|(l, &n)| l.units() == n)
    }

    /// C_T and ∂C_T/∂p at the parameters of `network`, by replay.
    ///
    /// # Panics
    ///
    /// Panics if `network` does not have the layer sizes of the recorded
    /// one.
    pub fn cost_gradient(&mut self, network: &Network) -> CostGradient {
        let mut gradient = Vec::new();
        let cost = self.cost_gradient_into(network, &mut gradient);
        CostGradient { cost, gradient }
    }

    /// Like [`CostTape::cost_gradient`], writing the gradient into
    /// `gradient` and returning C_T, with no allocation once `gradient` has
    /// room.
    ///
    /// # Panics
    ///
    /// Panics if `network` does not have the layer sizes of the recorded
    /// one.
    pub fn cost_gradient_into(&mut self, network: &Network, gradient: &mut Vec<f64>) -> f64 {
        assert!(
            self.fits(network),
            "CostTape::cost_gradient_into needs a network of the recorded sizes {:?}",
            self.sizes
        );
        self.parameters.clear();
        self.parameters.extend(network.parameters().values());
        self.tape
            .replay(&self.parameters)
            .expect("a recorded cost has one input per parameter and no custom node");

        let cost = self
            .tape
            .node(self.cost)
            .expect("the cost node was recorded");
        self.tape.backward_into(cost, &mut self.grads);
        gradient.clear();
        gradient.extend_from_slice(&self.grads.as_slice()[..self.parameters.len()]);
        cost.value()
    }
}
