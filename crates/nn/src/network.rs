//! The network: a stack of sigmoid layers and its named parameters.

use std::ops::Deref;

use indexmap::IndexMap;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use smallvec::SmallVec;
use tape::{Block, Tape, Var};

use crate::Layer;

/// How many handles a [`Vars`] holds before it moves them to the heap:
/// enough for the 12-3-2 network's 47 parameters and for layers of up to 64
/// units, so that a training step of
/// such networks allocates nothing.
const INLINE: usize = 64;

/// A list of variables, such as a network's parameters or a layer's
/// activations, kept inline (without a heap allocation) while it is short.
#[derive(Clone, Debug, Default)]
pub struct Vars<'t>(SmallVec<[Var<'t>; INLINE]>);

impl<'t> Vars<'t> {
    pub(crate) fn new() -> Vars<'t> {
        Vars(SmallVec::new())
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// Replaces each z by σ(z): a^l from z^l.
    pub(crate) fn sigmoid_in_place(&mut self) {
        for var in &mut self.0 {
            *var = var.sigmoid();
        }
    }
}

impl<'t> Extend<Var<'t>> for Vars<'t> {
    fn extend<I: IntoIterator<Item = Var<'t>>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

/// The parameters as recorded on a tape, in the form the layers take them.
#[derive(Clone, Copy)]
pub(crate) enum Recorded<'p, 't> {
    /// Consecutive nodes, as [`Network::record_parameters`] records them:
    /// each layer is then one run of fused affine nodes.
    Block(Block<'t>),
    /// Any other handles: each unit is a dot product plus its bias.
    Handles(&'p [Var<'t>]),
}

impl<'p, 't> Recorded<'p, 't> {
    /// `parameters` as a block if they are one, checked once here rather
    /// than by every layer of every image.
    pub(crate) fn new(tape: &'t Tape, parameters: &'p [Var<'t>]) -> Recorded<'p, 't> {
        match tape.block(parameters) {
            Some(block) => Recorded::Block(block),
            None => Recorded::Handles(parameters),
        }
    }

    fn len(self) -> usize {
        match self {
            Recorded::Block(block) => block.len(),
            Recorded::Handles(handles) => handles.len(),
        }
    }
}

/// The buffers of a forward pass: two lists of activations that take turns
/// as a layer's input and output.
pub(crate) struct Forward<'t> {
    activations: [Vars<'t>; 2],
}

impl<'t> Forward<'t> {
    pub(crate) fn new() -> Forward<'t> {
        Forward {
            activations: [Vars::new(), Vars::new()],
        }
    }
}

impl<'t> Deref for Vars<'t> {
    type Target = [Var<'t>];

    fn deref(&self) -> &[Var<'t>] {
        &self.0
    }
}

impl<'t> FromIterator<Var<'t>> for Vars<'t> {
    fn from_iter<I: IntoIterator<Item = Var<'t>>>(iter: I) -> Vars<'t> {
        Vars(iter.into_iter().collect())
    }
}

/// A fully connected network of sigmoid units, with its parameters.
///
/// The parameters are kept in an [`IndexMap`] from name to value in a fixed
/// order: layer by layer, and within a layer unit by unit, each unit's
/// weights w^l_j1 … w^l_jn followed by its bias b^l_j. Names are 1-based as
/// in the maths: `w2[1][1]` is w^2_11, the weight from input 1 into hidden
/// unit 1.
///
/// # Examples
///
/// The 12-3-2 network has 3·(12 + 1) + 2·(3 + 1) = 47 parameters:
///
/// ```
/// use nn::Network;
///
/// let network = Network::new(&[12, 3, 2], 7);
/// assert_eq!(network.parameters().len(), 47);
/// assert_eq!(network.parameters().get_index(0).unwrap().0, "w2[1][1]");
/// assert_eq!(network.parameters().get_index(12).unwrap().0, "b2[1]");
/// assert_eq!(network.parameters().get_index(46).unwrap().0, "b3[2]");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    layers: Vec<Layer>,
    parameters: IndexMap<String, f64>,
}

impl Network {
    /// A network with the given layer sizes, input layer first, whose
    /// parameters are drawn uniformly from [-1, 1] by a random generator
    /// seeded with `seed`: the same seed gives the same network.
    ///
    /// # Panics
    ///
    /// Panics if there are fewer than two sizes or a size is 0.
    pub fn new(sizes: &[usize], seed: u64) -> Network {
        let mut network = Network::zeros(sizes);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for value in network.parameters.values_mut() {
            *value = rng.random_range(-1.0..=1.0);
        }
        network
    }

