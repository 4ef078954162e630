//! A small sigmoid network whose gradients come from the `tape` crate.
//!
//! The main model is the 12-3-2 network that tells a hand-drawn 0 from a 1
//! on a 4×3 pixel grid. Its 47 parameters are the weights w^l_ji and biases
//! b^l_j of
//!
//! ```text
//! z^l_j = Σ_i w^l_ji · a^(l-1)_i + b^l_j,    a^l_j = σ(z^l_j)
//! ```
//!
//! for the hidden layer l = 2 (3 units) and the output layer l = 3 (2
//! units), with a^1 = x the twelve pixels. The cost of image k is
//! C_k = ½ Σ_j (t_j - a^3_j)², and training lowers C_T = Σ_k C_k over the
//! whole set by gradient descent, Δp = -η ∂C_T/∂p.
//!
//! Nowhere does this crate write backpropagation by hand: it records the
//! forward pass on a [`tape::Tape`] and one reverse sweep gives ∂C_T/∂p for
//! every parameter at once. Names in the code follow the maths (`z`, `a`,
//! `w`, `b`, `eta`) so a formula can be held next to the line computing it.
//!
//! ```
//! use nn::{Dataset, Network, Trainer};
//!
//! let data = Dataset::builtin();
//! let mut network = Network::new(&[12, 3, 2], 1);
//! let mut trainer = Trainer::new(0.5, 0.9)?;
//! for _ in 0..300 {
//!     trainer.step(&mut network, &data)?;
//! }
//! assert_eq!(network.accuracy(&data), 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The modules read in the order one learns the subject: a [`Layer`], the
//! [`Network`], the cost ([`record_total_cost`]), the training step
//! ([`Trainer`]), and the data ([`Dataset`]) with its file formats.

#![deny(missing_docs)]

mod cost;
mod data;
mod layer;
mod network;
mod params;
mod text;
mod train;

pub use cost::{CostGradient, CostTape, node_names, record_image_cost, record_total_cost};
pub use data::{DataError, DataErrorKind, Dataset, HEIGHT, Image, MAX_IMAGES, PIXELS, WIDTH};
pub use layer::Layer;
pub use network::{Network, Vars};
pub use params::{ParameterError, ParameterErrorKind};
pub use text::MAX_LINE_BYTES;
pub use train::{Recording, TrainError, Trainer};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
