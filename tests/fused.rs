//! The fused operations (`Tape::affine`, `Tape::affine_constant` and
//! `Tape::squared_error`) against numbers computed another way:
//!
//! - small layers worked out by hand, with values chosen so that every
//!   product and sum is exact in binary, so the expected numbers are exact;
//! - the same functions built from the tape's general operations
//!   (`dot` or `linear` plus the bias, and ½ e·e for the squared error),
//!   which sum in the order the fused docs promise: values and gradients
//!   must agree to the last bit;
//! - central finite differences, which know nothing of the tape;
//! - a fresh recording, for a replayed tape.
//!
//! A fused layer whose parameters are not consecutive nodes falls back to
//! exactly the general operations of the second formulation. A bitwise
//! agreement would then prove nothing about the compact path, so the tests
//! check by the tape's length which path each layer took.

use proptest::collection::vec;
use proptest::prelude::*;
use tape::{Gradients, Tape, Var, check_gradient};

/// Cases per property: enough to meet every shape of a small network, few
/// enough that the file runs well under a second in a debug build.
const CASES: u32 = 128;

/// The mismatch [`tape::GradientCheck::error`] may reach for the sigmoid
/// network of `gradient_matches_finite_differences`, whose derivatives are
/// all small on these domains. Measured with the tape correct, the worst
/// over 10⁵ cases was 4e-11, rounding in the difference quotient; a wrong
/// partial is off by far more than the 250-fold margin.
const FINITE_DIFFERENCE_TOLERANCE: f64 = 1e-8;

/// Replays per recording in `replay_equals_a_fresh_recording_each_time`:
/// more than one, so that a value left over from the replay before is met.
const REPLAYS: std::ops::RangeInclusive<usize> = 2..=4;

/// The value of the unrelated variables of [`Layout::Interleaved`]; any
/// number will do, since nothing reads them.
const UNRELATED: f64 = 7.0;

// Exact comparison.

/// Numbers that are equal only when equal to the last bit (so 0 ≠ -0 and
/// NaN = NaN), but that print as numbers when they are not.
#[derive(Debug)]
struct Exactly(Vec<f64>);

impl PartialEq for Exactly {
    fn eq(&self, other: &Exactly) -> bool {
        let bits = |values: &[f64]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        bits(&self.0) == bits(&other.0)
    }
}

/// The value of each node.
fn values(vars: &[Var<'_>]) -> Vec<f64> {
    vars.iter().map(|var| var.value()).collect()
}

/// The derivative of the swept output towards each node.
fn gradient(grads: &Gradients, vars: &[Var<'_>]) -> Vec<f64> {
    vars.iter().map(|&var| grads.wrt(var)).collect()
}

/// One input variable per value, recorded one after another.
fn vars<'t>(tape: &'t Tape, values: &[f64]) -> Vec<Var<'t>> {
    values.iter().map(|&value| tape.var(value)).collect()
}

// The two formulations.

/// How a layer and the cost are recorded.
#[derive(Clone, Copy, Debug)]
enum Formulation {
    /// With the fused operations under test.
    Fused,
    /// With `dot` or `linear` plus the bias, and ½ e·e: the oracle.
    Elementary,
}

/// A layer's inputs: nodes of the tape, or constants.
#[derive(Clone, Copy)]
enum LayerInputs<'a, 't> {
    Variable(&'a [Var<'t>]),
    Constant(&'a [f64]),
}

/// z_j = Σ_i w_ji·x_i + b_j for every unit j whose weights and bias are the
/// next n + 1 `parameters`.
fn layer<'t>(
    tape: &'t Tape,
    formulation: Formulation,
    parameters: &[Var<'t>],
    inputs: LayerInputs<'_, 't>,
) -> Vec<Var<'t>> {
    let mut z = Vec::new();
    match (formulation, inputs) {
        (Formulation::Fused, LayerInputs::Variable(x)) => tape.affine(parameters, x, &mut z),
        (Formulation::Fused, LayerInputs::Constant(x)) => {
            tape.affine_constant(parameters, x, &mut z);
        }
        (Formulation::Elementary, LayerInputs::Variable(x)) => {
            let n = x.len();
            let units = parameters.chunks_exact(n + 1);
            z.extend(units.map(|unit| tape.dot(&unit[..n], x) + unit[n]));
        }
        (Formulation::Elementary, LayerInputs::Constant(x)) => {
            let n = x.len();
            let units = parameters.chunks_exact(n + 1);
            z.extend(units.map(|unit| tape.linear(x, &unit[..n]) + unit[n]));
        }
    }
    z
}

