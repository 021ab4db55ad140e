package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A constraint program: inputs {@code x_1..x_d}, intermediates {@code z_i = f_i(z_alpha(i))} and one
 * or more outputs, the first of which is the objective {@code z_n}.
 *
 * <p>A program is an immutable value that threads may share; evaluation state lives in caller-owned
 * arrays (see {@link Workspace}). The graph is stored as flat arrays, one entry per node and a CSR
 * list of arguments, so that no object is touched per node on the hot paths. A node owns a
 * contiguous range of value slots, {@code [slot(i), slot(i) + width(i))}; a scalar owns one slot.
 *
 * <p>Nodes are numbered in evaluation order: every node's arguments come before it, except inside a
 * cyclic block (a strongly connected component of the dependency graph), whose nodes are numbered
 * contiguously. Acyclic programs built in definition order keep their definition order.
 */
public final class Program {
    final byte[] op;
    /**
     * The first value slot of each node and one past the last (n + 1 entries), or null when every
     * node is a scalar and node i owns slot i: the common case, which then costs no memory.
     */
    final int[] slot;
    final int[] argStart;
    final int[] args;
    final int[] paramStart;
    final double[] params;
    private final int[] namedNodes; // ascending; most nodes of a large program are unnamed temporaries
    private final String[] nodeNames; // nodeNames[k] is the name of namedNodes[k]
    final int[] inputs;
    final double[] inputDefaults;
    final int[] outputs;
    final Condensation blocks;
    final int[] initNodes;
    final double[] initValues;
    private final int[] nodeOfBuilderId;
    private volatile NameTable byName;
    private volatile int[][] usersCsr;

    private Program(byte[] op, int[] slot, int[] argStart, int[] args, int[] paramStart, double[] params,
            int[] namedNodes, String[] nodeNames, int[] inputs, double[] inputDefaults, int[] outputs,
            Condensation blocks, int[] initNodes, double[] initValues, int[] nodeOfBuilderId) {
        this.op = op;
        this.slot = slot;
        this.argStart = argStart;
        this.args = args;
        this.paramStart = paramStart;
        this.params = params;
        this.namedNodes = namedNodes;
        this.nodeNames = nodeNames;
        this.inputs = inputs;
        this.inputDefaults = inputDefaults;
        this.outputs = outputs;
        this.blocks = blocks;
        this.initNodes = initNodes;
        this.initValues = initValues;
        this.nodeOfBuilderId = nodeOfBuilderId;
    }

    /** The nodes by name, made on first use: most solves never look a name up. */
    private NameTable byName() {
        NameTable table = byName;
        if (table == null) {
            table = new NameTable(nodeNames.length);
            for (int k = 0; k < namedNodes.length; k++) {
                table.put(nodeNames[k], namedNodes[k]);
            }
            byName = table; // volatile: a racing thread sees a whole table, or builds an equal one
        }
        return table;
    }

    /** A new builder; plain Java loops over its methods unroll into the graph. */
    public static Builder builder() {
        return new Builder(64);
    }

