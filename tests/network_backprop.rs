//! The tape's gradient of C_T against backpropagation written out by hand.
//!
//! `Network::cost_gradient` records the forward pass on a tape and takes every
//! ∂C_T/∂p from one reverse sweep. This file computes the same 47 numbers
//! independently, with the δ equations of MATH.md on plain `f64`:
//!
//! ```text
//! δ^3_j = (a^3_j - t_j) · σ'(z^3_j)
//! δ^2_i = (Σ_j δ^3_j · w^3_ji) · σ'(z^2_i)
//! ∂C_k/∂w^l_ji = δ^l_j · a^(l-1)_i,    ∂C_k/∂b^l_j = δ^l_j
//! ```
//!
//! summed over the images k, and checks that both agree.

use approx::relative_eq;
use nn::{Dataset, Image, Network, PIXELS};
use proptest::prelude::*;

/// The layer sizes of the network under test.
const SIZES: [usize; 3] = [12, 3, 2];

/// Hidden units (layer 2) and output units (layer 3).
const HIDDEN: usize = 3;
const OUTPUTS: usize = 2;

/// 3·(12 + 1) + 2·(3 + 1) parameters.
const PARAMETERS: usize = HIDDEN * (PIXELS + 1) + OUTPUTS * (HIDDEN + 1);

/// Largest relative difference allowed between the tape and the δ form.
///
/// The forward pass below is evaluated in the same order as the tape's and
/// so gives the same z and a; what differs is the order in which the
/// reverse sweep and this file add up contributions. Each sum is then off
/// by at most a few dozen ulps (~1e-15) of the sum of the absolute values of
/// its terms, far inside 1e-12 of it.
const RELATIVE_TOLERANCE: f64 = 1e-12;