/// What the network's outputs are reduced to.
#[derive(Clone, Copy, Debug)]
enum Cost {
    /// Σ_j z_j, which passes an adjoint of 1 to every output.
    Sum,
    /// ½ Σ_j (z_j - t_j)².
    SquaredError,
}

fn cost<'t>(
    tape: &'t Tape,
    formulation: Formulation,
    cost: Cost,
    outputs: &[Var<'t>],
    targets: &[f64],
) -> Var<'t> {
    match (cost, formulation) {
        (Cost::Sum, _) => tape.sum(outputs),
        (Cost::SquaredError, Formulation::Fused) => tape.squared_error(outputs, targets),
        (Cost::SquaredError, Formulation::Elementary) => {
            let errors: Vec<_> = outputs.iter().zip(targets).map(|(&a, &t)| a - t).collect();
            0.5 * tape.dot(&errors, &errors)
        }
    }
}

// A two-layer network.

/// Where a two-layer network is evaluated: n inputs x, the first layer's
/// parameters (n + 1 a hidden unit), the second's (one per hidden unit and
/// a bias, for each output) and one target per output.
#[derive(Clone, Debug)]
struct Network {
    inputs: Vec<f64>,
    first: Vec<f64>,
    second: Vec<f64>,
    targets: Vec<f64>,
}

impl Network {
    fn hidden(&self) -> usize {
        self.first.len() / (self.inputs.len() + 1)
    }

    fn outputs(&self) -> usize {
        self.targets.len()
    }

    /// The values [`Tape::replay`] takes, in the order [`record`] records
    /// the inputs with [`Layout::Consecutive`].
    fn replay_inputs(&self, inputs: Inputs) -> Vec<f64> {
        let x = match inputs {
            Inputs::Variable => &self.inputs[..],
            Inputs::Constant => &[],
        };
        [x, &self.first, &self.second].concat()
    }
}

/// Whether the first layer's inputs are variables or constants (the
/// second layer's, the hidden activations, are always variables).
#[derive(Clone, Copy, Debug)]
enum Inputs {
    Variable,
    Constant,
}

/// Where the parameters go on the tape.
#[derive(Clone, Debug)]
enum Layout {
    /// One after another, as `Tape::var` in a loop records them: the fused
    /// layer's compact path.
    Consecutive,
    /// With an unrelated variable before every unit's bias: the fallback.
    Interleaved,
    /// In the order of a permutation of each layer's parameters: the
    /// fallback, unless the permutation happens to be the identity.
    Shuffled {
        first: Vec<usize>,
        second: Vec<usize>,
    },
}

/// Where one layer's parameters go: a [`Layout`] for one layer.
#[derive(Clone, Copy, Debug)]
enum Placement<'a> {
    Consecutive,
    Interleaved,
    Order(&'a [usize]),
}

impl Layout {
    /// The placement of the first layer's parameters and of the second's.
    fn placements(&self) -> [Placement<'_>; 2] {
        match self {
            Layout::Consecutive => [Placement::Consecutive; 2],
            Layout::Interleaved => [Placement::Interleaved; 2],
            Layout::Shuffled { first, second } => {
                [Placement::Order(first), Placement::Order(second)]
            }
        }
    }
}

/// How to record a network.
#[derive(Clone, Debug)]
struct Recipe {
    inputs: Inputs,
    cost: Cost,
    formulation: Formulation,
    layout: Layout,
}

/// A recording of the network: the handles of its variables, in the
/// network's order whatever the layout, and every intermediate.
struct Recorded<'t> {
    inputs: Vec<Var<'t>>,
    first: Vec<Var<'t>>,
    second: Vec<Var<'t>>,
    unrelated: Vec<Var<'t>>,
    hidden: Vec<Var<'t>>,
    activations: Vec<Var<'t>>,
    outputs: Vec<Var<'t>>,
    cost: Var<'t>,
    /// The nodes each layer added to the tape.
    layer_nodes: [usize; 2],
}