    /// A network with the given layer sizes and every parameter 0.
    ///
    /// # Panics
    ///
    /// Panics if there are fewer than two sizes or a size is 0.
    pub fn zeros(sizes: &[usize]) -> Network {
        assert!(
            sizes.len() >= 2,
            "a network needs an input and an output layer"
        );
        assert!(
            sizes.iter().all(|&n| n > 0),
            "every layer needs at least one unit"
        );

        let mut layers = Vec::with_capacity(sizes.len() - 1);
        let mut offset = 0;
        for (k, pair) in sizes.windows(2).enumerate() {
            let layer = Layer::new(k + 2, pair[0], pair[1], offset);
            offset += layer.parameter_count();
            layers.push(layer);
        }
        let parameters = layers
            .iter()
            .flat_map(Layer::parameter_names)
            .map(|name| (name, 0.0))
            .collect();
        Network { layers, parameters }
    }

    /// The layers after the input layer, numbered from 2.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layer sizes, input layer first.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.layers[0].inputs()];
        sizes.extend(self.layers.iter().map(Layer::units));
        sizes
    }

    /// The number of inputs, the units of layer 1.
    pub fn inputs(&self) -> usize {
        self.layers[0].inputs()
    }

    /// The number of output units.
    pub fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].units()
    }

    /// The parameters by name, in the network's fixed order.
    pub fn parameters(&self) -> &IndexMap<String, f64> {
        &self.parameters
    }

    /// The parameter values in the network's fixed order, for changing them
    /// in place (a training step does). Names and order cannot change.
    pub fn parameter_values_mut(&mut self) -> impl Iterator<Item = &mut f64> {
        self.parameters.values_mut()
    }

    /// Records every parameter on `tape` as an input variable, in the
    /// network's order, one after another (so that they form a
    /// [`Block`], which the forward pass records fastest).
    pub fn record_parameters<'t>(&self, tape: &'t Tape) -> Vars<'t> {
        self.parameters.values().map(|&p| tape.var(p)).collect()
    }

    /// Records the forward pass for one image and returns the output
    /// activations a^L, one variable per output unit.
    ///
    /// `parameters` are the variables from [`Network::record_parameters`].
    ///
    /// # Panics
    ///
    /// Panics if `pixels` does not have one value per input, or
    /// `parameters` one variable per parameter.
    pub fn record_forward<'t>(
        &self,
        tape: &'t Tape,
        parameters: &[Var<'t>],
        pixels: &[f64],
    ) -> Vars<'t> {
        let mut scratch = Forward::new();
        let parameters = Recorded::new(tape, parameters);
        self.record_forward_with(tape, parameters, pixels, &mut scratch, |_| {})
            .iter()
            .copied()
            .collect()
    }

    /// [`Network::record_forward`] with buffers that the caller reuses from
    /// image to image, so that a pass moves no lists around.
    ///
    /// `after_layer` is called with each layer's number l once its nodes
    /// are recorded (z^l, then a^l); naming the nodes needs it, and the
    /// training path passes a closure that does nothing.
    pub(crate) fn record_forward_with<'s, 't>(
        &self,
        tape: &'t Tape,
        parameters: Recorded<'_, 't>,
        pixels: &[f64],
        scratch: &'s mut Forward<'t>,
        mut after_layer: impl FnMut(&Layer),
    ) -> &'s [Var<'t>] {
        assert_eq!(pixels.len(), self.inputs(), "one pixel per input unit");
        assert_eq!(
            parameters.len(),
            self.parameters.len(),
            "one variable per parameter"
        );
        // a^2 from the pixels a^1 = x, which are constants of the tape.
        let first = &mut scratch.activations[0];
        self.layers[0].forward_from_constants(tape, parameters, pixels, first);
        after_layer(&self.layers[0]);

        // a^l from a^(l-1) for the layers after the first, the two buffers
        // taking turns as input and output (swapping them would copy their
        // inline storage).
        let mut current = 0;
        for layer in &self.layers[1..] {
            let [first, second] = &mut scratch.activations;
            let (input, output) = if current == 0 {
                (first, second)
            } else {
                (second, first)
            };
            layer.forward(tape, parameters, input, output);
            after_layer(layer);
            current = 1 - current;
        }
        &scratch.activations[current]
    }

    /// The output activations a^L for one image.
    ///
    /// # Panics
    ///
    /// Panics if `pixels` does not have one value per input.
    pub fn output(&self, pixels: &[f64]) -> Vec<f64> {
        let tape = Tape::new();
        let parameters = self.record_parameters(&tape);
        let outputs = self.record_forward(&tape, &parameters, pixels);
        outputs.iter().map(|a| a.value()).collect()
    }

    /// The predicted class of an image: the output unit with the largest
    /// activation, the last of them on a tie. For the 0/1 network that is
    /// "0" when a^3_1 > a^3_2, else "1".
    ///
    /// # Panics
    ///
    /// Panics if `pixels` does not have one value per input.
    pub fn predict(&self, pixels: &[f64]) -> usize {
        let output = self.output(pixels);
        let mut best = 0;
        for (j, &a) in output.iter().enumerate() {
            if a >= output[best] {
                best = j;
            }
        }
        best
    }
}
