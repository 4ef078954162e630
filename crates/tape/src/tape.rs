//! The tape: a flat record of every node, in creation order.
//!
//! Invariants a reader cannot see from the types:
//!
//! - Node `i` may only name parents with an index below `i`: a node is
//!   appended after its parents, so creation order is a topological order of
//!   the graph. The reverse sweep relies on this and nothing else.
//! - The parents of node `i` are `parents[starts[i]..starts[i + 1]]`, and the
//!   local partial towards `parents[k]` is `partials[k]`. `starts` therefore
//!   always holds one more entry than there are nodes.
//!
//! The layout is structure-of-arrays with `u32` indices: a binary node costs
//! 8 bytes of value, 4 of offset and 2 × (4 + 8) of edges, 36 bytes, plus 8
//! bytes of adjoint during the sweep.

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Var;

/// Hands out a distinct identity to every tape, so that gradients and
/// handles can be checked against the tape they came from.
static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(0);

/// A record of scalar operations, in the order they were performed.
///
/// Every arithmetic operation on a [`Var`] appends one node to the tape that
/// holds its value and, for each operand, the local partial derivative of the
/// result towards that operand. [`Tape::backward`] then walks the record once
/// from the end to get the derivative of one output with respect to every
/// node.
///
/// Recording goes through a shared reference (`&Tape`), so handles can be
/// `Copy`; clearing needs `&mut Tape`, which the borrow checker only grants
/// once no handle into the tape is alive.
///
/// # Examples
///
/// The derivative of f(x, y) = x·y + sin x is ∂f/∂x = y + cos x and
/// ∂f/∂y = x:
///
/// ```
/// use tape::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var(0.5);
/// let y = tape.var(4.0);
/// let f = x * y + x.sin();
///
/// let grads = tape.backward(f);
/// assert_eq!(grads.wrt(x), 4.0 + 0.5_f64.cos());
/// assert_eq!(grads.wrt(y), 0.5);
/// ```
pub struct Tape {
    id: u64,
    generation: u64,
    nodes: RefCell<Nodes>,
}

/// The node storage behind a [`Tape`]; see the module docs for its layout.
#[derive(Default)]
pub(crate) struct Nodes {
    pub(crate) values: Vec<f64>,
    pub(crate) starts: Vec<u32>,
    pub(crate) parents: Vec<u32>,
    pub(crate) partials: Vec<f64>,
}

impl Nodes {
    fn new() -> Nodes {
        Nodes {
            starts: vec![0],
            ..Nodes::default()
        }
    }

    /// Appends one edge of the node being recorded: a parent and the local
    /// partial towards it.
    pub(crate) fn push_edge(&mut self, parent: u32, partial: f64) {
        self.parents.push(parent);
        self.partials.push(partial);
    }

    /// Number of nodes recorded.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

impl Tape {
    /// Creates an empty tape.
    pub fn new() -> Tape {
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            generation: 0,
            nodes: RefCell::new(Nodes::new()),
        }
    }