    /**
     * A new builder with room for about {@code expectedSize} variables before any of its arrays
     * grows: a generator that knows the size of its program saves the copies of doubling (the
     * program is the same either way).
     *
     * @throws IllegalArgumentException when {@code expectedSize} is negative
     */
    public static Builder builder(int expectedSize) {
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expected size " + expectedSize + " < 0");
        }
        return new Builder(Math.max(expectedSize, 16));
    }

    /** The number of nodes n (inputs, constants and intermediates). */
    public int size() {
        return op.length;
    }

    /** The number of value slots: the length of a value or multiplier vector. */
    public int slotCount() {
        return slot == null ? op.length : slot[op.length];
    }

    /**
     * The primitive that defines node {@code i}.
     *
     * @throws IllegalStateException when node {@code i} is a vector node (see {@link #vectorPrimitive})
     */
    public Primitive primitive(int i) {
        if (op[i] >= VectorPrimitive.BASE) {
            throw new IllegalStateException("'" + label(i) + "' is a vector node ("
                    + VectorPrimitive.ofCode(op[i]).symbol() + "), not a scalar primitive");
        }
        return Primitive.ofOrdinal(op[i]);
    }

    /** Whether node {@code i} is defined by a {@link VectorPrimitive} (its width may still be 1). */
    public boolean isVector(int i) {
        return op[i] >= VectorPrimitive.BASE;
    }

    /** The vector primitive that defines node {@code i}, or null for a scalar primitive. */
    public VectorPrimitive vectorPrimitive(int i) {
        return op[i] >= VectorPrimitive.BASE ? VectorPrimitive.ofCode(op[i]) : null;
    }

    /** Node {@code i}'s function name or symbol, for messages: {@code sin}, {@code +}, {@code @}, {@code tanh} of a map. */
    public String symbol(int i) {
        return op[i] >= VectorPrimitive.BASE ? VectorPrimitive.ofCode(op[i]).symbol(params, paramStart[i])
                : Primitive.ofOrdinal(op[i]).symbol();
    }

    /** The scalar primitive node {@code i} applies: its own, or the function of an elementwise map or zip; else null. */
    public Primitive scalarFunction(int i) {
        if (op[i] < VectorPrimitive.BASE) {
            return Primitive.ofOrdinal(op[i]);
        }
        return op[i] == VectorPrimitive.MAP.code() || op[i] == VectorPrimitive.ZIP.code()
                ? VectorPrimitive.scalar(params, paramStart[i]) : null;
    }

    /** The first value slot of node {@code i}. */
    public int slot(int i) {
        return slot == null ? i : slot[i];
    }

    /** The number of value slots of node {@code i} (1 for a scalar). */
    public int width(int i) {
        return slot == null ? 1 : slot[i + 1] - slot[i];
    }

    /** The node that owns value slot {@code s}. */
    public int nodeOf(int s) {
        if (slot == null) {
            return s;
        }
        int i = Arrays.binarySearch(slot, 0, op.length, s);
        if (i >= 0) {
            while (i + 1 < op.length && slot[i + 1] == s) {
                i++;
            }
            return i;
        }
        return -i - 2;
    }

    /** alpha(i): the nodes node {@code i} reads, in argument order (a new array). */
    public int[] arguments(int i) {
        int[] a = Arrays.copyOfRange(args, argStart[i], argStart[i + 1]);
        for (int k = 0; k < a.length; k++) {
            a[k] = nodeOf(a[k]);
        }
        return a;
    }

    /** The number of arguments of node {@code i}. */
    public int arity(int i) {
        return argStart[i + 1] - argStart[i];
    }

    /** beta(j): the nodes that read node {@code j}, ascending, each once (a new array). */
    public int[] users(int j) {
        int[][] csr = usersCsr();
        return Arrays.copyOfRange(csr[1], csr[0][j], csr[0][j + 1]);
    }

    private int[][] usersCsr() {
        int[][] csr = usersCsr;
        if (csr == null) {
            int n = op.length;
            int[] start = new int[n + 1];
            int[] last = new int[n];
            Arrays.fill(last, -1);
            for (int i = 0; i < n; i++) {
                for (int k = argStart[i]; k < argStart[i + 1]; k++) {
                    int j = nodeOf(args[k]);
                    if (last[j] != i) {
                        last[j] = i;
                        start[j + 1]++;
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                start[j + 1] += start[j];
            }
            int[] users = new int[start[n]];
            int[] fill = Arrays.copyOf(start, n);
            Arrays.fill(last, -1);
            for (int i = 0; i < n; i++) {
                for (int k = argStart[i]; k < argStart[i + 1]; k++) {
                    int j = nodeOf(args[k]);
                    if (last[j] != i) {
                        last[j] = i;
                        users[fill[j]++] = i;
                    }
                }
            }
            csr = new int[][] {start, users};
            usersCsr = csr;
        }
        return csr;
    }

    /** The constant parameters of node {@code i} (a new array; empty for most primitives). */
    public double[] parameters(int i) {
        return Arrays.copyOfRange(params, paramStart[i], paramStart[i + 1]);
    }

    /** The number of named nodes (variables with a name; temporaries are not counted). */
    public int namedCount() {
        return namedNodes.length;
    }

    /** The {@code k}-th named node, in evaluation order: {@code k < namedCount()}. */
    public int namedNode(int k) {
        return namedNodes[k];
    }

    /** The name of the {@code k}-th named node: {@code name(namedNode(k))} without a search. */
    public String namedNodeName(int k) {
        return nodeNames[k];
    }

    /** The names of the nodes in {@code [from, to)}, in evaluation order. O(log n + names in range). */
    public List<String> namesIn(int from, int to) {
        int k = Arrays.binarySearch(namedNodes, from);
        k = k >= 0 ? k : -k - 1;
        List<String> names = new ArrayList<>();
        for (; k < namedNodes.length && namedNodes[k] < to; k++) {
            names.add(nodeNames[k]);
        }
        return names;
    }

    /** The name of node {@code i}, or null for a temporary. */
    public String name(int i) {
        int k = Arrays.binarySearch(namedNodes, i);
        return k >= 0 ? nodeNames[k] : null;
    }

    /** The name of node {@code i}, or {@code %i} for a temporary: for messages. */
    public String label(int i) {
        String name = name(i);
        return name != null ? name : "%" + i;
    }

    /** The node named {@code name}, or -1. */
    public int nodeNamed(String name) {
        return byName().get(name);
    }

    /** The node a builder handle stands for. */
    public int node(Var v) {
        return nodeOfBuilderId == null ? v.id : nodeOfBuilderId[v.id];
    }

    /** d, the number of inputs. */
    public int inputCount() {
        return inputs.length;
    }

    /** The node of input {@code k} (0-based, in declaration order); every entry of an input block maps to its node. */
    public int input(int k) {
        return inputs[k];
    }

    /** The default value of input {@code k}, or NaN when it has none. */
    public double inputDefault(int k) {
        return inputDefaults[k];
    }

    /** The input defaults, NaN where an input has none (a new array). */
    public double[] inputDefaults() {
        return inputDefaults.clone();
    }

    /**
     * The index of the input at node {@code i} (the first of an input block), or -1 when {@code i}
     * is not an input.
     */
    public int inputIndex(int i) {
        if (op[i] != Primitive.INPUT.ordinal() && op[i] != VectorPrimitive.INPUT.code()) {
            return -1;
        }
        return (int) params[paramStart[i]];
    }

    /**
     * The name of input {@code k} for messages: its node's label, with its index inside an input
     * block ({@code x[3]}, {@code W[2,5]}), counted from the block's index bases (1 unless declared
     * otherwise, see {@link Builder#inputMatrix(String, int, int, double[], int, int)}).
     */
    public String inputLabel(int k) {
        int i = inputs[k];
        if (op[i] != VectorPrimitive.INPUT.code()) {
            return label(i);
        }
        int c = paramStart[i];
        int offset = k - (int) params[c];
        int cols = (int) params[c + 2];
        int rowBase = (int) params[c + 3];
        int colBase = (int) params[c + 4];
        if (cols == 0) {
            // The values of a sparse matrix (first, w, 0, rowBase, colBase, m, n, rowStart[0..m],
            // col[0..w)): entry offset lies in the row r with rowStart[r] <= offset < rowStart[r + 1].
            int m = (int) params[c + 5];
            int rowStart = c + 7;
            int lo = 0;
            int hi = m - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (params[rowStart + mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return label(i) + "[" + (lo + rowBase) + "," + ((int) params[rowStart + m + 1 + offset] + colBase) + "]";
        }
        return label(i) + (cols == 1 ? "[" + (offset + rowBase) + "]"
                : "[" + (offset / cols + rowBase) + "," + (offset % cols + colBase) + "]");
    }

    /**
     * The name of value slot {@code s} for reports: its node's label for a scalar (or a one-slot
     * vector node such as a dot product); the input's label inside an input block ({@code x[3]},
     * {@code W[2,5]}); {@code h[k]} (1-based) inside any other vector node.
     */
    public String slotLabel(int s) {
        int i = nodeOf(s);
        int k0 = inputIndex(i);
        if (!isVector(i) || width(i) == 1 && k0 < 0) {
            return label(i);
        }
        int offset = s - slot(i);
        return k0 >= 0 ? inputLabel(k0 + offset) : label(i) + "[" + (offset + 1) + "]";
    }

    /** The value slot of input {@code k}: its node's slot, offset within an input block. */
    public int inputSlot(int k) {
        int i = inputs[k];
        return slot(i) + k - (int) params[paramStart[i]];
    }

    /** The number of outputs. */
    public int outputCount() {
        return outputs.length;
    }

    /** The node of output {@code k}; output 0 is the objective. */
    public int output(int k) {
        return outputs[k];
    }

    /** The objective's node, z_n. */
    public int objective() {
        return outputs[0];
    }

    /**
     * The starting value of node {@code i} for iterative solves of its cyclic block: its
     * {@code init} value, or 0.
     */
    public double initialValue(int i) {
        int k = Arrays.binarySearch(initNodes, i);
        return k >= 0 ? initValues[k] : 0;
    }

    /** The nodes that have an {@code init} value, ascending (a new array). */
    public int[] initializedNodes() {
        return initNodes.clone();
    }

    /** The graph's strongly connected components in evaluation order. */
    public Condensation blocks() {
        return blocks;
    }

    /** Whether the dependency graph has no cycle, so that substitution solves it. */
    public boolean isAcyclic() {
        return blocks.cyclicCount() == 0;
    }

    /**
     * The same program with other outputs, the first being the objective.
     *
     * @param outputNodes nodes of this program
     */
    public Program withOutputs(int... outputNodes) {
        if (outputNodes.length == 0) {
            throw new IllegalArgumentException("a program needs at least one output");
        }
        for (int o : outputNodes) {
            if (o < 0 || o >= op.length) {
                throw new IllegalArgumentException("no node " + o);
            }
        }
        if (width(outputNodes[0]) != 1) {
            throw new IllegalArgumentException("the objective '" + label(outputNodes[0]) + "' is a vector of "
                    + width(outputNodes[0]) + " entries");
        }
        return new Program(op, slot, argStart, args, paramStart, params, namedNodes, nodeNames, inputs,
                inputDefaults, outputNodes.clone(), blocks, initNodes, initValues, nodeOfBuilderId);
    }

    /** The same program with other input defaults (NaN for none). */
    public Program withInputDefaults(double... defaults) {
        if (defaults.length != inputs.length) {
            throw new IllegalArgumentException("expected " + inputs.length + " defaults, got " + defaults.length);
        }
        return new Program(op, slot, argStart, args, paramStart, params, namedNodes, nodeNames, inputs,
                defaults.clone(), outputs, blocks, initNodes, initValues, nodeOfBuilderId);
    }

    /** Structural equality: the same nodes, primitives, arguments, parameters, names, inputs and outputs. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Program)) {
            return false;
        }
        Program p = (Program) o;
        return Arrays.equals(op, p.op) && Arrays.equals(slot, p.slot) && Arrays.equals(argStart, p.argStart)
                && Arrays.equals(args, p.args) && Arrays.equals(paramStart, p.paramStart)
                && Arrays.equals(params, p.params) && Arrays.equals(namedNodes, p.namedNodes)
                && Arrays.equals(nodeNames, p.nodeNames)
                && Arrays.equals(inputs, p.inputs) && Arrays.equals(inputDefaults, p.inputDefaults)
                && Arrays.equals(outputs, p.outputs) && Arrays.equals(initNodes, p.initNodes)
                && Arrays.equals(initValues, p.initValues);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(op) + Arrays.hashCode(args)) + Arrays.hashCode(outputs);
    }

    @Override
    public String toString() {
        return "Program[" + op.length + " nodes, " + inputs.length + " inputs, " + outputs.length + " outputs, "
                + blocks.cyclicCount() + " cyclic blocks]";
    }

    /**
     * Records a program. Each method adds one constraint and returns its variable; plain Java loops
     * unroll into the graph. A variable may be used before it is defined ({@link #declare}), which
     * is how cycles are written. Misuse (a handle from another builder, a wrong argument count) is
     * an {@link IllegalArgumentException}; a malformed program is a {@link ProgramException}.
     */
    public static final class Builder {
        private static final byte UNDEFINED = -1;
        private static final double[] NO_PARAMETERS = {};

        private byte[] op;
        private int[] argOff;
        /**
         * The number of arguments of each node, or null while the pools are packed (see
         * {@link #argLength}): most programs are, and then recording writes no length per node.
         */
        private int[] argLen;
        private int[] paramOff;
        /** Names by builder id; only as long as the last named id needs, since most nodes are unnamed. */
        private String[] names = new String[16];
        private int namedCount;
        /** Declared variables not yet defined. */
        private int undefinedCount;
        private int n;
        private int[] argPool;
        private int argCount;
        private double[] paramPool;
        private int paramCount;
        /** Whether every argument so far precedes its node: then builder order is evaluation order. */
        private boolean inOrder = true;
        private final List<Integer> inputs = new ArrayList<>();
        private final List<Double> inputDefaults = new ArrayList<>();
        private final List<Integer> outputs = new ArrayList<>();
        private final NameTable byName = new NameTable();
        private final Map<Long, Var> constants = new HashMap<>();
        private final Map<Integer, Double> init = new HashMap<>();
        /** {rows, cols} of every node wider than one slot, by builder id; scalars are absent. */
        private final Map<Integer, int[]> shapes = new HashMap<>();
        /**
         * Placeholders from {@link #declare} whose width is not known yet: not defined, and not used
         * where an operation implies a width. Scalar uses do not fix it (build() checks them).
         */
        private final Set<Integer> deferred = new HashSet<>();
        /** For deferred placeholders read by {@link #element}: the least width those reads need. */
        private final Map<Integer, Integer> minWidth = new HashMap<>();
        /** For placeholders whose width an operand use fixed: that use, for messages. */
        private final Map<Integer, String> impliedBy = new HashMap<>();
        private Ids ids;

        /** Room for {@code capacity} nodes, two arguments and one parameter each on average. */
        Builder(int capacity) {
            op = new byte[capacity];
            argOff = new int[capacity];
            paramOff = new int[capacity];
            argPool = new int[2 * capacity];
            paramPool = new double[capacity];
        }

        String nameOf(int id) {
            return id < names.length ? names[id] : null;
        }

        private void setName(int id, String name) {
            if (id >= names.length) {
                names = Arrays.copyOf(names, Math.max(2 * names.length, id + 1));
            }
            names[id] = name;
            namedCount++;
            byName.put(name, id);
        }

        /**
         * Whether the pools hold each node's arguments and parameters in node order, back to back:
         * then a node's arguments end where the next node's begin.
         */
        private boolean packed() {
            return argLen == null;
        }

        /** Leaves the packed layout, before a node's arguments or parameters move to the pools' end. */
        private void unpack() {
            if (argLen == null) {
                int[] length = new int[op.length];
                for (int i = 0; i < n; i++) {
                    length[i] = argLength(i);
                }
                argLen = length;
            }
        }

        private int argLength(int id) {
            if (argLen != null) {
                return argLen[id];
            }
            return (id + 1 < n ? argOff[id + 1] : argCount) - argOff[id];
        }

        /** Declares input {@code name} with a default value (NaN: the value must be given at solve time). */
        public Var input(String name, double defaultValue) {
            Var v = node(Primitive.INPUT, name, new double[] {inputs.size()});
            inputs.add(v.id);
            inputDefaults.add(defaultValue);
            return v;
        }

        /** Declares input {@code name} with no default value. */
        public Var input(String name) {
            return input(name, Double.NaN);
        }

        /**
         * Defines the placeholder {@code v} (from {@link #declare}) as the next input, for an input
         * that is used before it is declared.
         *
         * @throws ProgramException when {@code v} is already defined
         */
        public Var input(Var v, double defaultValue) {
            own(v);
            if (op[v.id] != UNDEFINED) {
                throw new ProgramException("'" + v + "' is assigned more than once", List.of(v.toString()));
            }
            settleWidth(v.id, 1, "a scalar input");
            unpack(); // its parameter lands at the end of the pool, out of node order
            op[v.id] = (byte) Primitive.INPUT.ordinal();
            undefinedCount--;
            paramOff[v.id] = paramCount;
            appendParams(new double[] {inputs.size()});
            inputs.add(v.id);
            inputDefaults.add(defaultValue);
            return v;
        }

        /** The constant {@code c} (one node per distinct value). */
        public Var constant(double c) {
            return constants.computeIfAbsent(Double.doubleToLongBits(c),
                    bits -> node(Primitive.CONSTANT, null, new double[] {c}));
        }

        /**
         * Declares a variable that is defined later by {@link #define} or {@link #defineVector}: a use
         * before definition. Its width is deferred: a scalar until a vector operation uses it as an
         * operand, which fixes the width that operation implies (the column count of W in
         * {@code matvec(W, v)} and of A in {@code sparseMatvec(A, v)}, the other operand's width in
         * {@code vectorAdd(r, v)}, 1 in {@link #stack}), or until it is defined, when it takes its
         * definition's width. A definition of another width than the one implied is a
         * {@link ProgramException}.
         */
        public Var declare(String name) {
            int existing = name == null ? -1 : byName.get(name);
            if (existing >= 0) {
                return new Var(this, existing);
            }
            Var v = node(null, name, NO_PARAMETERS);
            deferred.add(v.id);
            return v;
        }

        /**
         * Whether {@code v} is a placeholder from {@link #declare} whose width is not known yet (then
         * {@link #width} says 1).
         */
        public boolean isWidthDeferred(Var v) {
            return deferred.contains(own(v));
        }

        /**
         * Defines variable {@code name} as {@code f(args)} with parameters {@code p}: fills the
         * placeholder left by {@link #declare}, or adds a new named variable.
         *
         * @throws ProgramException when {@code name} is already defined
         */
        public Var define(String name, Primitive f, double[] p, Var... arguments) {
            int id = byName.get(name);
            if (id < 0) {
                return apply(name, f, p, arguments);
            }
            if (op[id] != UNDEFINED) {
                throw new ProgramException("'" + name + "' is assigned more than once", List.of(name));
            }
            if (f == Primitive.IDENTITY && arguments.length == 1 && knownWidth(arguments[0]) > 1) {
                return defineVector(new Var(this, id), arguments[0]); // name = a vector: a copy
            }
            checkApplication(f, p, arguments);
            settleWidth(id, 1, "a scalar " + f.symbol());
            unpack();
            op[id] = (byte) f.ordinal();
            undefinedCount--;
            setArguments(id, f, p, arguments);
            return new Var(this, id);
        }

        /**
         * Defines the placeholder {@code v} (from {@link #declare} or {@link #declareVector}) to equal
         * {@code value}, a scalar or a vector ({@link #defineVector}).
         */
        public Var define(Var v, Var value) {
            own(v);
            own(value);
            if (knownWidth(value) > 1 || shapes.containsKey(v.id)) {
                return defineVector(v, value);
            }
            return define(v.name(), Primitive.IDENTITY, NO_PARAMETERS, value);
        }

        /**
         * Names {@code value} {@code name}: a temporary is renamed in place; an input, a constant or a
         * variable that already has a name gets a new variable {@code name = value}.
         */
        public Var let(String name, Var value) {
            own(value);
            int id = value.id;
            if (nameOf(id) == null && op[id] != Primitive.CONSTANT.ordinal() && op[id] != UNDEFINED
                    && !byName.contains(name)) {
                setName(id, name);
                return value;
            }
            if (knownWidth(value) > 1 && !byName.contains(name)) {
                return defineVector(declare(name), value); // a named copy of a vector
            }
            return define(name, Primitive.IDENTITY, NO_PARAMETERS, value);
        }

        /** A new temporary {@code f(args)} with parameters {@code p}. */
        public Var apply(Primitive f, double[] p, Var... arguments) {
            return apply(null, f, p, arguments);
        }

        /** A new temporary {@code f(a)}: {@link #apply(Primitive, Var...)} without the argument array. */
        public Var apply(Primitive f, Var a) {
            if (f.hasParameter() || f.arity() != 1) {
                return apply(null, f, NO_PARAMETERS, new Var[] {a});
            }
            return unary(f, a);
        }

        /** A new temporary {@code f(a, b)}: {@link #apply(Primitive, Var...)} without the argument array. */
        public Var apply(Primitive f, Var a, Var b) {
            if (f.hasParameter() || f.arity() != 2) {
                return apply(null, f, NO_PARAMETERS, new Var[] {a, b});
            }
            return binary(f, a, b);
        }

        /** A new temporary {@code f(args)}. */
        public Var apply(Primitive f, Var... arguments) {
            return apply(null, f, NO_PARAMETERS, arguments);
        }

        private Var apply(String name, Primitive f, double[] p, Var... arguments) {
            checkApplication(f, p, arguments);
            Var v = node(f, name, NO_PARAMETERS);
            setArguments(v.id, f, p, arguments);
            return v;
        }

        // The named operations below record directly, without the argument and parameter arrays
        // of apply(...): recording is on the path of every node of a large program.

        public Var neg(Var a) { return unary(Primitive.NEG, a); }
        public Var add(Var a, Var b) { return binary(Primitive.ADD, a, b); }
        public Var sub(Var a, Var b) { return binary(Primitive.SUB, a, b); }
        public Var mul(Var a, Var b) { return binary(Primitive.MUL, a, b); }
        public Var div(Var a, Var b) { return binary(Primitive.DIV, a, b); }
        public Var pow(Var a, Var b) { return binary(Primitive.POW, a, b); }
        public Var exp(Var a) { return unary(Primitive.EXP, a); }
        public Var log(Var a) { return unary(Primitive.LOG, a); }
        public Var sin(Var a) { return unary(Primitive.SIN, a); }
        public Var cos(Var a) { return unary(Primitive.COS, a); }
        public Var tan(Var a) { return unary(Primitive.TAN, a); }
        public Var tanh(Var a) { return unary(Primitive.TANH, a); }
        public Var sigmoid(Var a) { return unary(Primitive.SIGMOID, a); }
        public Var sqrt(Var a) { return unary(Primitive.SQRT, a); }
        public Var abs(Var a) { return unary(Primitive.ABS, a); }
        public Var relu(Var a) { return unary(Primitive.RELU, a); }
        public Var max(Var a, Var b) { return binary(Primitive.MAX, a, b); }
        public Var min(Var a, Var b) { return binary(Primitive.MIN, a, b); }
        public Var softplus(Var a) { return unary(Primitive.SOFTPLUS, a); }

        /** {@code a^p} for a constant exponent. */
        public Var pow(Var a, double p) {
            return new Var(this, powc(own(a), p));
        }

        /** {@code a + c}, as a weighted sum. */
        public Var add(Var a, double c) {
            return affine(c, 1, a);
        }

        /** {@code c * a}, as a weighted sum. */
        public Var mul(double c, Var a) {
            return affine(0, c, a);
        }

        /** {@code c_0 + sum_k c_k z_k}. */
        public Var weightedSum(double c0, double[] c, Var... z) {
            if (c.length != z.length) {
                throw new IllegalArgumentException(c.length + " coefficients for " + z.length + " terms");
            }
            for (Var v : z) {
                own(v);
            }
            int id = temporary(Primitive.WEIGHTED_SUM, z.length);
            appendParameter(c0);
            for (int k = 0; k < z.length; k++) {
                appendParameter(c[k]);
                int iz = z[k].id; // no id array: this is on the recording path of every sum
                argPool[argCount++] = iz;
                inOrder &= iz < id;
            }
            return new Var(this, id);
        }

        /** {@code sum_k z_k}. */
        public Var sum(Var... z) {
            double[] ones = new double[z.length];
            Arrays.fill(ones, 1);
            return weightedSum(0, ones, z);
        }

        private Var unary(Primitive f, Var a) {
            return new Var(this, unary(f, own(a)));
        }

        private Var binary(Primitive f, Var a, Var b) {
            return new Var(this, binary(f, own(a), own(b)));
        }

        private Var affine(double c0, double c, Var a) {
            return new Var(this, affine(c0, c, own(a)));
        }

        // The recording cores, on builder ids: the Var methods above and the id view (ids()) both
        // end here, so that the two record identical programs at the same cost per node.

        /** {@code f(a)} for a unary primitive without parameter. */
        private int unary(Primitive f, int ia) {
            int id = temporary(f, 1);
            argPool[argCount++] = ia;
            inOrder &= ia < id;
            return id;
        }

        /** {@code f(a, b)} for a binary primitive without parameter. */
        private int binary(Primitive f, int ia, int ib) {
            int id = temporary(f, 2);
            argPool[argCount] = ia;
            argPool[argCount + 1] = ib;
            argCount += 2;
            inOrder &= ia < id & ib < id;
            return id;
        }

        /** {@code c0 + c a}, as a weighted sum. */
        private int affine(double c0, double c, int ia) {
            int id = temporary(Primitive.WEIGHTED_SUM, 1);
            appendParameter(c0);
            appendParameter(c);
            argPool[argCount++] = ia;
            inOrder &= ia < id;
            return id;
        }

        /** {@code a^p} for a constant exponent. */
        private int powc(int ia, double p) {
            int id = temporary(Primitive.POWC, 1);
            appendParameter(p);
            argPool[argCount++] = ia;
            inOrder &= ia < id;
            return id;
        }

        /** {@code c_0 + sum_k c_k z_k} over ids. */
        private int weightedSum(double c0, double[] c, int[] z) {
            int id = temporary(Primitive.WEIGHTED_SUM, z.length);
            appendParameter(c0);
            for (int k = 0; k < z.length; k++) {
                appendParameter(c[k]);
                int iz = z[k];
                argPool[argCount++] = iz;
                inOrder &= iz < id;
            }
            return id;
        }

        // Vector nodes. A vector or matrix node owns a contiguous range of slots; a matrix is
        // row-major, so W[r, j] (1-based, as in the .lag language) is slot slot(W) + (r - 1) n + (j - 1).
        // Each operation checks shapes here, so that the kernels need not.

        /**
         * Declares the input block {@code name} of {@code defaults.length} entries (NaN: given at solve
         * time): inputs {@code k0 .. k0 + w - 1}, where k0 is the number of inputs declared before.
         *
         * @param defaults Not modified.
         */
        public Var inputVector(String name, double[] defaults) {
            return inputBlock(name, defaults.length, 1, defaults, 1, 1);
        }

        /**
         * Declares the {@code rows x cols} input block {@code name}, row-major: entry (r, j) is input
         * {@code k0 + r cols + j} (0-based r, j).
         *
         * @param defaults Not modified: {@code rows * cols} values, row-major.
         */
        public Var inputMatrix(String name, int rows, int cols, double[] defaults) {
            return inputMatrix(name, rows, cols, defaults, 1, 1);
        }

        /**
         * {@link #inputMatrix(String, int, int, double[])} whose entries are labelled from the index
         * bases given instead of 1 ({@code P[0,0]} for bases 0, 0): the {@code .lag} declaration
         * {@code input P[0..2, 0..2]}. The bases are part of the program (its parameters); they change
         * labels only, never values.
         *
         * @param defaults Not modified: {@code rows * cols} values, row-major.
         */
        public Var inputMatrix(String name, int rows, int cols, double[] defaults, int rowBase, int colBase) {
            if (rows < 1 || cols < 1 || defaults.length != rows * cols) {
                throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix needs " + rows * cols
                        + " defaults, got " + defaults.length);
            }
            // A single column is a vector labelled x[k]: its column base is never shown, so it is always 1.
            return inputBlock(name, rows, cols, defaults, rowBase, cols == 1 ? 1 : colBase);
        }

        /**
         * {@link #inputVector(String, double[])} whose entries are labelled from {@code base} instead
         * of 1 ({@code x[0]} for base 0).
         *
         * @param defaults Not modified.
         */
        public Var inputVector(String name, double[] defaults, int base) {
            return inputBlock(name, defaults.length, 1, defaults, base, 1);
        }

        private Var inputBlock(String name, int rows, int cols, double[] defaults, int rowBase, int colBase) {
            int w = rows * cols;
            if (w < 1) {
                throw new IllegalArgumentException("an input block needs at least one entry");
            }
            return inputBlock(name, new double[] {inputs.size(), w, cols, rowBase, colBase}, rows, cols, defaults);
        }

        /**
         * Declares the {@code rows x cols} sparse matrix {@code name} in CSR form: its nnz values are an
         * input block (inputs {@code k0 .. k0 + nnz - 1} in CSR order, labelled {@code name[r,j]},
         * 1-based, in messages and gradient reports), its pattern fixed.
         *
         * @param rowStart Not modified: rows + 1 offsets into colIndex.
         * @param colIndex Not modified: nnz columns, 0-based, strictly increasing within a row.
         * @param values Not modified: nnz defaults (NaN: given at solve time).
         * @throws IllegalArgumentException when the pattern is not valid CSR
         *     ({@link SparseMatrix#checkPattern}), has no entry, or values has another length
         */
        public SparseMatrix inputSparseMatrix(String name, int rows, int cols, int[] rowStart, int[] colIndex,
                double[] values) {
            String where = "inputSparseMatrix(" + name + ")";
            SparseMatrix.checkPattern(where, rows, cols, rowStart, colIndex);
            int nnz = colIndex.length;
            if (nnz == 0 || values.length != nnz) {
                throw new IllegalArgumentException(where + ": " + (nnz == 0 ? "a sparse input matrix needs at least one "
                        + "nonzero" : "the pattern has " + nnz + " nonzeros but " + values.length + " values are given"));
            }
            // (first, w, 0, rowBase, colBase, m, n, rowStart, col): cols = 0 marks the pattern that
            // labels the entries, 1-based.
            double[] p = new double[7 + rows + 1 + nnz];
            p[0] = inputs.size();
            p[1] = nnz;
            p[3] = 1;
            p[4] = 1;
            p[5] = rows;
            p[6] = cols;
            copyIndices(rowStart, p, 7);
            copyIndices(colIndex, p, 7 + rows + 1);
            return new SparseMatrix(inputBlock(name, p, nnz, 1, values), rows, cols, rowStart, colIndex);
        }

        private Var inputBlock(String name, double[] params, int rows, int cols, double[] defaults) {
            int w = rows * cols;
            Var v = vectorNode(VectorPrimitive.INPUT, name, params, rows, cols);
            for (int k = 0; k < w; k++) {
                inputs.add(v.id);
                inputDefaults.add(defaults[k]);
            }
            return v;
        }

        /**
         * The number of slots {@code v} owns: rows times columns (1 for a scalar, and for a placeholder
         * whose width is deferred: see {@link #isWidthDeferred}).
         */
        public int width(Var v) {
            own(v);
            int[] shape = shapes.isEmpty() ? null : shapes.get(v.id);
            return shape == null ? 1 : shape[0] * shape[1];
        }

        /**
         * {@code W x} for an m x n block W (an input matrix) and an n-vector x: an m-vector. A
         * placeholder x of deferred width gets width n.
         */
        public Var matvec(Var W, Var x) {
            if (knownWidth(W) < 0) {
                throw unknownWidth("matvec", W, "a matrix must be defined before W @ x");
            }
            int[] shape = shape(W);
            int n = shape[1];
            implyWidth(x, n, "matvec(" + W + ", " + x + ")");
            if (width(x) != n || shape[0] * n == 1 && n != 1) {
                throw new IllegalArgumentException("matvec: " + W + " is " + shape[0] + " x " + n + " but " + x
                        + " has " + width(x) + " entries");
            }
            return vectorNode(VectorPrimitive.MATVEC, null, new double[] {shape[0], n}, shape[0], 1, W, x);
        }

        /**
         * {@code W^T y} for an m x n block W and an m-vector y: an n-vector ({@code y @ W} in .lag; the
         * node's arguments are y, then W). A placeholder y of deferred width gets width m.
         */
        public Var matvecTransposed(Var W, Var y) {
            if (knownWidth(W) < 0) {
                throw unknownWidth("matvecTransposed", W, "a matrix must be defined before y @ W");
            }
            int[] shape = shape(W);
            int m = shape[0];
            implyWidth(y, m, "matvecTransposed(" + W + ", " + y + ")");
            if (width(y) != m) {
                throw new IllegalArgumentException("matvecTransposed: " + W + " is " + m + " x " + shape[1] + " but "
                        + y + " has " + width(y) + " entries");
            }
            return vectorNode(VectorPrimitive.MATVEC_T, null, new double[] {m, shape[1]}, shape[1], 1, y, W);
        }

        /**
         * {@code a b^T} for an m-vector a and an n-vector b: an m x n matrix node, row-major, usable as
         * the matrix of {@link #matvec} (and the gradient of an m x n input block).
         */
        public Var outer(Var a, Var b) {
            if (knownWidth(a) < 0 || knownWidth(b) < 0) {
                throw unknownWidth("outer", knownWidth(a) < 0 ? a : b, null);
            }
            int m = width(a);
            int n = width(b);
            return vectorNode(VectorPrimitive.OUTER, null, new double[] {m, n}, m, n, a, b);
        }

        /** {@code c0 + c1 a_k} for each entry of a, constants c0 and c1: a vector's one-term weighted sum. */
        public Var vectorAffine(double c0, double c1, Var a) {
            if (knownWidth(a) < 0) {
                throw unknownWidth("vectorAffine", a, null);
            }
            int w = width(a);
            return vectorNode(VectorPrimitive.AFFINE, null, new double[] {w, c0, c1}, w, 1, a);
        }

        /** {@code [a_k > 0]} for each entry of a: 1 or 0 (relu's derivative, 0 at 0). */
        public Var step(Var a) {
            return elementwise(VectorPrimitive.STEP, a);
        }

        /**
         * {@code A x} for the sparse matrix A ({@link #inputSparseMatrix}) and a vector x of A's column
         * count: {@link #sparseMatvec(Var, int, int, int[], int[], Var)} with A's pattern.
         */
        public Var sparseMatvec(SparseMatrix A, Var x) {
            return sparseMatvec(A.values(), A.rows(), A.cols(), A.rowStart(), A.colIndex(), x);
        }

        /**
         * {@code z_r = sum_{e = rowStart[r]}^{rowStart[r+1] - 1} values_e x_{colIndex[e]}}: the rows x cols
         * matrix with the CSR pattern (rowStart, colIndex) and nonzeros {@code values} (a vector variable
         * of nnz entries, usually an input block: {@link #inputSparseMatrix}) times x, an m-vector. O(nnz +
         * rows) per evaluation; the pattern is stored in the node. A placeholder x of deferred width gets
         * width cols, as in {@link #matvec}; values must have a known width.
         *
         * @param rowStart Not modified.
         * @param colIndex Not modified.
         * @throws IllegalArgumentException when the pattern is not valid CSR ({@link SparseMatrix#checkPattern})
         *     or a width does not match
         * @throws ProgramException when values is a placeholder of deferred width
         */
        public Var sparseMatvec(Var values, int rows, int cols, int[] rowStart, int[] colIndex, Var x) {
            String where = "sparseMatvec(" + values + ", " + x + ")";
            SparseMatrix.checkPattern(where, rows, cols, rowStart, colIndex);
            if (knownWidth(values) < 0) {
                throw unknownWidth("sparseMatvec", values, "the values must be defined before sparseMatvec(values, ..., x)");
            }
            int nnz = colIndex.length;
            if (width(values) != nnz) {
                throw new IllegalArgumentException(where + ": the pattern has " + nnz + " nonzeros but " + values + " has "
                        + width(values) + " entries");
            }
            implyWidth(x, cols, where);
            if (width(x) != cols) {
                throw new IllegalArgumentException(where + ": the matrix is " + rows + " x " + cols + " but " + x + " has "
                        + width(x) + " entries");
            }
            int head = VectorPrimitive.SPARSE_ROW_START;
            double[] p = new double[head + rows + 1 + nnz];
            p[0] = rows;
            p[1] = cols;
            p[2] = nnz;
            copyIndices(rowStart, p, head);
            copyIndices(colIndex, p, head + rows + 1);
            return vectorNode(VectorPrimitive.SPARSE_MATVEC, null, p, rows, 1, values, x);
        }

        private static void copyIndices(int[] from, double[] to, int at) {
            for (int k = 0; k < from.length; k++) {
                to[at + k] = from[k];
            }
        }

        /** {@code f(a_k)} for each entry of a, for f a scalar primitive of one argument without parameter ({@code tanh}). */
        public Var map(Primitive f, Var a) {
            if (f.hasParameter()) {
                throw new IllegalArgumentException(f.symbol() + " takes a parameter: use map(f, parameter, a)");
            }
            return map(f, 0, a);
        }

        /** {@code f(a_k; p)} for each entry of a, for f a scalar primitive of one argument and p its parameter ({@code a_k ^ p}). */
        public Var map(Primitive f, double parameter, Var a) {
            if (!f.isElementwise() && f != Primitive.POWC) {
                throw new IllegalArgumentException("map needs a function of one argument or ^, not " + f.symbol()
                        + (f == Primitive.NEG ? ": use scale(-1, a)" : ""));
            }
            int w = sameWidth(VectorPrimitive.MAP, new Var[] {a});
            return vectorNode(VectorPrimitive.MAP, null, new double[] {w, f.ordinal(), parameter}, w, 1, a);
        }

        /**
         * {@code f(a_k, b_k)} for each pair of entries, for f a scalar primitive of two arguments
         * ({@code max}, {@code /}); a sum, difference or product is its own node ({@link #vectorAdd}, ...).
         */
        public Var zip(Primitive f, Var a, Var b) {
            switch (f) {
                case ADD -> { return vectorAdd(a, b); }
                case SUB -> { return vectorSub(a, b); }
                case MUL -> { return hadamard(a, b); }
                default -> {
                    if (f.arity() != 2 || f == Primitive.IMPLICIT) {
                        throw new IllegalArgumentException("zip needs a primitive of two arguments, not " + f.symbol());
                    }
                }
            }
            int w = sameWidth(VectorPrimitive.ZIP, new Var[] {a, b});
            return vectorNode(VectorPrimitive.ZIP, null, new double[] {w, f.ordinal()}, w, 1, a, b);
        }

        /** {@code a + b} entry by entry. */
        public Var vectorAdd(Var a, Var b) {
            return elementwise(VectorPrimitive.ADD, a, b);
        }

        /** {@code a - b} entry by entry. */
        public Var vectorSub(Var a, Var b) {
            return elementwise(VectorPrimitive.SUB, a, b);
        }

        /** {@code a_k b_k}: the Hadamard product. */
        public Var hadamard(Var a, Var b) {
            return elementwise(VectorPrimitive.HADAMARD, a, b);
        }

        /** {@code c a} for a constant c. */
        public Var scale(double c, Var a) {
            if (knownWidth(a) < 0) {
                throw unknownWidth("scale", a, null);
            }
            int w = width(a);
            return vectorNode(VectorPrimitive.SCALE, null, new double[] {w, c}, w, 1, a);
        }

        /** {@code s b} for a scalar variable s and a vector b. */
        public Var scale(Var s, Var b) {
            if (knownWidth(b) < 0) {
                throw unknownWidth("scale", b, null);
            }
            implyWidth(s, 1, "scale(" + s + ", " + b + ")");
            if (width(s) != 1) {
                throw new IllegalArgumentException("scale: " + s + " has " + width(s) + " entries; a scale factor is a scalar");
            }
            int w = width(b);
            return vectorNode(VectorPrimitive.SCALE_BY, null, new double[] {w}, w, 1, s, b);
        }

        /**
         * Declares the vector {@code name} of {@code width} entries, defined later by
         * {@link #defineVector}: how a cycle through vector nodes is written ({@code v = r + 0.9 P v}).
         */
        public Var declareVector(String name, int width) {
            if (width < 1 || byName.contains(name)) {
                throw new IllegalArgumentException(width < 1 ? "a vector needs at least one entry"
                        : "'" + name + "' is already declared");
            }
            Var v = node(null, name, NO_PARAMETERS);
            if (width != 1) {
                shapes.put(v.id, new int[] {width, 1});
            }
            return v;
        }

        /**
         * Defines the placeholder {@code v} (from {@link #declareVector}, or from {@link #declare}) to
         * equal {@code value}, entry by entry. A placeholder of deferred width takes value's shape; one
         * whose width a use implied must have that width.
         *
         * @throws ProgramException when {@code v} is already defined, when its width was implied by a
         *     use and differs from value's, or when neither width is known
         * @throws IllegalArgumentException when v was declared with another width than value's
         */
        public Var defineVector(Var v, Var value) {
            own(v);
            own(value);
            if (op[v.id] != UNDEFINED) {
                throw new ProgramException("'" + v + "' is assigned more than once", List.of(v.toString()));
            }
            if (knownWidth(value) < 0) {
                if (knownWidth(v) < 0) {
                    throw unknownWidth("define", value, null);
                }
                implyWidth(value, width(v), "the definition of " + v);
            }
            boolean wasDeferred = deferred.contains(v.id);
            if (wasDeferred || impliedBy.containsKey(v.id)) {
                settleWidth(v.id, width(value), "a vector of " + width(value) + " entries (" + value + ")");
            }
            if (wasDeferred && width(value) != 1) {
                shapes.put(v.id, shape(value).clone()); // a deferred placeholder takes the value's shape
            }
            if (width(v) != width(value)) {
                throw new IllegalArgumentException("'" + v + "' has " + width(v) + " entries but " + value + " has "
                        + width(value));
            }
            unpack(); // its argument and parameter land at the ends of the pools, out of node order
            op[v.id] = (byte) VectorPrimitive.COPY.code();
            undefinedCount--;
            setArguments(v.id, null, new double[] {width(v)}, new Var[] {value});
            return v;
        }

        /** {@code a . b}, a scalar. */
        public Var dot(Var a, Var b) {
            return reduction(VectorPrimitive.DOT, a, b);
        }

        /** {@code sum_k a_k}, a scalar. */
        public Var vectorSum(Var a) {
            return reduction(VectorPrimitive.SUM, a);
        }

        /** {@code softmax(a)}, a vector of a's width. */
        public Var softmax(Var a) {
            return elementwise(VectorPrimitive.SOFTMAX, a);
        }

        /** {@code log sum_k exp(a_k)}, a scalar. */
        public Var logsumexp(Var a) {
            return reduction(VectorPrimitive.LOGSUMEXP, a);
        }

        /** {@code 1/2 |yhat - y|^2}, a scalar. */
        public Var squaredLoss(Var yhat, Var y) {
            return reduction(VectorPrimitive.SQUARED_LOSS, yhat, y);
        }

        /** {@code -sum_k y_k log softmax(logits)_k}, a scalar; y is a one-hot label or a distribution. */
        public Var crossEntropy(Var logits, Var y) {
            return reduction(VectorPrimitive.CROSS_ENTROPY, logits, y);
        }

        /**
         * {@code (s_1, ..., s_k)}: a vector of k entries from k scalar variables (anywhere, the same
         * one possibly twice). A placeholder of deferred width among them becomes a scalar.
         *
         * @throws IllegalArgumentException when there is no operand or an operand is a vector
         */
        public Var stack(Var... scalars) {
            if (scalars.length == 0) {
                throw new IllegalArgumentException("stack needs at least one scalar");
            }
            for (int k = 0; k < scalars.length; k++) {
                implyWidth(scalars[k], 1, "stack(...)");
                if (width(scalars[k]) != 1) {
                    throw new IllegalArgumentException("stack: operand " + (k + 1) + ", " + scalars[k] + ", has "
                            + width(scalars[k]) + " entries; stack takes scalars");
                }
            }
            int w = scalars.length;
            return vectorNode(VectorPrimitive.STACK, null, new double[] {w}, w, 1, scalars);
        }

        /**
         * Entry k (0-based) of {@code vector}, a scalar. On a placeholder of deferred width, the
         * eventual width is checked to exceed k when it is known.
         *
         * @throws IllegalArgumentException when k is out of range
         */
        public Var element(Var vector, int k) {
            own(vector);
            if (k < 0) {
                throw new IllegalArgumentException("element: index " + k + " of " + vector + " is negative");
            }
            if (deferred.contains(vector.id)) {
                minWidth.merge(vector.id, k + 1, Math::max);
            } else if (k >= width(vector)) {
                throw new IllegalArgumentException("element: index " + k + " (0-based) is out of range for " + vector
                        + ", which has " + width(vector) + " entr" + (width(vector) == 1 ? "y" : "ies"));
            }
            return vectorNode(VectorPrimitive.ELEMENT, null, new double[] {k}, 1, 1, vector);
        }

        /** The width of {@code v}, or -1 while it is a placeholder of deferred width. */
        private int knownWidth(Var v) {
            return deferred.contains(own(v)) ? -1 : width(v);
        }

        /**
         * Fixes the width of {@code v} to w when it is a placeholder of deferred width (an operand
         * whose operation implies w); otherwise does nothing, and the caller checks shapes.
         */
        private void implyWidth(Var v, int w, String where) {
            if (deferred.contains(own(v))) {
                settleWidth(v.id, w, "used as " + (w == 1 ? "a scalar" : "a vector of " + w + " entries") + " in "
                        + where);
                if (w != 1) {
                    shapes.put(v.id, new int[] {w, 1});
                }
                impliedBy.put(v.id, where);
            }
        }

        /**
         * Ends the deferral of placeholder {@code id}, which gets width w (by a use or by its
         * definition, described by {@code how}): checks it against the entries that element reads
         * and the width an earlier use implied.
         *
         * @throws ProgramException naming the variable and both widths
         */
        private void settleWidth(int id, int w, String how) {
            String name = nameOf(id) != null ? nameOf(id) : "%" + id;
            if (deferred.remove(id)) {
                Integer least = minWidth.remove(id);
                if (least != null && w < least) {
                    throw new ProgramException("'" + name + "' is " + how + " but element(" + name + ", " + (least - 1)
                            + ") reads entry " + least + " (1-based) of it", List.of(name));
                }
                return;
            }
            String where = impliedBy.get(id);
            if (where != null && width(new Var(this, id)) != w) {
                throw new ProgramException("'" + name + "' has " + width(new Var(this, id)) + " entr"
                        + (width(new Var(this, id)) == 1 ? "y" : "ies") + " as used in " + where + " but is defined as "
                        + how, List.of(name));
            }
            if (where == null && w == 1 && shapes.containsKey(id)) {
                throw new ProgramException("'" + name + "' is declared as a vector of " + width(new Var(this, id))
                        + " entries but defined as " + how, List.of(name));
            }
        }

        private ProgramException unknownWidth(String operation, Var v, String hint) {
            String name = v.toString();
            return new ProgramException(operation + ": the width of '" + name + "' is not known yet (it is declared "
                    + "and not yet defined)" + (hint != null ? "; " + hint : "") + ": declare it with declareVector(\""
                    + name + "\", width)", List.of(name));
        }

        /** A node of a's width from one or two arguments of that width. */
        private Var elementwise(VectorPrimitive f, Var... arguments) {
            int w = sameWidth(f, arguments);
            return vectorNode(f, null, new double[] {w}, w, 1, arguments);
        }

        /** A scalar from one or two arguments of one width. */
        private Var reduction(VectorPrimitive f, Var... arguments) {
            int w = sameWidth(f, arguments);
            return vectorNode(f, null, new double[] {w}, 1, 1, arguments);
        }

        private int sameWidth(VectorPrimitive f, Var[] arguments) {
            // A placeholder of deferred width takes the other operand's width.
            int known = -1;
            for (Var v : arguments) {
                known = Math.max(known, knownWidth(v));
            }
            if (known < 0) {
                throw unknownWidth(f.symbol(), arguments[arguments.length - 1], null);
            }
            for (Var v : arguments) {
                implyWidth(v, known, f.symbol() + "(" + arguments[0] + (arguments.length > 1 ? ", " + arguments[1] : "")
                        + ")");
            }
            int w = width(arguments[0]);
            for (Var v : arguments) {
                if (width(v) != w) {
                    throw new IllegalArgumentException(f.symbol() + ": " + arguments[0] + " has " + w + " entries but "
                            + v + " has " + width(v));
                }
            }
            return w;
        }

        private int[] shape(Var v) {
            own(v);
            int[] shape = shapes.isEmpty() ? null : shapes.get(v.id);
            return shape == null ? new int[] {1, 1} : shape;
        }

        private Var vectorNode(VectorPrimitive f, String name, double[] p, int rows, int cols, Var... arguments) {
            for (Var a : arguments) {
                own(a);
            }
            Var v = node(null, name, p);
            op[v.id] = (byte) f.code();
            undefinedCount--; // node(null, ...) counted a placeholder
            for (Var a : arguments) {
                appendArgument(v.id, a);
            }
            if (rows * cols != 1) {
                shapes.put(v.id, new int[] {rows, cols});
            }
            return v;
        }

        /** Sets the starting value of {@code v} for the iterative solve of its cyclic block (default 0). */
        public Builder init(Var v, double value) {
            own(v);
            init.put(v.id, value);
            return this;
        }

        /** Marks outputs; the first output of the program is its objective. */
        public Builder output(Var... v) {
            for (Var o : v) {
                own(o);
                outputs.add(o.id);
            }
            return this;
        }

        /**
         * Checks the program and freezes it: every declared variable defined, at least one output;
         * strongly connected components found and nodes numbered in evaluation order.
         */
        public Program build() {
            List<String> undefined = new ArrayList<>();
            for (int i = 0; undefinedCount > 0 && i < n; i++) {
                if (op[i] == UNDEFINED) {
                    undefined.add(nameOf(i));
                }
            }
            if (!undefined.isEmpty()) {
                throw new ProgramException("used but never defined: " + String.join(", ", undefined), undefined);
            }
            if (outputs.isEmpty()) {
                throw new ProgramException("the program has no output", List.of());
            }
            checkEntryNames();
            checkImplicitUnknowns();
            if (shapes.containsKey(outputs.get(0))) {
                String name = nameOf(outputs.get(0)) != null ? nameOf(outputs.get(0)) : "%" + outputs.get(0);
                throw new ProgramException("the objective '" + name + "' is a vector: reduce it to a scalar (sum, dot, "
                        + "a loss)", List.of(name));
            }
            Condensation.Ordering ordering = inOrder ? null : ordering();
            int[] rank = inOrder ? null : ordering.rank; // builder id -> new index
            byte[] newOp;
            int[] newArgStart;
            int[] newArgs; // padded by 2: a kernel may read two arguments unconditionally
            int[] newParamStart;
            double[] newParams; // padded by 1: a kernel may read one parameter unconditionally
            if (inOrder && packed()) {
                // Builder order is evaluation order and the pools are laid out as the program's
                // arrays: copy them as they are (the common case, and a large one).
                newOp = Arrays.copyOf(op, n);
                newArgStart = Arrays.copyOf(argOff, n + 1);
                newArgStart[n] = argCount;
                newArgs = Arrays.copyOf(argPool, argCount + 2);
                newParamStart = Arrays.copyOf(paramOff, n + 1);
                newParamStart[n] = paramCount;
                newParams = Arrays.copyOf(paramPool, paramCount + 1);
            } else {
                int[] order = rank == null ? null : ordering.order; // new index -> builder id
                newOp = new byte[n];
                newArgStart = new int[n + 1];
                newArgs = new int[argCount + 2];
                newParamStart = new int[n + 1];
                newParams = new double[paramCount + 1];
                int a = 0;
                int q = 0;
                for (int i = 0; i < n; i++) {
                    int b = order == null ? i : order[i];
                    newOp[i] = op[b];
                    newArgStart[i] = a;
                    for (int k = 0, len = argLength(b); k < len; k++) {
                        newArgs[a++] = newIndex(rank, argPool[argOff[b] + k]);
                    }
                    newParamStart[i] = q;
                    int paramLen = paramLength(b);
                    System.arraycopy(paramPool, paramOff[b], newParams, q, paramLen);
                    q += paramLen;
                }
                newArgStart[n] = a;
                newParamStart[n] = q;
            }
            int[] namedNodes = new int[namedCount];
            String[] nodeNames = new String[namedCount];
            if (rank == null) {
                // Ascending builder ids are ascending nodes; names stops at the last named id.
                for (int i = 0, m = 0; i < names.length; i++) {
                    if (names[i] != null) {
                        namedNodes[m] = i;
                        nodeNames[m++] = names[i];
                    }
                }
            } else {
                for (int i = 0, m = 0; i < n; i++) {
                    String name = nameOf(ordering.order[i]);
                    if (name != null) {
                        namedNodes[m] = i;
                        nodeNames[m++] = name;
                    }
                }
            }
            int[] newInputs = new int[inputs.size()];
            double[] defaults = new double[inputs.size()];
            for (int k = 0; k < newInputs.length; k++) {
                newInputs[k] = newIndex(rank, inputs.get(k));
                defaults[k] = inputDefaults.get(k);
            }
            int[] newOutputs = new int[outputs.size()];
            for (int k = 0; k < newOutputs.length; k++) {
                newOutputs[k] = newIndex(rank, outputs.get(k));
            }
            Condensation blocks = new Condensation(n, inOrder ? new int[0] : ordering.cyclicBlocks);
            int[] initNodes = new int[init.size()];
            double[] initValues = new double[initNodes.length];
            int m = 0;
            for (int id : init.keySet()) {
                initNodes[m++] = newIndex(rank, id);
            }
            Arrays.sort(initNodes);
            for (int k = 0; k < initNodes.length; k++) {
                int id = rank == null ? initNodes[k] : ordering.order[initNodes[k]];
                initValues[k] = init.get(id);
            }
            // When every node is a scalar, slot i is node i and no slot array is stored; otherwise
            // arguments are rewritten from nodes to their first slots.
            int[] slot = shapes.isEmpty() ? null : slots(newOp, rank == null ? null : ordering.order, newArgStart, newArgs);
            return new Program(newOp, slot, newArgStart, newArgs, newParamStart, newParams, namedNodes,
                    nodeNames, newInputs, defaults, newOutputs, blocks, initNodes, initValues,
                    inOrder || ordering.identity ? null : rank);
        }

        /**
         * An {@link Primitive#IMPLICIT} constraint {@code z_u = z_u - g} is the equation {@code g = 0} of
         * its own unknown u: its first argument must be u itself (which puts it in a cyclic block).
         */
        private void checkImplicitUnknowns() {
            byte implicit = (byte) Primitive.IMPLICIT.ordinal();
            for (int i = 0; i < n; i++) {
                if (op[i] == implicit && argPool[argOff[i]] != i) {
                    String name = nameOf(i) != null ? nameOf(i) : "%" + i;
                    int a = argPool[argOff[i]];
                    String arg = nameOf(a) != null ? nameOf(a) : "%" + a;
                    throw new ProgramException("'" + name + "' = implicit(" + arg + ", ...): the first argument of an "
                            + "implicit constraint must be its own unknown '" + name + "'", List.of(name, arg));
                }
            }
        }

        /**
         * A vector's entries are labelled {@code h[k]} ({@code W[r,c]} for a matrix): a scalar variable
         * named {@code h[...]} beside a vector {@code h} would be confused with them in every report.
         */
        private void checkEntryNames() {
            if (shapes.isEmpty() || namedCount == 0) {
                return;
            }
            Map<String, String> scalarEntry = new HashMap<>(); // base name -> its least scalar name base[...]
            for (String name : byName.names()) {
                int bracket = name.indexOf('[');
                if (bracket > 0) {
                    scalarEntry.merge(name.substring(0, bracket), name, (a, c) -> a.compareTo(c) <= 0 ? a : c);
                }
            }
            for (int id : shapes.keySet()) {
                String name = nameOf(id);
                String clash = name == null ? null : scalarEntry.get(name);
                if (clash != null) {
                    throw new ProgramException("'" + name + "' is a vector, whose entries are labelled " + name
                            + "[k]; the variable '" + clash + "' would be confused with them: rename one",
                            List.of(name, clash));
                }
            }
        }

        /**
         * The slot array of a program with vector nodes (n + 1 entries), after checking that scalar
         * primitives read only scalars; rewrites {@code args} from nodes to slots.
         *
         * @param args Modified.
         */
        private int[] slots(byte[] newOp, int[] order, int[] newArgStart, int[] args) {
            int[] slot = new int[n + 1];
            for (int i = 0; i < n; i++) {
                int[] shape = shapes.get(order == null ? i : order[i]);
                slot[i + 1] = slot[i] + (shape == null ? 1 : shape[0] * shape[1]);
            }
            for (int i = 0; i < n; i++) {
                boolean scalar = newOp[i] < VectorPrimitive.BASE;
                for (int k = newArgStart[i]; k < newArgStart[i + 1]; k++) {
                    int j = args[k];
                    if (scalar && slot[j + 1] - slot[j] != 1) {
                        int b = order == null ? i : order[i];
                        String user = nameOf(b) != null ? nameOf(b) : "%" + i;
                        int bj = order == null ? j : order[j];
                        String arg = nameOf(bj) != null ? nameOf(bj) : "%" + j;
                        throw new ProgramException("'" + user + "' = " + Primitive.ofOrdinal(newOp[i]).symbol()
                                + "(...) reads the vector '" + arg + "' (" + (slot[j + 1] - slot[j])
                                + " entries) where a scalar is expected", List.of(user, arg));
                    }
                    args[k] = slot[j];
                }
            }
            return slot;
        }

        /** The evaluation index of builder id {@code id}; a null rank is the identity. */
        private static int newIndex(int[] rank, int id) {
            return rank == null ? id : rank[id];
        }

        /** The evaluation order from the strongly connected components of the builder's graph. */
        private Condensation.Ordering ordering() {
            int[] builderArgs = new int[argCount];
            int[] builderArgStart = new int[n + 1];
            for (int i = 0, k = 0; i < n; i++) {
                builderArgStart[i] = k;
                int len = argLength(i);
                System.arraycopy(argPool, argOff[i], builderArgs, k, len);
                k += len;
                builderArgStart[i + 1] = k;
            }
            return Condensation.order(n, builderArgStart, builderArgs);
        }

        private int paramLength(int id) {
            if (op[id] >= VectorPrimitive.BASE) {
                return VectorPrimitive.ofCode(op[id]).parameterCount(paramPool, paramOff[id]);
            }
            Primitive f = Primitive.ofOrdinal(op[id]);
            if (f == Primitive.WEIGHTED_SUM) {
                return argLength(id) + 1;
            }
            return f.hasParameter() || f == Primitive.INPUT ? 1 : 0;
        }

        private void checkApplication(Primitive f, double[] p, Var[] arguments) {
            if (f == Primitive.INPUT || f == Primitive.CONSTANT) {
                throw new IllegalArgumentException("use input(...) or constant(...) for " + f);
            }
            for (Var v : arguments) {
                own(v);
            }
            if (f.arity() == Primitive.VARIADIC) {
                if (p.length != arguments.length + 1) {
                    throw new IllegalArgumentException(f + " takes " + (arguments.length + 1)
                            + " coefficients for " + arguments.length + " terms, got " + p.length);
                }
            } else {
                if (arguments.length != f.arity()) {
                    throw new IllegalArgumentException(f.symbol() + " takes " + f.arity() + " argument"
                            + (f.arity() == 1 ? "" : "s") + ", got " + arguments.length);
                }
                int expected = f.hasParameter() ? 1 : 0;
                if (p.length != expected) {
                    throw new IllegalArgumentException(f.symbol() + " takes " + expected + " parameter(s), got "
                            + p.length);
                }
            }
        }

        /** The builder id of {@code v}, after checking that it is one of this builder's handles. */
        private int own(Var v) {
            if (v == null || v.owner != this) {
                throw new IllegalArgumentException("variable " + v + " does not belong to this builder");
            }
            return v.id;
        }

        /**
         * Adds an unnamed node of primitive {@code f} whose {@code arity} arguments the caller writes
         * next to the argument pool (room is made here) and whose parameters it appends: the
         * recording path of every temporary, with no per-node array beyond op and the two offsets.
         */
        private int temporary(Primitive f, int arity) {
            if (n == op.length) {
                grow();
            }
            if (argCount + arity > argPool.length) {
                argPool = Arrays.copyOf(argPool, Math.max(argPool.length * 2, argCount + arity));
            }
            int id = n++;
            op[id] = (byte) f.ordinal();
            argOff[id] = argCount;
            paramOff[id] = paramCount;
            if (argLen != null) {
                argLen[id] = arity;
            }
            return id;
        }

        private void grow() {
            int capacity = op.length * 2;
            op = Arrays.copyOf(op, capacity);
            argOff = Arrays.copyOf(argOff, capacity);
            paramOff = Arrays.copyOf(paramOff, capacity);
            if (argLen != null) {
                argLen = Arrays.copyOf(argLen, capacity);
            }
        }

        private Var node(Primitive f, String name, double[] p) {
            if (name != null && byName.contains(name)) {
                throw new ProgramException("'" + name + "' is assigned more than once", List.of(name));
            }
            if (n == op.length) {
                grow();
            }
            int id = n++;
            op[id] = f == null ? UNDEFINED : (byte) f.ordinal();
            undefinedCount += f == null ? 1 : 0;
            argOff[id] = argCount;
            paramOff[id] = paramCount;
            appendParams(p);
            if (name != null) {
                setName(id, name);
            }
            return new Var(this, id);
        }

        private void setArguments(int id, Primitive f, double[] p, Var[] arguments) {
            argOff[id] = argCount;
            if (argLen != null) {
                argLen[id] = 0;
            }
            for (Var v : arguments) {
                appendArgument(id, v);
            }
            paramOff[id] = paramCount;
            appendParams(p);
        }

        /** Appends argument {@code v} to node {@code id}, whose arguments are the last in the pool. */
        private void appendArgument(int id, Var v) {
            if (argCount == argPool.length) {
                argPool = Arrays.copyOf(argPool, argPool.length * 2);
            }
            argPool[argCount++] = v.id;
            if (argLen != null) {
                argLen[id]++;
            }
            inOrder &= v.id < id;
        }

        private void appendParameter(double p) {
            if (paramCount == paramPool.length) {
                paramPool = Arrays.copyOf(paramPool, paramPool.length * 2);
            }
            paramPool[paramCount++] = p;
        }

        private void appendParams(double[] p) {
            if (paramCount + p.length > paramPool.length) {
                paramPool = Arrays.copyOf(paramPool, Math.max(paramPool.length * 2, paramCount + p.length));
            }
            System.arraycopy(p, 0, paramPool, paramCount, p.length);
            paramCount += p.length;
        }

        /** This builder seen through int ids instead of {@link Var} handles (the same view each call). */
        public Ids ids() {
            if (ids == null) {
                ids = new Ids();
            }
            return ids;
        }

        /**
         * The builder's recording methods on int ids ({@link Var#id()}) instead of handles, for code
         * that generates large programs: a generator that keeps a handle for each of 10^6 values
         * keeps 10^6 objects alive, and reading them back from anywhere in the graph misses the
         * cache; an {@code int[]} of ids costs 4 bytes a value and no garbage collection. The two
         * views record into the same builder and may be mixed: {@code var(id)} is the handle of an
         * id, {@code handle.id()} the id of a handle. An id is checked to be one this builder has
         * handed out (0 <= id < the number of variables so far); unlike a handle, an id of another
         * builder cannot be told apart.
         */
        public final class Ids {
            private Ids() {
            }

            /** The number of variables recorded so far; ids are {@code 0 .. size() - 1}. */
            public int size() {
                return n;
            }

            /** The handle of {@code id}. */
            public Var var(int id) {
                return new Var(Builder.this, check(id));
            }

            /** {@link Builder#input(String, double)}. */
            public int input(String name, double defaultValue) {
                return Builder.this.input(name, defaultValue).id;
            }

            /** {@link Builder#constant(double)}. */
            public int constant(double c) {
                return Builder.this.constant(c).id;
            }

            /** {@code f(a)}: {@link Builder#apply(Primitive, Var)}. */
            public int apply(Primitive f, int a) {
                if (f.hasParameter() || f.arity() != 1) {
                    return Builder.this.apply(f, var(a)).id; // checks, and explains the misuse
                }
                return unary(f, check(a));
            }

            /** {@code f(a, b)}: {@link Builder#apply(Primitive, Var, Var)}. */
            public int apply(Primitive f, int a, int b) {
                if (f.hasParameter() || f.arity() != 2) {
                    return Builder.this.apply(f, var(a), var(b)).id;
                }
                return binary(f, check(a), check(b));
            }

            /** {@code a^p} for a constant exponent: {@link Builder#pow(Var, double)}. */
            public int pow(int a, double p) {
                return powc(check(a), p);
            }

            /** {@code a + c}: {@link Builder#add(Var, double)}. */
            public int add(int a, double c) {
                return affine(c, 1, check(a));
            }

            /** {@code c * a}: {@link Builder#mul(double, Var)}. */
            public int mul(double c, int a) {
                return affine(0, c, check(a));
            }

            /**
             * {@code c_0 + sum_k c_k z_k}: {@link Builder#weightedSum(double, double[], Var...)}.
             *
             * @param c Not modified.
             * @param z Not modified.
             */
            public int weightedSum(double c0, double[] c, int... z) {
                if (c.length != z.length) {
                    throw new IllegalArgumentException(c.length + " coefficients for " + z.length + " terms");
                }
                for (int id : z) {
                    check(id);
                }
                return Builder.this.weightedSum(c0, c, z);
            }

            /** Marks outputs: {@link Builder#output(Var...)}. */
            public Builder output(int... z) {
                for (int id : z) {
                    outputs.add(check(id));
                }
                return Builder.this;
            }

            private int check(int id) {
                if (id < 0 || id >= n) {
                    throw new IllegalArgumentException("id " + id + " is not a variable of this builder ("
                            + n + " so far)");
                }
                return id;
            }
        }
    }
}