impl Recorded<'_> {
    fn values(&self) -> Exactly {
        let layers = [&self.hidden, &self.activations, &self.outputs];
        let mut all: Vec<f64> = layers.iter().flat_map(|vars| values(vars)).collect();
        all.push(self.cost.value());
        Exactly(all)
    }

    /// The gradient towards every variable and intermediate but the
    /// unrelated ones, which are checked on their own.
    fn gradient(&self, grads: &Gradients) -> Exactly {
        let nodes = [
            &self.inputs,
            &self.first,
            &self.second,
            &self.hidden,
            &self.activations,
            &self.outputs,
        ];
        Exactly(
            nodes
                .iter()
                .flat_map(|vars| gradient(grads, vars))
                .collect(),
        )
    }
}

/// Records the parameters `values` of a layer over `inputs` inputs as
/// `placement` says, and returns them in the network's order; the
/// unrelated variables of [`Placement::Interleaved`] go to `unrelated`.
fn parameters<'t>(
    tape: &'t Tape,
    values: &[f64],
    inputs: usize,
    placement: Placement<'_>,
    unrelated: &mut Vec<Var<'t>>,
) -> Vec<Var<'t>> {
    match placement {
        Placement::Consecutive => vars(tape, values),
        Placement::Interleaved => {
            let mut parameters = Vec::with_capacity(values.len());
            for unit in values.chunks_exact(inputs + 1) {
                parameters.extend(vars(tape, &unit[..inputs]));
                unrelated.push(tape.var(UNRELATED));
                parameters.push(tape.var(unit[inputs]));
            }
            parameters
        }
        Placement::Order(order) => {
            let mut slots = vec![None; values.len()];
            for &k in order {
                slots[k] = Some(tape.var(values[k]));
            }
            let slots = slots.into_iter();
            slots.map(|slot| slot.expect("a permutation")).collect()
        }
    }
}

/// Records z¹ = W¹x + b¹, a = σ(z¹), z² = W²a + b² and the cost, with the
/// variable inputs (if any) first, then the first layer's parameters, then
/// the second's.
fn record<'t>(tape: &'t Tape, network: &Network, recipe: &Recipe) -> Recorded<'t> {
    let formulation = recipe.formulation;
    let inputs = match recipe.inputs {
        Inputs::Variable => vars(tape, &network.inputs),
        Inputs::Constant => Vec::new(),
    };
    let [first_placement, second_placement] = recipe.layout.placements();
    let mut unrelated = Vec::new();
    let n = network.inputs.len();
    let first = parameters(tape, &network.first, n, first_placement, &mut unrelated);
    let hidden_units = network.hidden();
    let second = parameters(
        tape,
        &network.second,
        hidden_units,
        second_placement,
        &mut unrelated,
    );

    let before = tape.len();
    let layer_inputs = match recipe.inputs {
        Inputs::Variable => LayerInputs::Variable(&inputs),
        Inputs::Constant => LayerInputs::Constant(&network.inputs),
    };
    let hidden = layer(tape, formulation, &first, layer_inputs);
    let first_nodes = tape.len() - before;
    let activations: Vec<_> = hidden.iter().map(|z| z.sigmoid()).collect();

    let before = tape.len();
    let outputs = layer(
        tape,
        formulation,
        &second,
        LayerInputs::Variable(&activations),
    );
    let second_nodes = tape.len() - before;
    let cost = cost(tape, formulation, recipe.cost, &outputs, &network.targets);
    Recorded {
        inputs,
        first,
        second,
        unrelated,
        hidden,
        activations,
        outputs,
        cost,
        layer_nodes: [first_nodes, second_nodes],
    }
}

// Strategies.

/// A network of the given shape, with parameters and inputs of the size a
/// network meets and targets in the sigmoid's range.
fn shaped(inputs: usize, hidden: usize, outputs: usize) -> impl Strategy<Value = Network> {
    let value = -2.0..2.0;
    (
        vec(value.clone(), inputs),
        vec(value.clone(), hidden * (inputs + 1)),
        vec(value, outputs * (hidden + 1)),
        vec(0.0..1.0, outputs),
    )
        .prop_map(|(inputs, first, second, targets)| Network {
            inputs,
            first,
            second,
            targets,
        })
}

/// A network of up to `max_inputs` inputs and `max_units` units a layer.
fn network(max_inputs: usize, max_units: usize) -> impl Strategy<Value = Network> {
    (1..=max_inputs, 1..=max_units, 1..=max_units)
        .prop_flat_map(|(inputs, hidden, outputs)| shaped(inputs, hidden, outputs))
}

