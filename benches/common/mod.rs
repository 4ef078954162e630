//! What the benches share: the hand-written baseline, the two networks
//! with their data, and the tape path as a user trains with it.

use nn::{Dataset, Image, Network};
use tape::{Gradients, Tape};

/// The hand-written δ backpropagation of the network, on plain `f64`
/// buffers allocated once: the baseline.
///
/// Parameters are in the network's order: per layer, per unit j, the
/// weights w^l_j1 … w^l_jn, then the bias b^l_j.
pub struct Handwritten {
    sizes: Vec<usize>,
    /// a^l for every layer, a^1 = x first.
    a: Vec<Vec<f64>>,
    /// δ^l for every layer after the input.
    delta: Vec<Vec<f64>>,
}

impl Handwritten {
    pub fn new(sizes: &[usize]) -> Handwritten {
        Handwritten {
            sizes: sizes.to_vec(),
            a: sizes.iter().map(|&n| vec![0.0; n]).collect(),
            delta: sizes[1..].iter().map(|&n| vec![0.0; n]).collect(),
        }
    }

    /// C_T, with ∂C_T/∂p written into `gradient`.
    pub fn cost_gradient(
        &mut self,
        parameters: &[f64],
        data: &Dataset,
        gradient: &mut [f64],
    ) -> f64 {
        gradient.fill(0.0);
        let layers = self.sizes.len() - 1;
        let mut cost = 0.0;
        for image in data.images() {
            // Forward: z^l_j = Σ_i w^l_ji a^(l-1)_i + b^l_j, a^l_j = σ(z^l_j).
            self.a[0].copy_from_slice(image.pixels());
            let mut offset = 0;
            for l in 0..layers {
                let (inputs, rest) = self.a.split_at_mut(l + 1);
                let (input, output) = (&inputs[l], &mut rest[0]);
                for (j, a) in output.iter_mut().enumerate() {
                    let unit = &parameters[offset + j * (input.len() + 1)..];
                    let mut z = unit[input.len()];
                    for (w, x) in unit.iter().zip(input) {
                        z += w * x;
                    }
                    *a = 1.0 / (1.0 + (-z).exp());
                }
                offset += output.len() * (input.len() + 1);
            }

            // δ^L_j = (a^L_j - t_j)·σ'(z^L_j), and C_k = ½ Σ_j (t_j - a^L_j)².
            let output = &self.a[layers];
            for (j, (delta, &a)) in self.delta[layers - 1].iter_mut().zip(output).enumerate() {
                let t = if j == image.label() { 1.0 } else { 0.0 };
                cost += 0.5 * (t - a) * (t - a);
                *delta = (a - t) * a * (1.0 - a);
            }

            // Backward, layer by layer: ∂C_k/∂w^l_ji = δ^l_j a^(l-1)_i,
            // ∂C_k/∂b^l_j = δ^l_j, δ^(l-1)_i = (Σ_j δ^l_j w^l_ji)·σ'(z^(l-1)_i).
            for l in (0..layers).rev() {
                offset -= self.sizes[l + 1] * (self.sizes[l] + 1);
                let input = &self.a[l];
                let stride = input.len() + 1;
                let (lower, upper) = self.delta.split_at_mut(l);
                let delta = &upper[0];
                for (j, &d) in delta.iter().enumerate() {
                    let unit = &mut gradient[offset + j * stride..offset + (j + 1) * stride];
                    for (g, x) in unit.iter_mut().zip(input) {
                        *g += d * x;
                    }
                    unit[input.len()] += d;
                }
                if l > 0 {
                    for (i, back) in lower[l - 1].iter_mut().enumerate() {
                        let mut sum = 0.0;
                        for (j, &d) in delta.iter().enumerate() {
                            sum += d * parameters[offset + j * stride + i];
                        }
                        let a = input[i];
                        *back = sum * a * (1.0 - a);
                    }
                }
            }
            debug_assert_eq!(offset, 0);
        }
        cost
    }
}

/// A network with its data and the buffers both methods reuse.
pub struct Case {
    pub name: &'static str,
    pub network: Network,
    pub data: Dataset,
    pub parameters: Vec<f64>,
}

impl Case {
    /// Both cases, the 12-3-2 network first.
    pub fn all() -> [Case; 2] {
        [Case::digits(), Case::larger()]
    }

    pub fn digits() -> Case {
        let network = Network::new(&[12, 3, 2], 1);
        let parameters = network.parameters().values().copied().collect();
        Case {
            name: "12-3-2",
            network,
            data: Dataset::builtin(),
            parameters,
        }
    }

    /// A 64-32-10 network on 8×8 images of ten classes: pixels from a
    /// fixed linear congruential sequence, labels cycling through 0 … 9.
    pub fn larger() -> Case {
        let network = Network::new(&[64, 32, 10], 2);
        let mut state = 12345_u64;
        let images = (0..64)
            .map(|k| {
                let pixels = (0..64)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        f64::from((state >> 63) as u32)
                    })
                    .collect();
                Image::new(pixels, k % 10)
            })
            .collect();
        let parameters = network.parameters().values().copied().collect();
        Case {
            name: "64-32-10",
            network,
            data: Dataset::new(images),
            parameters,
        }
    }
}

/// The tape path as a user trains with it: record, sweep, read, clear.
pub struct TapePath {
    tape: Tape,
    grads: Gradients,
    gradient: Vec<f64>,
}

impl TapePath {
    pub fn new() -> TapePath {
        TapePath {
            tape: Tape::new(),
            grads: Gradients::new(),
            gradient: Vec::new(),
        }
    }

    pub fn run(&mut self, case: &Case) -> f64 {
        case.network.cost_gradient_into(
            &case.data,
            &mut self.tape,
            &mut self.grads,
            &mut self.gradient,
        )
    }
}
