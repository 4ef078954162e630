//! The network: a stack of sigmoid layers and its named parameters.

use indexmap::IndexMap;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tape::{Tape, Var};

use crate::Layer;

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
    /// network's order.
    pub fn record_parameters<'t>(&self, tape: &'t Tape) -> Vec<Var<'t>> {
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
    ) -> Vec<Var<'t>> {
        assert_eq!(pixels.len(), self.inputs(), "one pixel per input unit");
        assert_eq!(
            parameters.len(),
            self.parameters.len(),
            "one variable per parameter"
        );

        // a^1 = x, followed by the constant 1 that multiplies each bias.
        let mut pixels_and_one = Vec::with_capacity(pixels.len() + 1);
        pixels_and_one.extend_from_slice(pixels);
        pixels_and_one.push(1.0);
        let mut activations = Vec::new();
        self.layers[0].forward_from_constants(tape, parameters, &pixels_and_one, &mut activations);

        // a^l from a^(l-1) for the layers after the first.
        let one = tape.constant(1.0);
        let mut next = Vec::new();
        for layer in &self.layers[1..] {
            activations.push(one);
            layer.forward(tape, parameters, &activations, &mut next);
            std::mem::swap(&mut activations, &mut next);
        }
        activations
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
    /// activation (the first of them on a tie). For the 0/1 network, 0
    /// means "a 0" (a^3_1 > a^3_2) and 1 means "a 1".
    ///
    /// # Panics
    ///
    /// Panics if `pixels` does not have one value per input.
    pub fn predict(&self, pixels: &[f64]) -> usize {
        let output = self.output(pixels);
        let mut best = 0;
        for (j, &a) in output.iter().enumerate() {
            if a > output[best] {
                best = j;
            }
        }
        best
    }
}