fn input_kind() -> impl Strategy<Value = Inputs> {
    prop_oneof![Just(Inputs::Variable), Just(Inputs::Constant)]
}

fn cost_kind() -> impl Strategy<Value = Cost> {
    prop_oneof![Just(Cost::Sum), Just(Cost::SquaredError)]
}

/// A network and a permutation of each layer's parameters.
fn shuffled_network() -> impl Strategy<Value = (Network, Layout)> {
    network(20, 10).prop_flat_map(|network| {
        let first: Vec<usize> = (0..network.first.len()).collect();
        let second: Vec<usize> = (0..network.second.len()).collect();
        let layout = (Just(first).prop_shuffle(), Just(second).prop_shuffle())
            .prop_map(|(first, second)| Layout::Shuffled { first, second });
        (Just(network), layout)
    })
}

/// A network and a few more points of the same shape to replay it at.
fn network_and_replays() -> impl Strategy<Value = (Network, Vec<Network>)> {
    (1..=8usize, 1..=6usize, 1..=6usize).prop_flat_map(|(inputs, hidden, outputs)| {
        let later = vec(shaped(inputs, hidden, outputs), REPLAYS);
        (shaped(inputs, hidden, outputs), later)
    })
}

// Small layers by hand.

/// The inputs of the hand-worked layer.
const X: [f64; 3] = [0.5, -1.0, 2.0];

/// Its parameters, unit after unit: w_11, w_12, w_13, b_1, then unit 2.
const PARAMETERS: [f64; 8] = [1.0, 2.0, -3.0, 0.25, -0.5, 4.0, 1.5, -1.0];

/// z_1 = 1·0.5 + 2·(-1) + (-3)·2 + 0.25 = 0.5 - 2 - 6 + 0.25 = -7.25;
/// z_2 = (-0.5)·0.5 + 4·(-1) + 1.5·2 - 1 = -0.25 - 4 + 3 - 1 = -2.25.
const Z: [f64; 2] = [-7.25, -2.25];

/// Row j: ∂z_j/∂(w_j1, w_j2, w_j3, b_j) = (x_1, x_2, x_3, 1), and exactly
/// 0 towards the other unit's parameters, which z_j does not read.
const PARAMETER_PARTIALS: [[f64; 8]; 2] = [
    [0.5, -1.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.5, -1.0, 2.0, 1.0],
];

/// Row j: ∂z_j/∂x_i = w_ji.
const INPUT_PARTIALS: [[f64; 3]; 2] = [[1.0, 2.0, -3.0], [-0.5, 4.0, 1.5]];

/// Records the hand-worked layer with its parameters placed as `layout`
/// says, and checks values and partials against the tables above; `nodes`
/// is how many nodes the layer must add (2 for the compact path).
fn check_hand_layer(inputs: Inputs, layout: Layout, nodes: usize) {
    let tape = Tape::new();
    let x = match inputs {
        Inputs::Variable => vars(&tape, &X),
        Inputs::Constant => Vec::new(),
    };
    let [placement, _] = layout.placements();
    let mut unrelated = Vec::new();
    let w = parameters(&tape, &PARAMETERS, 3, placement, &mut unrelated);

    let before = tape.len();
    let layer_inputs = match inputs {
        Inputs::Variable => LayerInputs::Variable(&x),
        Inputs::Constant => LayerInputs::Constant(&X),
    };
    let z = layer(&tape, Formulation::Fused, &w, layer_inputs);
    assert_eq!(tape.len() - before, nodes, "nodes recorded for {layout:?}");
    assert_eq!(Exactly(values(&z)), Exactly(Z.to_vec()), "z for {layout:?}");

    for (j, &z_j) in z.iter().enumerate() {
        let grads = tape.backward(z_j);
        let expected = PARAMETER_PARTIALS[j].to_vec();
        assert_eq!(
            Exactly(gradient(&grads, &w)),
            Exactly(expected),
            "∂z_{}/∂w",
            j + 1
        );
        let expected = vec![0.0; unrelated.len()];
        let got = gradient(&grads, &unrelated);
        assert_eq!(
            Exactly(got),
            Exactly(expected),
            "∂z_{} towards unrelated",
            j + 1
        );
        if let Inputs::Variable = inputs {
            let expected = INPUT_PARTIALS[j].to_vec();
            assert_eq!(
                Exactly(gradient(&grads, &x)),
                Exactly(expected),
                "∂z_{}/∂x",
                j + 1
            );
        }
    }
}

