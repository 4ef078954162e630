//! The tape: a flat record of every node, in creation order.
//!
//! Invariants a reader cannot see from the types:
//!
//! - A node only names parents recorded before it: a node is appended after
//!   its operands, so creation order is a topological order of the graph.
//!   The reverse sweep relies on this and on nothing else.
//! - Every node has room for exactly two edges (a parent and the local
//!   partial towards it), which is what most operations need. An operation
//!   with one operand points its second edge at the *sink*, node 0, with
//!   partial 0; a leaf points both there. The sink is recorded when the tape
//!   is made, is never shown to the caller, and its adjoint is never read,
//!   so the sweep can treat every node alike.
//! - An operation over many operands (a sum, a dot product) keeps its edges
//!   in the separate `parents`/`partials` lists instead; its node is marked
//!   by the top bits of `lhs` as [`MANY`], whose other bits give the first
//!   edge, and `rhs` gives the number of edges.
//! - A unit of an affine layer, z_j = Σ_i w_ji·x_i + b_j, is marked as
//!   [`AFFINE`]; the other bits of `lhs` point into the `affine` list, which
//!   says where its parameters and inputs are (see `fused.rs`). Its
//!   parameters are consecutive nodes (a `Block`), so they need no list of
//!   their own, and the units of one layer share one list of inputs.
//!
//! A binary operation thus costs one 32-byte [`Node`], plus 8 bytes of
//! adjoint during the sweep: 40 bytes. A tape made with
//! [`Tape::with_replay`] also keeps each node's operation, 16 bytes more,
//! so that [`Tape::replay`] can recompute it.

use std::cell::UnsafeCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Var;
use crate::rules::{self, Op};

/// Hands out a distinct identity to every tape, so that gradients can be
/// checked against the tape they came from. Identity 0 is left to empty
/// [`Gradients`](crate::Gradients), which belong to no tape.
static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

/// The index of the sink node, where one-operand nodes and leaves send
/// their unused edges.
pub(crate) const SINK: u32 = 0;

/// The top two bits of `Node::lhs`, which say what kind of node it is: 0
/// for a node with two edges of its own, [`MANY`] or [`AFFINE`].
pub(crate) const KIND: u32 = 0b11 << 30;

/// Marks, in `Node::lhs`, a node whose edges live in the shared edge lists.
pub(crate) const MANY: u32 = 0b10 << 30;

/// Marks, in `Node::lhs`, a unit of an affine layer.
pub(crate) const AFFINE: u32 = 0b11 << 30;

/// How many nodes a tape holds at most: the indices below [`KIND`]'s bits.
pub(crate) const MAX_NODES: usize = 1 << 30;

/// One recorded operation: its value and its two edges.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) value: f64,
    pub(crate) d_lhs: f64,
    pub(crate) d_rhs: f64,
    pub(crate) lhs: u32,
    pub(crate) rhs: u32,
}

impl Node {
    const SINK: Node = Node::leaf(0.0);

    const fn leaf(value: f64) -> Node {
        Node {
            value,
            d_lhs: 0.0,
            d_rhs: 0.0,
            lhs: SINK,
            rhs: SINK,
        }
    }
}

/// Where a unit of an affine layer finds its operands.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Affine {
    /// The node of w_j1; w_j2 … w_jn and then b_j follow it.
    pub(crate) weights: u32,
    /// The first of the layer's n inputs in the shared edge lists: their
    /// values are in `partials` (they are ∂z_j/∂w_ji), and for inputs that
    /// are variables their nodes are in `parents`.
    pub(crate) inputs: u32,
    /// n, the number of inputs.
    pub(crate) count: u32,
    /// Whether the inputs are variables (with edges of their own) rather
    /// than constants.
    pub(crate) variable_inputs: bool,
}

