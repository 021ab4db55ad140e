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
 *
 * <p>This file holds the value (some 480 lines) and {@link Builder}'s naming, definitions and
 * {@code build()} (some 400, with the id view {@link Builder.Ids}), which stay nested so that the API
 * reads {@code Program.Builder}; the recording itself is in {@code RecordedNodes},
 * {@code ScalarBuilder} and {@code VectorBuilder}.
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
    public static final class Builder extends VectorBuilder {
        Builder(int capacity) {
            super(capacity);
        }

        private final List<Integer> outputs = new ArrayList<>();
        private final Map<Integer, Double> init = new HashMap<>();
        private Ids ids;

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