#[test]
fn hand_worked_layer_over_variable_inputs() {
    check_hand_layer(Inputs::Variable, Layout::Consecutive, 2);
}

#[test]
fn hand_worked_layer_over_constant_inputs() {
    check_hand_layer(Inputs::Constant, Layout::Consecutive, 2);
}

#[test]
fn hand_worked_layer_with_parameters_apart() {
    // Two nodes a unit, a dot product and the bias's sum: the fallback.
    for inputs in [Inputs::Variable, Inputs::Constant] {
        check_hand_layer(inputs, Layout::Interleaved, 4);
        // The second unit's parameters recorded before the first's.
        let units_swapped = Layout::Shuffled {
            first: vec![4, 5, 6, 7, 0, 1, 2, 3],
            second: Vec::new(),
        };
        check_hand_layer(inputs, units_swapped, 4);
        let reversed = Layout::Shuffled {
            first: (0..8).rev().collect(),
            second: Vec::new(),
        };
        check_hand_layer(inputs, reversed, 4);
    }
}

#[test]
fn an_input_twice_and_a_weight_as_an_input_collect_every_path() {
    let tape = Tape::new();

    // z = 2x + 3x + 1 at x = 0.5 is 3.5, and dz/dx = 2 + 3 = 5.
    let x = tape.var(0.5);
    let w = vars(&tape, &[2.0, 3.0, 1.0]);
    let mut z = Vec::new();
    tape.affine(&w, &[x, x], &mut z);
    assert_eq!(z[0].value(), 3.5);
    let grads = tape.backward(z[0]);
    assert_eq!(grads.wrt(x), 5.0);
    assert_eq!(gradient(&grads, &w), [0.5, 0.5, 1.0]);

    // z = w·w + b at w = 3, b = 1 is 10, and dz/dw = 2w = 6: x_1 = w
    // through the weight's edge and w_11 = 3 through the input's.
    let wb = vars(&tape, &[3.0, 1.0]);
    let mut z = Vec::new();
    tape.affine(&wb, &wb[..1], &mut z);
    assert_eq!(z[0].value(), 10.0);
    assert_eq!(gradient(&tape.backward(z[0]), &wb), [6.0, 1.0]);
}

#[test]
fn parameters_that_are_results_of_operations() {
    // p = 2v, recorded in a loop, are consecutive nodes: one unit's node.
    // z = 2·1·3 + 2·(-2)·0.25 + 2·0.5 = 6 - 1 + 1 = 6, and
    // ∂z/∂v = 2·(x_1, x_2, 1) = (6, 0.5, 2).
    let tape = Tape::new();
    let v = vars(&tape, &[1.0, -2.0, 0.5]);
    let p: Vec<_> = v.iter().map(|&v| v * 2.0).collect();
    let before = tape.len();
    let mut z = Vec::new();
    tape.affine_constant(&p, &[3.0, 0.25], &mut z);
    assert_eq!(tape.len() - before, 1);
    assert_eq!(z[0].value(), 6.0);
    assert_eq!(gradient(&tape.backward(z[0]), &v), [6.0, 0.5, 2.0]);
}

#[test]
fn hand_worked_squared_error() {
    // C = ½((0.75 - 1)² + (0.5 - 0)² + (-1 - 0.5)²) = ½(0.0625 + 0.25 + 2.25)
    //   = 1.28125, and ∂C/∂a_i = a_i - t_i = (-0.25, 0.5, -1.5).
    let tape = Tape::new();
    let a = vars(&tape, &[0.75, 0.5, -1.0]);
    let cost = tape.squared_error(&a, &[1.0, 0.0, 0.5]);
    assert_eq!(cost.value(), 1.28125);
    assert_eq!(gradient(&tape.backward(cost), &a), [-0.25, 0.5, -1.5]);
}