/// The storage behind a [`Tape`]; see the module docs for its layout.
pub(crate) struct Nodes {
    pub(crate) nodes: Vec<Node>,
    /// The edges of nodes over many operands: parents and partials.
    pub(crate) parents: Vec<u32>,
    pub(crate) partials: Vec<f64>,
    /// Where each unit of an affine layer finds its operands.
    pub(crate) affine: Vec<Affine>,
    /// Each node's operation, kept only by a tape made for replay.
    pub(crate) ops: Option<Vec<Op>>,
    /// How many inputs have been recorded, for replay.
    pub(crate) inputs: usize,
    /// The first node recorded with caller-given partials, if any.
    pub(crate) first_custom: Option<usize>,
}

impl Nodes {
    fn clear(&mut self) {
        self.nodes.truncate(1);
        self.parents.clear();
        self.partials.clear();
        self.affine.clear();
        if let Some(ops) = &mut self.ops {
            ops.truncate(1);
        }
        self.inputs = 0;
        self.first_custom = None;
    }

    /// Appends a node and returns its index.
    #[inline(always)]
    pub(crate) fn push(&mut self, op: Op, node: Node) -> u32 {
        let index = self.nodes.len();
        assert!(index < MAX_NODES, "a tape holds at most 2^30 nodes");
        self.nodes.push(node);
        if let Some(ops) = &mut self.ops {
            ops.push(op);
        }
        index as u32
    }

    /// Closes an operation over many operands whose edges, from `start`
    /// on, have just been pushed onto the shared lists.
    pub(crate) fn push_many(&mut self, op: Op, start: usize, value: f64) -> u32 {
        assert!(start < MAX_NODES, "a tape holds at most 2^30 shared edges");
        let count = u32::try_from(self.parents.len() - start).expect("fewer than 2^32 operands");
        let node = Node {
            value,
            d_lhs: 0.0,
            d_rhs: 0.0,
            lhs: MANY | start as u32,
            rhs: count,
        };
        self.push(op, node)
    }

    /// Pushes an edge towards each of `operands` onto the shared lists,
    /// with the operand's value as its partial for now, and returns where
    /// the edges start. Operations whose partials are computed from their
    /// operands' values (a softmax, an affine layer's inputs) start so.
    pub(crate) fn push_operands(&mut self, operands: &[Var<'_>]) -> usize {
        let start = self.parents.len();
        self.parents
            .extend(operands.iter().map(|operand| operand.index));
        let values = operands
            .iter()
            .map(|operand| self.nodes[operand.index as usize].value);
        self.partials.extend(values);
        start
    }

    /// The value of node `index`.
    #[inline(always)]
    pub(crate) fn value(&self, index: u32) -> f64 {
        self.nodes[index as usize].value
    }
}

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
    nodes: UnsafeCell<Nodes>,
}

impl Tape {
    /// Creates an empty tape.
    pub fn new() -> Tape {
        Tape::make(None)
    }

    /// Creates an empty tape that also keeps each node's operation, so that
    /// [`Tape::replay`] can evaluate the recording again at new inputs.
    /// Such a tape costs 16 bytes more per node.
    pub fn with_replay() -> Tape {
        Tape::make(Some(vec![Op::Constant]))
    }

