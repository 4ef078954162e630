//! Blocks: runs of consecutive nodes of one tape.
//!
//! A network's parameters are recorded one after another, so the first
//! node and a count say where all of them are. A [`Block`] is that pair,
//! with its tape: checked once when it is made, it can then be handed to
//! an operation over many parameters (an affine layer, image after image)
//! without checking every handle again.

use std::fmt;
use std::ops::Range;

use crate::{Tape, Var};

/// Consecutive nodes of one tape, such as the inputs [`Tape::vars`]
/// records: a first node and a length.
///
/// # Examples
///
/// ```
/// use tape::Tape;
///
/// let tape = Tape::new();
/// let block = tape.vars(&[1.0, 2.0, 3.0]);
/// assert_eq!(block.len(), 3);
/// assert_eq!(block.get(1).map(|v| v.value()), Some(2.0));
/// let handles: Vec<_> = block.iter().collect();
/// assert_eq!(tape.block(&handles), Some(block));
/// ```
#[derive(Clone, Copy)]
pub struct Block<'t> {
    tape: &'t Tape,
    first: u32,
    len: u32,
}

impl<'t> Block<'t> {
    /// How many nodes the block holds.
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// Whether the block holds no node.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The handle of node `i` of the block (from 0), if there is one.
    pub fn get(self, i: usize) -> Option<Var<'t>> {
        (i < self.len()).then(|| Var::new(self.tape, self.first + i as u32))
    }

    /// The handles of the block's nodes, in order.
    pub fn iter(self) -> impl ExactSizeIterator<Item = Var<'t>> + 't {
        (self.first..self.first + self.len).map(move |index| Var::new(self.tape, index))
    }

    /// The nodes `range` of the block, as a block.
    ///
    /// # Panics
    ///
    /// Panics if `range` does not lie within the block.
    pub fn slice(self, range: Range<usize>) -> Block<'t> {
        assert!(
            range.start <= range.end && range.end <= self.len(),
            "nodes {range:?} of a block of {} nodes",
            self.len
        );
        Block {
            tape: self.tape,
            first: self.first + range.start as u32,
            len: (range.end - range.start) as u32,
        }
    }

    /// The tape the block's nodes live on.
    pub fn tape(self) -> &'t Tape {
        self.tape
    }

    /// The internal index of the first node.
    pub(crate) fn first(self) -> u32 {
        self.first
    }
}

impl PartialEq for Block<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tape, other.tape) && self.first == other.first && self.len == other.len
    }
}

impl fmt::Debug for Block<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `first` is an internal index, one past the caller's.
        let start = self.first as usize - 1;
        write!(f, "Block(nodes {start}..{})", start + self.len())
    }
}

impl Tape {
    /// Records `values` as inputs, one after another, like [`Tape::var`]
    /// called for each, and returns them as a block.
    ///
    /// # Panics
    ///
    /// Panics if the tape would hold more than 2^30 nodes.
    pub fn vars(&self, values: &[f64]) -> Block<'_> {
        let first = self.len() as u32 + 1;
        for &value in values {
            self.var(value);
        }
        Block {
            tape: self,
            first,
            len: values.len() as u32,
        }
    }

    /// The block of `vars`, if they are consecutive nodes of this tape, in
    /// order; `None` if they are not.
    ///
    /// # Panics
    ///
    /// Panics if a handle belongs to another tape.
    pub fn block<'t>(&'t self, vars: &[Var<'t>]) -> Option<Block<'t>> {
        for &var in vars {
            self.check_owns(var);
        }
        let Some(first) = vars.first() else {
            return Some(Block {
                tape: self,
                first: self.len() as u32 + 1,
                len: 0,
            });
        };
        let consecutive = vars
            .iter()
            .zip(first.index..)
            .all(|(var, index)| var.index == index);
        consecutive.then_some(Block {
            tape: self,
            first: first.index,
            len: vars.len() as u32,
        })
    }
}