// Against the elementary formulation, bit for bit: with consecutive
// parameters (the compact path) and with parameters apart (the fallback).

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn fused_network_equals_the_elementary_one_bit_for_bit(
        network in network(20, 10),
        inputs in input_kind(),
        cost in cost_kind(),
    ) {
        let fused_recipe = Recipe {
            inputs,
            cost,
            formulation: Formulation::Fused,
            layout: Layout::Consecutive,
        };
        let elementary_recipe = Recipe {
            formulation: Formulation::Elementary,
            ..fused_recipe.clone()
        };
        let (fused_tape, elementary_tape) = (Tape::new(), Tape::new());
        let fused = record(&fused_tape, &network, &fused_recipe);
        let elementary = record(&elementary_tape, &network, &elementary_recipe);

        // One node a unit: what is compared is the compact path.
        prop_assert_eq!(fused.layer_nodes, [network.hidden(), network.outputs()]);
        prop_assert_eq!(fused.values(), elementary.values());
        let fused_grads = fused_tape.backward(fused.cost);
        let elementary_grads = elementary_tape.backward(elementary.cost);
        prop_assert_eq!(
            fused.gradient(&fused_grads),
            elementary.gradient(&elementary_grads)
        );
    }

    #[test]
    fn interleaved_parameters_give_the_elementary_numbers(
        network in network(20, 10),
        inputs in input_kind(),
        cost in cost_kind(),
    ) {
        let recipe = Recipe {
            inputs,
            cost,
            formulation: Formulation::Fused,
            layout: Layout::Interleaved,
        };
        let oracle = Recipe {
            formulation: Formulation::Elementary,
            layout: Layout::Consecutive,
            ..recipe.clone()
        };
        let (fused_tape, elementary_tape) = (Tape::new(), Tape::new());
        let fused = record(&fused_tape, &network, &recipe);
        let elementary = record(&elementary_tape, &network, &oracle);

        // Two nodes a unit (a dot product and the bias's sum): the fallback.
        let expected_nodes = [2 * network.hidden(), 2 * network.outputs()];
        prop_assert_eq!(fused.layer_nodes, expected_nodes);
        prop_assert_eq!(fused.values(), elementary.values());
        let fused_grads = fused_tape.backward(fused.cost);
        let elementary_grads = elementary_tape.backward(elementary.cost);
        prop_assert_eq!(
            fused.gradient(&fused_grads),
            elementary.gradient(&elementary_grads)
        );
        let zeros = vec![0.0; fused.unrelated.len()];
        prop_assert_eq!(Exactly(gradient(&fused_grads, &fused.unrelated)), Exactly(zeros));
    }

    #[test]
    fn shuffled_parameters_give_the_elementary_numbers(
        (network, layout) in shuffled_network(),
        inputs in input_kind(),
        cost in cost_kind(),
    ) {
        let recipe = Recipe {
            inputs,
            cost,
            formulation: Formulation::Fused,
            layout,
        };
        let oracle = Recipe {
            formulation: Formulation::Elementary,
            layout: Layout::Consecutive,
            ..recipe.clone()
        };
        let (fused_tape, elementary_tape) = (Tape::new(), Tape::new());
        let fused = record(&fused_tape, &network, &recipe);
        let elementary = record(&elementary_tape, &network, &oracle);

        prop_assert_eq!(fused.values(), elementary.values());
        let fused_grads = fused_tape.backward(fused.cost);
        let elementary_grads = elementary_tape.backward(elementary.cost);
        prop_assert_eq!(
            fused.gradient(&fused_grads),
            elementary.gradient(&elementary_grads)
        );
    }
}

// Against finite differences.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn gradient_matches_finite_differences(
        network in network(4, 3),
        inputs in input_kind(),
    ) {
        // The point is the variable inputs (if any), then each layer's
        // parameters: check_gradient records them in that order, so each
        // layer's parameters are consecutive and the compact path is taken.
        let n = network.inputs.len();
        let point = network.replay_inputs(inputs);
        let targets = &network.targets;
        let check = check_gradient(|tape, v| {
            let (x, parameters) = match inputs {
                Inputs::Variable => v.split_at(n),
                Inputs::Constant => (&[][..], v),
            };
            let (first, second) = parameters.split_at(network.first.len());
            let layer_inputs = match inputs {
                Inputs::Variable => LayerInputs::Variable(x),
                Inputs::Constant => LayerInputs::Constant(&network.inputs),
            };
            let z = layer(tape, Formulation::Fused, first, layer_inputs);
            let a: Vec<_> = z.iter().map(|z| z.sigmoid()).collect();
            let z = layer(tape, Formulation::Fused, second, LayerInputs::Variable(&a));
            let a: Vec<_> = z.iter().map(|z| z.sigmoid()).collect();
            tape.squared_error(&a, targets)
        }, &point);
        prop_assert!(check.is_within(FINITE_DIFFERENCE_TOLERANCE), "{check}");
    }
}