    /// Records an input: a leaf node with the given value and no parents.
    ///
    /// The derivative of an output with respect to this node is what
    /// [`Gradients::wrt`](crate::Gradients::wrt) returns for it.
    ///
    /// # Panics
    ///
    /// Panics if the tape already holds `u32::MAX` nodes.
    pub fn var(&self, value: f64) -> Var<'_> {
        self.record(value, &[])
    }

    /// Records a constant. It is a leaf like [`Tape::var`]; the separate name
    /// only says what the caller means by it.
    ///
    /// # Panics
    ///
    /// Panics if the tape already holds `u32::MAX` nodes.
    pub fn constant(&self, value: f64) -> Var<'_> {
        self.record(value, &[])
    }

    /// Records a node of your own: its value and, for each operand, the local
    /// partial derivative of the value towards that operand.
    ///
    /// This is how every built-in operation is recorded; use it to add an
    /// operation the crate does not have.
    ///
    /// # Examples
    ///
    /// The cube x³ has the derivative 3x²:
    ///
    /// ```
    /// use tape::Tape;
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(2.0);
    /// let cube = tape.custom(8.0, &[(x, 12.0)]);
    /// assert_eq!(tape.backward(cube).wrt(x), 12.0);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if an operand belongs to another tape, or if the tape already
    /// holds `u32::MAX` nodes.
    pub fn custom<'t>(&'t self, value: f64, operands: &[(Var<'t>, f64)]) -> Var<'t> {
        let mut nodes = self.nodes.borrow_mut();
        for &(operand, partial) in operands {
            self.check_owns(operand);
            nodes.push_edge(operand.index, partial);
        }
        self.finish_node(&mut nodes, value)
    }

    /// Records a node whose operands are given as raw indices that are
    /// already known to belong to this tape.
    pub(crate) fn record(&self, value: f64, edges: &[(u32, f64)]) -> Var<'_> {
        let mut nodes = self.nodes.borrow_mut();
        for &(parent, partial) in edges {
            nodes.push_edge(parent, partial);
        }
        self.finish_node(&mut nodes, value)
    }

    /// Mutable access to the storage, for n-ary operations that push their
    /// edges one by one and then call [`Tape::finish_node`].
    pub(crate) fn nodes_mut(&self) -> std::cell::RefMut<'_, Nodes> {
        self.nodes.borrow_mut()
    }

    /// Closes the node whose edges were just pushed: stores its value and the
    /// end of its edge list, and returns its handle.
    pub(crate) fn finish_node(&self, nodes: &mut Nodes, value: f64) -> Var<'_> {
        let index = u32::try_from(nodes.len()).expect("a tape holds at most u32::MAX nodes");
        let end = u32::try_from(nodes.parents.len()).expect("a tape holds at most u32::MAX edges");
        nodes.values.push(value);
        nodes.starts.push(end);
        Var::new(self, index)
    }

    /// The number of nodes recorded since the tape was created or cleared.
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// Whether no node has been recorded since the tape was created or
    /// cleared.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every node but keeps the allocation, so that the next training
    /// step records into memory that is already there.
    ///
    /// Gradients taken before the clear can no longer be read with handles
    /// recorded after it: [`Gradients::wrt`](crate::Gradients::wrt) panics
    /// rather than answer for the wrong node.
    pub fn clear(&mut self) {
        let nodes = self.nodes.get_mut();
        nodes.values.clear();
        nodes.starts.truncate(1);
        nodes.parents.clear();
        nodes.partials.clear();
        self.generation += 1;
    }

    /// Bytes of heap memory the tape holds now, counting reserved capacity.
    pub fn memory_bytes(&self) -> usize {
        let nodes = self.nodes.borrow();
        nodes.values.capacity() * size_of::<f64>()
            + nodes.starts.capacity() * size_of::<u32>()
            + nodes.parents.capacity() * size_of::<u32>()
            + nodes.partials.capacity() * size_of::<f64>()
    }

    /// The value of a node.
    pub(crate) fn value_at(&self, index: u32) -> f64 {
        self.nodes.borrow().values[index as usize]
    }

    pub(crate) fn nodes(&self) -> std::cell::Ref<'_, Nodes> {
        self.nodes.borrow()
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Panics unless `var` was recorded on this tape.
    pub(crate) fn check_owns(&self, var: Var<'_>) {
        assert!(
            std::ptr::eq(self, var.tape()),
            "a Var of one tape was used in an operation on another tape: \
             every operand of an operation must come from the same Tape"
        );
    }
}

impl Default for Tape {
    fn default() -> Tape {
        Tape::new()
    }
}

impl fmt::Debug for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes = self.nodes.borrow();
        f.debug_struct("Tape")
            .field("id", &self.id)
            .field("nodes", &nodes.len())
            .field("edges", &nodes.parents.len())
            .finish()
    }
}