    fn make(ops: Option<Vec<Op>>) -> Tape {
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            generation: 0,
            nodes: UnsafeCell::new(Nodes {
                nodes: vec![Node::SINK],
                parents: Vec::new(),
                partials: Vec::new(),
                affine: Vec::new(),
                ops,
                inputs: 0,
                first_custom: None,
            }),
        }
    }

    /// Records an input: a leaf node with the given value and no parents.
    ///
    /// The derivative of an output with respect to this node is what
    /// [`Gradients::wrt`](crate::Gradients::wrt) returns for it, and
    /// [`Tape::replay`] gives inputs new values in the order they were
    /// recorded.
    ///
    /// # Panics
    ///
    /// Panics if the tape already holds 2^30 nodes.
    pub fn var(&self, value: f64) -> Var<'_> {
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        nodes.inputs += 1;
        let index = nodes.push(Op::Input, Node::leaf(value));
        Var::new(self, index)
    }

    /// Records a constant: a leaf like [`Tape::var`], which replay leaves
    /// unchanged.
    ///
    /// # Panics
    ///
    /// Panics if the tape already holds 2^30 nodes.
    pub fn constant(&self, value: f64) -> Var<'_> {
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let index = unsafe { self.nodes_mut() }.push(Op::Constant, Node::leaf(value));
        Var::new(self, index)
    }

    /// Records a node of your own: its value and, for each operand, the local
    /// partial derivative of the value towards that operand.
    ///
    /// Use it to add an operation the crate does not have. [`Tape::replay`]
    /// cannot recompute such a node and refuses a tape that holds one.
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
    /// holds 2^30 nodes.
    pub fn custom<'t>(&'t self, value: f64, operands: &[(Var<'t>, f64)]) -> Var<'t> {
        // Check every operand before recording any edge, so that a caught
        // panic leaves no half-recorded node behind.
        for &(operand, _) in operands {
            self.check_owns(operand);
        }
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let start = nodes.parents.len();
        for &(operand, partial) in operands {
            nodes.parents.push(operand.index);
            nodes.partials.push(partial);
        }
        let index = nodes.push_many(Op::Custom, start, value);
        nodes.first_custom.get_or_insert(index as usize);
        Var::new(self, index)
    }

    /// Records `op` applied to one operand.
    #[inline(always)]
    pub(crate) fn unary<'t>(&'t self, op: Op, x: Var<'t>) -> Var<'t> {
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let (value, d_lhs, _) = op.eval(nodes.value(x.index), 0.0);
        let node = Node {
            value,
            d_lhs,
            d_rhs: 0.0,
            lhs: x.index,
            rhs: SINK,
        };
        Var::new(self, nodes.push(op, node))
    }

    /// Records `op` applied to two operands.
    ///
    /// # Panics
    ///
    /// Panics if `y` belongs to another tape.
    #[inline(always)]
    pub(crate) fn binary<'t>(&'t self, op: Op, x: Var<'t>, y: Var<'t>) -> Var<'t> {
        self.check_owns(y);
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let (value, d_lhs, d_rhs) = op.eval(nodes.value(x.index), nodes.value(y.index));
        let node = Node {
            value,
            d_lhs,
            d_rhs,
            lhs: x.index,
            rhs: y.index,
        };
        Var::new(self, nodes.push(op, node))
    }

    /// Records Σ cᵢ·xᵢ (`Op::Linear`), or Σ xᵢ (`Op::Sum`) when no
    /// coefficients are given: ∂/∂xᵢ = cᵢ (or 1), stored as the edges'
    /// partials.
    pub(crate) fn weighted_sum<'t>(
        &'t self,
        op: Op,
        coefficients: Option<&[f64]>,
        terms: &[Var<'t>],
    ) -> Var<'t> {
        for &term in terms {
            self.check_owns(term);
        }
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let start = nodes.parents.len();
        nodes.parents.extend(terms.iter().map(|term| term.index));
        match coefficients {
            Some(coefficients) => nodes.partials.extend_from_slice(coefficients),
            None => nodes.partials.extend(std::iter::repeat_n(1.0, terms.len())),
        }

        // The value, summed in operand order, as replay sums it.
        let terms = nodes.parents[start..].iter().zip(&nodes.partials[start..]);
        let terms = terms.map(|(&parent, &c)| c * nodes.nodes[parent as usize].value);
        let value = rules::sum_in_order(terms);
        Var::new(self, nodes.push_many(op, start, value))
    }

    /// Records Σ xᵢ·yᵢ, with the edges of each pair side by side:
    /// ∂/∂xᵢ = yᵢ, then ∂/∂yᵢ = xᵢ.
    pub(crate) fn dot_product<'t>(&'t self, xs: &[Var<'t>], ys: &[Var<'t>]) -> Var<'t> {
        for (&x, &y) in xs.iter().zip(ys) {
            self.check_owns(x);
            self.check_owns(y);
        }
        // SAFETY: no other reference to the storage is alive (see `nodes_mut`).
        let nodes = unsafe { self.nodes_mut() };
        let start = nodes.parents.len();
        let mut value = rules::SUM_START;
        for (&x, &y) in xs.iter().zip(ys) {
            let (x_value, y_value) = (nodes.value(x.index), nodes.value(y.index));
            value += x_value * y_value;
            nodes.parents.extend([x.index, y.index]);
            nodes.partials.extend([y_value, x_value]);
        }
        // The empty sum is +0, as `rules::sum_in_order` has it.
        let value = if nodes.parents.len() == start {
            0.0
        } else {
            value
        };
        Var::new(self, nodes.push_many(Op::Dot, start, value))
    }

    /// The number of nodes recorded since the tape was created or cleared.
    pub fn len(&self) -> usize {
        self.nodes().nodes.len() - 1
    }

    /// Whether no node has been recorded since the tape was created or
    /// cleared.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A handle to the node at `index` (as [`Var::index`] gives it), or
    /// `None` if there is no such node. A program that keeps indices rather
    /// than handles (to hold on to a replayable tape, say) gets its handles
    /// back this way.
    pub fn node(&self, index: usize) -> Option<Var<'_>> {
        let index = u32::try_from(index.checked_add(1)?).ok()?;
        (index as usize <= self.len()).then(|| Var::new(self, index))
    }

    /// Forgets every node but keeps the allocation, so that the next training
    /// step records into memory that is already there.
    ///
    /// Gradients taken before the clear can no longer be read with handles
    /// recorded after it: [`Gradients::wrt`](crate::Gradients::wrt) panics
    /// rather than answer for the wrong node.
    pub fn clear(&mut self) {
        self.nodes.get_mut().clear();
        self.generation += 1;
    }

    /// Bytes of tape memory in use for the nodes recorded now (not counting
    /// spare capacity, nor the adjoints of a sweep, 8 bytes a node).
    pub fn memory_used(&self) -> usize {
        let nodes = self.nodes();
        nodes.nodes.len() * size_of::<Node>()
            + nodes.parents.len() * size_of::<u32>()
            + nodes.partials.len() * size_of::<f64>()
            + nodes.affine.len() * size_of::<Affine>()
            + nodes
                .ops
                .as_ref()
                .map_or(0, |ops| ops.len() * size_of::<Op>())
    }

    /// Shared access to the storage.
    ///
    /// Sound because the only mutable access, [`Tape::nodes_mut`], is never
    /// held across a call that could reach this one.
    pub(crate) fn nodes(&self) -> &Nodes {
        // SAFETY: see `nodes_mut`; no `&mut Nodes` is alive while a method
        // that calls this runs.
        unsafe { &*self.nodes.get() }
    }

    /// Mutable access to the storage from a shared reference: what lets
    /// handles be `Copy` and still record.
    ///
    /// A `RefCell` would check this at run time, on every operation; the
    /// tape instead keeps one rule by construction. Each method of the crate
    /// that records takes this reference once, uses it only for plain reads
    /// and writes of the storage, calls no code outside the crate while it
    /// holds it, and drops it before returning. The tape is not `Sync`, so
    /// no other thread can be inside such a method at the same time.
    ///
    /// # Safety
    ///
    /// The caller must hold no other reference into the storage (from this
    /// function or from [`Tape::nodes`]) while the returned one is alive.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn nodes_mut(&self) -> &mut Nodes {
        // SAFETY: exclusivity is the caller's promise, above.
        unsafe { &mut *self.nodes.get() }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Panics unless `var` was recorded on this tape.
    #[inline(always)]
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
        let nodes = self.nodes();
        f.debug_struct("Tape")
            .field("id", &self.id)
            .field("nodes", &(nodes.nodes.len() - 1))
            .field("shared_edges", &nodes.parents.len())
            .field("replay", &nodes.ops.is_some())
            .finish()
    }
}