// Replay against a fresh recording.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn replay_equals_a_fresh_recording_each_time(
        (network, later) in network_and_replays(),
        inputs in input_kind(),
    ) {
        let recipe = Recipe {
            inputs,
            cost: Cost::SquaredError,
            formulation: Formulation::Fused,
            layout: Layout::Consecutive,
        };
        let tape = Tape::with_replay();
        let replayed = record(&tape, &network, &recipe);
        prop_assert_eq!(replayed.layer_nodes, [network.hidden(), network.outputs()]);

        for (round, mut next) in later.into_iter().enumerate() {
            // The targets, and constant inputs, are part of the recording.
            next.targets.clone_from(&network.targets);
            if let Inputs::Constant = inputs {
                next.inputs.clone_from(&network.inputs);
            }
            let replay = tape.replay(&next.replay_inputs(inputs));
            prop_assert!(replay.is_ok(), "round {}: {:?}", round, replay);
            let fresh_tape = Tape::new();
            let fresh = record(&fresh_tape, &next, &recipe);

            // The same code recorded both tapes, so node k is the same
            // operation on both: every value and adjoint must agree.
            let every_value = |tape: &Tape| {
                let nodes = (0..tape.len()).map(|k| tape.node(k).expect("a node"));
                Exactly(nodes.map(|node| node.value()).collect())
            };
            prop_assert_eq!(every_value(&tape), every_value(&fresh_tape), "round {}", round);
            let adjoints = Exactly(tape.backward(replayed.cost).as_slice().to_vec());
            let fresh_adjoints = Exactly(fresh_tape.backward(fresh.cost).as_slice().to_vec());
            prop_assert_eq!(adjoints, fresh_adjoints, "round {}", round);
        }
    }
}

#[test]
fn replay_refreshes_a_layer_after_a_layer_of_biases_only() {
    // A layer over no inputs pushes no shared edges, so the next layer's
    // inputs start where its (empty) inputs did. z = w·x + c, recorded at
    // x = 1 and replayed at x = 3 (w = 2, c = 0.5), must be 6.5 with
    // ∂z/∂w = x = 3, as a fresh recording gives.
    let record = |tape: &Tape, [x, b, w, c]: [f64; 4]| {
        let x = tape.var(x);
        let parameters = vars(tape, &[b, w, c]);
        let mut biases = Vec::new();
        tape.affine(&parameters[..1], &[], &mut biases);
        let mut z = Vec::new();
        tape.affine(&parameters[1..], &[x], &mut z);
        let grads = tape.backward(z[0]);
        vec![
            biases[0].value(),
            z[0].value(),
            grads.wrt(x),
            grads.wrt(parameters[1]),
        ]
    };
    let tape = Tape::with_replay();
    record(&tape, [1.0, -1.0, 2.0, 0.5]);
    tape.replay(&[3.0, -1.0, 2.0, 0.5])
        .expect("a replayable tape");
    let z = tape.node(tape.len() - 1).expect("the last unit");
    let grads = tape.backward(z);
    let x = tape.node(0).expect("the input");
    let w = tape.node(2).expect("the weight");
    let b = tape.node(tape.len() - 2).expect("the bias-only unit");
    let replayed = vec![b.value(), z.value(), grads.wrt(x), grads.wrt(w)];

    let fresh = record(&Tape::new(), [3.0, -1.0, 2.0, 0.5]);
    assert_eq!(fresh, [-1.0, 6.5, 2.0, 3.0]);
    assert_eq!(Exactly(replayed), Exactly(fresh));
}

// Misuse, and the empty cases.

#[test]
#[should_panic(expected = "an affine layer over 3 inputs needs 4 parameters per unit")]
fn affine_refuses_a_parameter_count_not_a_multiple_of_n_plus_1() {
    let tape = Tape::new();
    let x = vars(&tape, &X);
    let parameters = vars(&tape, &[1.0; 5]);
    tape.affine(&parameters, &x, &mut Vec::new());
}