/// σ(z) = 1 / (1 + e^(-z)), evaluated without overflow: for z < 0 as
/// e^z / (1 + e^z).
fn sigma(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// σ'(z) = σ(z)(1 - σ(z)) = σ(z)·σ(-z). The second form is the one used:
/// where σ(z) ≈ 1, 1 - σ(z) cancels and keeps only a few correct digits.
fn sigma_prime(z: f64) -> f64 {
    sigma(z) * sigma(-z)
}

/// C_T and ∂C_T/∂p computed by hand, together with the scale of every
/// gradient entry: Σ over images and paths of the absolute values of the
/// terms, the magnitude against which rounding in the sums is measured.
struct HandGradient {
    cost: f64,
    gradient: Vec<f64>,
    scale: Vec<f64>,
}

/// Index of w^l_ji or b^l_j in the network's parameter order: unit by unit,
/// the weights of unit j followed by its bias (all indices 0-based here).
fn w2(j: usize, i: usize) -> usize {
    j * (PIXELS + 1) + i
}
fn b2(j: usize) -> usize {
    j * (PIXELS + 1) + PIXELS
}
fn w3(j: usize, i: usize) -> usize {
    HIDDEN * (PIXELS + 1) + j * (HIDDEN + 1) + i
}
fn b3(j: usize) -> usize {
    HIDDEN * (PIXELS + 1) + j * (HIDDEN + 1) + HIDDEN
}

/// Backpropagation by hand for the 12-3-2 network, summed over `data`.
fn hand_backprop(p: &[f64], data: &Dataset) -> HandGradient {
    assert_eq!(p.len(), PARAMETERS);
    let mut cost = 0.0;
    let mut gradient = vec![0.0; PARAMETERS];
    let mut scale = vec![0.0; PARAMETERS];

    for image in data.images() {
        let x = image.pixels();
        assert_eq!(x.len(), PIXELS);

        // Forward: z^2_j = Σ_i w^2_ji x_i + b^2_j, a^2 = σ(z^2), in the
        // order inputs first, then the bias.
        let mut z2 = [0.0; HIDDEN];
        let mut a2 = [0.0; HIDDEN];
        for j in 0..HIDDEN {
            let mut z = 0.0;
            for (i, &x_i) in x.iter().enumerate() {
                z += x_i * p[w2(j, i)];
            }
            z += p[b2(j)];
            z2[j] = z;
            a2[j] = sigma(z);
        }
        // z^3_j = Σ_i w^3_ji a^2_i + b^3_j, a^3 = σ(z^3).
        let mut z3 = [0.0; OUTPUTS];
        let mut a3 = [0.0; OUTPUTS];
        for j in 0..OUTPUTS {
            let mut z = 0.0;
            for (i, &a) in a2.iter().enumerate() {
                z += p[w3(j, i)] * a;
            }
            z += p[b3(j)];
            z3[j] = z;
            a3[j] = sigma(z);
        }

        // Teacher signal: (1, 0) for a "0", (0, 1) for a "1".
        let t: [f64; OUTPUTS] = std::array::from_fn(|j| f64::from(j == image.label()));

        // C_k = ½ Σ_j (t_j - a^3_j)²
        let squared: Vec<f64> = (0..OUTPUTS)
            .map(|j| (a3[j] - t[j]) * (a3[j] - t[j]))
            .collect();
        cost += 0.5 * squared.iter().sum::<f64>();

        // δ^3_j = (a^3_j - t_j) σ'(z^3_j)
        let delta3: [f64; OUTPUTS] = std::array::from_fn(|j| (a3[j] - t[j]) * sigma_prime(z3[j]));
        // δ^2_i = (Σ_j δ^3_j w^3_ji) σ'(z^2_i), and the same with every term
        // taken in absolute value for the scale.
        let mut delta2 = [0.0; HIDDEN];
        let mut delta2_scale = [0.0; HIDDEN];
        for i in 0..HIDDEN {
            let back: f64 = (0..OUTPUTS).map(|j| delta3[j] * p[w3(j, i)]).sum();
            let back_scale: f64 = (0..OUTPUTS).map(|j| (delta3[j] * p[w3(j, i)]).abs()).sum();
            delta2[i] = back * sigma_prime(z2[i]);
            delta2_scale[i] = back_scale * sigma_prime(z2[i]);
        }

        // ∂C_k/∂w^3_ji = δ^3_j a^2_i, ∂C_k/∂b^3_j = δ^3_j
        for j in 0..OUTPUTS {
            for i in 0..HIDDEN {
                gradient[w3(j, i)] += delta3[j] * a2[i];
                scale[w3(j, i)] += (delta3[j] * a2[i]).abs();
            }
            gradient[b3(j)] += delta3[j];
            scale[b3(j)] += delta3[j].abs();
        }
        // ∂C_k/∂w^2_ji = δ^2_j x_i, ∂C_k/∂b^2_j = δ^2_j
        for j in 0..HIDDEN {
            for (i, &x_i) in x.iter().enumerate() {
                gradient[w2(j, i)] += delta2[j] * x_i;
                scale[w2(j, i)] += delta2_scale[j] * x_i;
            }
            gradient[b2(j)] += delta2[j];
            scale[b2(j)] += delta2_scale[j];
        }
    }
    HandGradient {
        cost,
        gradient,
        scale,
    }
}

/// A 12-3-2 network with the given parameter values, in network order.
fn network_with(values: &[f64]) -> Network {
    let mut network = Network::zeros(&SIZES);
    assert_eq!(network.parameters().len(), values.len());
    for (p, &value) in network.parameter_values_mut().zip(values) {
        *p = value;
    }
    network
}

/// Compares the tape's C_T and gradient with the hand-written ones;
/// `Err` describes the first disagreement with both sides.
fn compare(network: &Network, data: &Dataset) -> Result<(), String> {
    let values: Vec<f64> = network.parameters().values().copied().collect();
    let hand = hand_backprop(&values, data);
    let tape = network.cost_gradient(data);

    if tape.gradient.len() != PARAMETERS {
        return Err(format!(
            "tape gives {} gradient entries",
            tape.gradient.len()
        ));
    }
    if !relative_eq!(tape.cost, hand.cost, max_relative = RELATIVE_TOLERANCE) {
        return Err(format!(
            "C_T: tape {:e}, by hand {:e}",
            tape.cost, hand.cost
        ));
    }
    for (k, (name, _)) in network.parameters().iter().enumerate() {
        let (ours, theirs) = (tape.gradient[k], hand.gradient[k]);
        // Near 0 the sum has cancelled; compare against the size of its
        // terms instead (0 if every term is 0, and then both must be 0).
        let epsilon = RELATIVE_TOLERANCE * hand.scale[k];
        if !relative_eq!(
            ours,
            theirs,
            epsilon = epsilon,
            max_relative = RELATIVE_TOLERANCE
        ) {
            return Err(format!(
                "∂C_T/∂{name}: tape {ours:e}, by hand {theirs:e} (scale {:e})",
                hand.scale[k]
            ));
        }
    }
    Ok(())
}

#[test]
fn parameter_indices_follow_the_network_order() {
    let network = Network::zeros(&SIZES);
    let names: Vec<&str> = network.parameters().keys().map(String::as_str).collect();
    assert_eq!(names.len(), PARAMETERS);
    assert_eq!(names[w2(0, 0)], "w2[1][1]");
    assert_eq!(names[w2(2, 11)], "w2[3][12]");
    assert_eq!(names[b2(0)], "b2[1]");
    assert_eq!(names[b2(2)], "b2[3]");
    assert_eq!(names[w3(0, 0)], "w3[1][1]");
    assert_eq!(names[w3(1, 2)], "w3[2][3]");
    assert_eq!(names[b3(0)], "b3[1]");
    assert_eq!(names[b3(1)], "b3[2]");
}

#[test]
fn tape_gradient_equals_hand_backprop_on_the_builtin_set() {
    let data = Dataset::builtin();
    for seed in [0, 1, 2, 7, 42, 12345] {
        let network = Network::new(&SIZES, seed);
        if let Err(message) = compare(&network, &data) {
            panic!("seed {seed}: {message}");
        }
    }
}

#[test]
fn tape_gradient_equals_hand_backprop_for_a_single_zero_image() {
    // All parameters 0: every z is 0, every a is ½, σ'(0) = ¼.
    // δ^3 = (½ - t)·¼ = (-⅛, ⅛) for a "0"; δ^2_i = (-⅛·0 + ⅛·0)·¼ = 0,
    // so only the output layer has a gradient: ∂C/∂w^3_ji = δ^3_j·½,
    // ∂C/∂b^3_j = δ^3_j, and C = ½(¼ + ¼) = ¼.
    let data = Dataset::new(vec![Image::new(vec![1.0; PIXELS], 0)]);
    let network = Network::zeros(&SIZES);
    let tape = network.cost_gradient(&data);
    assert_eq!(tape.cost, 0.25);
    let mut expected = vec![0.0; PARAMETERS];
    for i in 0..HIDDEN {
        expected[w3(0, i)] = -0.0625;
        expected[w3(1, i)] = 0.0625;
    }
    expected[b3(0)] = -0.125;
    expected[b3(1)] = 0.125;
    assert_eq!(tape.gradient, expected);
    compare(&network, &data).unwrap();
}

/// Random images: a label and 12 random 0/1 pixels each, 1 to 64 of them.
fn images() -> impl Strategy<Value = Dataset> {
    let image = (0..2usize, prop::array::uniform12(any::<bool>())).prop_map(|(label, pixels)| {
        Image::new(
            pixels.iter().map(|&black| f64::from(black)).collect(),
            label,
        )
    });
    prop::collection::vec(image, 1..=64).prop_map(Dataset::new)
}

proptest! {
    #[test]
    fn tape_gradient_equals_hand_backprop(
        values in prop::collection::vec(-3.0..=3.0f64, PARAMETERS),
        data in images(),
    ) {
        let network = network_with(&values);
        let result = compare(&network, &data);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}