#[test]
#[should_panic(expected = "an affine layer over 2 inputs needs 3 parameters per unit")]
fn affine_constant_refuses_a_parameter_count_not_a_multiple_of_n_plus_1() {
    let tape = Tape::new();
    let parameters = vars(&tape, &[1.0; 4]);
    tape.affine_constant(&parameters, &[1.0, 2.0], &mut Vec::new());
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn affine_refuses_parameters_of_another_tape() {
    // Consecutive on their own tape, so that only ownership is wrong.
    let (tape, other) = (Tape::new(), Tape::new());
    let x = vars(&tape, &[1.0, 2.0]);
    let parameters = vars(&other, &[1.0; 3]);
    tape.affine(&parameters, &x, &mut Vec::new());
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn affine_refuses_one_parameter_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let x = vars(&tape, &[1.0, 2.0]);
    let parameters = [tape.var(1.0), other.var(1.0), tape.var(1.0)];
    tape.affine(&parameters, &x, &mut Vec::new());
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn affine_constant_refuses_parameters_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let parameters = vars(&other, &[1.0; 3]);
    tape.affine_constant(&parameters, &[1.0, 2.0], &mut Vec::new());
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn affine_refuses_an_input_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let x = [tape.var(1.0), other.var(2.0)];
    let parameters = vars(&tape, &[1.0; 3]);
    tape.affine(&parameters, &x, &mut Vec::new());
}

#[test]
#[should_panic(expected = "Tape::squared_error needs one target per output")]
fn squared_error_refuses_targets_of_the_wrong_length() {
    let tape = Tape::new();
    let a = vars(&tape, &[0.5, 0.25]);
    tape.squared_error(&a, &[1.0]);
}

#[test]
#[should_panic(expected = "a Var of one tape was used in an operation on another tape")]
fn squared_error_refuses_an_output_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let a = [tape.var(0.5), other.var(0.25)];
    tape.squared_error(&a, &[1.0, 0.0]);
}

#[test]
fn a_layer_of_no_units_records_nothing() {
    let tape = Tape::new();
    let x = vars(&tape, &X);
    let before = tape.len();
    let mut z = Vec::new();
    tape.affine(&[], &x, &mut z);
    tape.affine(&[], &[], &mut z);
    tape.affine_constant(&[], &X, &mut z);
    tape.affine_constant(&[], &[], &mut z);
    assert!(z.is_empty(), "{z:?}");
    assert_eq!(tape.len(), before);
}

#[test]
fn a_layer_over_no_inputs_is_its_biases() {
    // z_j = b_j, so ∂z_j/∂b_k is 1 for k = j and 0 otherwise; the same
    // with the biases apart, which takes the fallback: an empty sum and
    // the bias's addition, two nodes a unit rather than one.
    let biases = [0.75, -1.5];
    for (placement, nodes) in [(Placement::Consecutive, 4), (Placement::Interleaved, 8)] {
        let tape = Tape::new();
        let mut unrelated = Vec::new();
        let b = parameters(&tape, &biases, 0, placement, &mut unrelated);
        let before = tape.len();
        let mut z = Vec::new();
        tape.affine(&b, &[], &mut z);
        tape.affine_constant(&b, &[], &mut z);
        assert_eq!(tape.len() - before, nodes, "{placement:?}");
        assert_eq!(Exactly(values(&z)), Exactly([biases, biases].concat()));
        for (j, &z_j) in z.iter().enumerate() {
            let mut expected = vec![0.0; 2];
            expected[j % 2] = 1.0;
            let got = gradient(&tape.backward(z_j), &b);
            assert_eq!(Exactly(got), Exactly(expected), "z_{j}, {placement:?}");
        }
    }
}

// Nodes the output does not read.

#[test]
fn gradient_towards_unread_nodes_is_exactly_zero() {
    // The cost reads the first unit only; unit 2's parameters, a variable
    // recorded before the layer and one recorded after the cost are not on
    // any path to it. Exactly(+0), not merely a small number.
    let tape = Tape::new();
    let x = vars(&tape, &X);
    let before = tape.var(1.5);
    let w = vars(&tape, &PARAMETERS);
    let mut z = Vec::new();
    tape.affine(&w, &x, &mut z);
    let cost = tape.squared_error(&z[..1], &[0.5]);
    let after = tape.var(2.5);
    let grads = tape.backward(cost);

    let unread = [&w[4..], &[before, after]].concat();
    let expected = vec![0.0; unread.len()];
    assert_eq!(Exactly(gradient(&grads, &unread)), Exactly(expected));
    assert_eq!(grads.wrt(z[1]).to_bits(), 0.0_f64.to_bits());

    // And the unit it does read: ∂C/∂z_1 = z_1 - t = -7.25 - 0.5 = -7.75.
    assert_eq!(grads.wrt(z[0]), -7.75);
}
