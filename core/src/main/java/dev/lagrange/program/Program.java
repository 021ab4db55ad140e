package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    final int[] slot;
    final int[] argStart;
    final int[] args;
    final int[] paramStart;
    final double[] params;
    final String[] names;
    final int[] inputs;
    final double[] inputDefaults;
    final int[] outputs;
    final Condensation blocks;
    final int[] initNodes;
    final double[] initValues;
    private final int[] nodeOfBuilderId;
    private final Map<String, Integer> byName;
    private volatile int[][] usersCsr;

    private Program(byte[] op, int[] slot, int[] argStart, int[] args, int[] paramStart, double[] params,
            String[] names, int[] inputs, double[] inputDefaults, int[] outputs, Condensation blocks,
            int[] initNodes, double[] initValues, int[] nodeOfBuilderId) {
        this.op = op;
        this.slot = slot;
        this.argStart = argStart;
        this.args = args;
        this.paramStart = paramStart;
        this.params = params;
        this.names = names;
        this.inputs = inputs;
        this.inputDefaults = inputDefaults;
        this.outputs = outputs;
        this.blocks = blocks;
        this.initNodes = initNodes;
        this.initValues = initValues;
        this.nodeOfBuilderId = nodeOfBuilderId;
        this.byName = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                byName.put(names[i], i);
            }
        }
    }

    /** A new builder; plain Java loops over its methods unroll into the graph. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of nodes n (inputs, constants and intermediates). */
    public int size() {
        return op.length;
    }

    /** The number of value slots: the length of a value or multiplier vector. */
    public int slotCount() {
        return slot[op.length];
    }

    /** The primitive that defines node {@code i}. */
    public Primitive primitive(int i) {
        return Primitive.ofOrdinal(op[i]);
    }

    /** The first value slot of node {@code i}. */
    public int slot(int i) {
        return slot[i];
    }

    /** The number of value slots of node {@code i} (1 for a scalar). */
    public int width(int i) {
        return slot[i + 1] - slot[i];
    }

    /** The node that owns value slot {@code s}. */
    public int nodeOf(int s) {
        if (slot.length == op.length + 1 && slot[op.length] == op.length) {
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

    /** The name of node {@code i}, or null for a temporary. */
    public String name(int i) {
        return names[i];
    }

    /** The name of node {@code i}, or {@code %i} for a temporary: for messages. */
    public String label(int i) {
        return names[i] != null ? names[i] : "%" + i;
    }

    /** The node named {@code name}, or -1. */
    public int nodeNamed(String name) {
        Integer i = byName.get(name);
        return i == null ? -1 : i;
    }

    /** The node a builder handle stands for. */
    public int node(Var v) {
        return nodeOfBuilderId == null ? v.id : nodeOfBuilderId[v.id];
    }

    /** d, the number of inputs. */
    public int inputCount() {
        return inputs.length;
    }

    /** The node of input {@code k} (0-based, in declaration order). */
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

    /** The index of the input at node {@code i}, or -1 when {@code i} is not an input. */
    public int inputIndex(int i) {
        if (op[i] != Primitive.INPUT.ordinal()) {
            return -1;
        }
        return (int) params[paramStart[i]];
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
        return new Program(op, slot, argStart, args, paramStart, params, names, inputs, inputDefaults,
                outputNodes.clone(), blocks, initNodes, initValues, nodeOfBuilderId);
    }

    /** The same program with other input defaults (NaN for none). */
    public Program withInputDefaults(double... defaults) {
        if (defaults.length != inputs.length) {
            throw new IllegalArgumentException("expected " + inputs.length + " defaults, got " + defaults.length);
        }
        return new Program(op, slot, argStart, args, paramStart, params, names, inputs, defaults.clone(),
                outputs, blocks, initNodes, initValues, nodeOfBuilderId);
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
                && Arrays.equals(params, p.params) && Arrays.equals(names, p.names)
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

        private byte[] op = new byte[64];
        private int[] argOff = new int[64];
        private int[] argLen = new int[64];
        private int[] paramOff = new int[64];
        private String[] names = new String[64];
        private int n;
        private int[] argPool = new int[128];
        private int argCount;
        private double[] paramPool = new double[64];
        private int paramCount;
        private final List<Integer> inputs = new ArrayList<>();
        private final List<Double> inputDefaults = new ArrayList<>();
        private final List<Integer> outputs = new ArrayList<>();
        private final Map<String, Integer> byName = new HashMap<>();
        private final Map<Long, Var> constants = new HashMap<>();
        private final Map<Integer, Double> init = new HashMap<>();

        Builder() {
        }

        String nameOf(int id) {
            return names[id];
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
            op[v.id] = (byte) Primitive.INPUT.ordinal();
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

        /** Declares a variable that is defined later by {@link #define}: a use before definition. */
        public Var declare(String name) {
            Integer existing = byName.get(name);
            if (existing != null) {
                return new Var(this, existing);
            }
            Var v = node(null, name, new double[0]);
            return v;
        }

        /**
         * Defines variable {@code name} as {@code f(args)} with parameters {@code p}: fills the
         * placeholder left by {@link #declare}, or adds a new named variable.
         *
         * @throws ProgramException when {@code name} is already defined
         */
        public Var define(String name, Primitive f, double[] p, Var... arguments) {
            Integer existing = byName.get(name);
            if (existing == null) {
                return apply(name, f, p, arguments);
            }
            int id = existing;
            if (op[id] != UNDEFINED) {
                throw new ProgramException("'" + name + "' is assigned more than once", List.of(name));
            }
            checkApplication(f, p, arguments);
            op[id] = (byte) f.ordinal();
            setArguments(id, f, p, arguments);
            return new Var(this, id);
        }

        /** Defines the placeholder {@code v} (from {@link #declare}) to equal {@code value}. */
        public Var define(Var v, Var value) {
            own(v);
            return define(v.name(), Primitive.IDENTITY, new double[0], value);
        }

        /**
         * Names {@code value} {@code name}: a temporary is renamed in place; an input, a constant or a
         * variable that already has a name gets a new variable {@code name = value}.
         */
        public Var let(String name, Var value) {
            own(value);
            int id = value.id;
            if (names[id] == null && op[id] != Primitive.CONSTANT.ordinal() && op[id] != UNDEFINED
                    && !byName.containsKey(name)) {
                names[id] = name;
                byName.put(name, id);
                return value;
            }
            return define(name, Primitive.IDENTITY, new double[0], value);
        }

        /** A new temporary {@code f(args)} with parameters {@code p}. */
        public Var apply(Primitive f, double[] p, Var... arguments) {
            return apply(null, f, p, arguments);
        }

        /** A new temporary {@code f(args)}. */
        public Var apply(Primitive f, Var... arguments) {
            return apply(null, f, new double[0], arguments);
        }

        private Var apply(String name, Primitive f, double[] p, Var... arguments) {
            checkApplication(f, p, arguments);
            Var v = node(f, name, new double[0]);
            setArguments(v.id, f, p, arguments);
            return v;
        }

        public Var neg(Var a) { return apply(Primitive.NEG, a); }
        public Var add(Var a, Var b) { return apply(Primitive.ADD, a, b); }
        public Var sub(Var a, Var b) { return apply(Primitive.SUB, a, b); }
        public Var mul(Var a, Var b) { return apply(Primitive.MUL, a, b); }
        public Var div(Var a, Var b) { return apply(Primitive.DIV, a, b); }
        public Var pow(Var a, Var b) { return apply(Primitive.POW, a, b); }
        public Var exp(Var a) { return apply(Primitive.EXP, a); }
        public Var log(Var a) { return apply(Primitive.LOG, a); }
        public Var sin(Var a) { return apply(Primitive.SIN, a); }
        public Var cos(Var a) { return apply(Primitive.COS, a); }
        public Var tan(Var a) { return apply(Primitive.TAN, a); }
        public Var tanh(Var a) { return apply(Primitive.TANH, a); }
        public Var sigmoid(Var a) { return apply(Primitive.SIGMOID, a); }
        public Var sqrt(Var a) { return apply(Primitive.SQRT, a); }
        public Var abs(Var a) { return apply(Primitive.ABS, a); }
        public Var relu(Var a) { return apply(Primitive.RELU, a); }
        public Var max(Var a, Var b) { return apply(Primitive.MAX, a, b); }
        public Var min(Var a, Var b) { return apply(Primitive.MIN, a, b); }
        public Var softplus(Var a) { return apply(Primitive.SOFTPLUS, a); }

        /** {@code a^p} for a constant exponent. */
        public Var pow(Var a, double p) {
            return apply(Primitive.POWC, new double[] {p}, a);
        }

        /** {@code a + c}, as a weighted sum. */
        public Var add(Var a, double c) {
            return weightedSum(c, new double[] {1}, a);
        }

        /** {@code c * a}, as a weighted sum. */
        public Var mul(double c, Var a) {
            return weightedSum(0, new double[] {c}, a);
        }

        /** {@code c_0 + sum_k c_k z_k}. */
        public Var weightedSum(double c0, double[] c, Var... z) {
            if (c.length != z.length) {
                throw new IllegalArgumentException(c.length + " coefficients for " + z.length + " terms");
            }
            double[] p = new double[c.length + 1];
            p[0] = c0;
            System.arraycopy(c, 0, p, 1, c.length);
            return apply(Primitive.WEIGHTED_SUM, p, z);
        }

        /** {@code sum_k z_k}. */
        public Var sum(Var... z) {
            double[] ones = new double[z.length];
            Arrays.fill(ones, 1);
            return weightedSum(0, ones, z);
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
            for (int i = 0; i < n; i++) {
                if (op[i] == UNDEFINED) {
                    undefined.add(names[i]);
                }
            }
            if (!undefined.isEmpty()) {
                throw new ProgramException("used but never defined: " + String.join(", ", undefined), undefined);
            }
            if (outputs.isEmpty()) {
                throw new ProgramException("the program has no output", List.of());
            }
            int[] builderArgs = new int[argCount];
            int[] builderArgStart = new int[n + 1];
            // CSR over builder ids in builder order: the input of the condensation.
            for (int i = 0, k = 0; i < n; i++) {
                builderArgStart[i] = k;
                System.arraycopy(argPool, argOff[i], builderArgs, k, argLen[i]);
                k += argLen[i];
                builderArgStart[i + 1] = k;
            }
            Condensation.Ordering ordering = Condensation.order(n, builderArgStart, builderArgs);
            int[] order = ordering.order; // new index -> builder id
            int[] rank = ordering.rank;   // builder id -> new index
            byte[] newOp = new byte[n];
            int[] newSlot = new int[n + 1];
            int[] newArgStart = new int[n + 1];
            int[] newArgs = new int[argCount + 2]; // padded: a kernel may read two arguments unconditionally
            int[] newParamStart = new int[n + 1];
            double[] newParams = new double[paramCount + 1]; // padded: a kernel may read one parameter unconditionally
            String[] newNames = new String[n];
            int a = 0;
            int q = 0;
            for (int i = 0; i < n; i++) {
                int b = order[i];
                newOp[i] = op[b];
                newSlot[i] = i;
                newArgStart[i] = a;
                for (int k = 0; k < argLen[b]; k++) {
                    newArgs[a++] = rank[argPool[argOff[b] + k]];
                }
                newParamStart[i] = q;
                int paramLen = paramLength(b);
                System.arraycopy(paramPool, paramOff[b], newParams, q, paramLen);
                q += paramLen;
                newNames[i] = names[b];
            }
            newSlot[n] = n;
            newArgStart[n] = a;
            newParamStart[n] = q;
            int[] newInputs = new int[inputs.size()];
            double[] defaults = new double[inputs.size()];
            for (int k = 0; k < newInputs.length; k++) {
                newInputs[k] = rank[inputs.get(k)];
                defaults[k] = inputDefaults.get(k);
            }
            int[] newOutputs = new int[outputs.size()];
            for (int k = 0; k < newOutputs.length; k++) {
                newOutputs[k] = rank[outputs.get(k)];
            }
            Condensation blocks = new Condensation(n, ordering.cyclicBlocks);
            int[] initNodes = new int[init.size()];
            int m = 0;
            for (int id : init.keySet()) {
                initNodes[m++] = rank[id];
            }
            Arrays.sort(initNodes);
            double[] initValues = new double[initNodes.length];
            for (int k = 0; k < initNodes.length; k++) {
                initValues[k] = init.get(order[initNodes[k]]);
            }
            return new Program(newOp, newSlot, newArgStart, newArgs, newParamStart, newParams, newNames,
                    newInputs, defaults, newOutputs, blocks, initNodes, initValues, ordering.identity ? null : rank);
        }

        private int paramLength(int id) {
            Primitive f = Primitive.ofOrdinal(op[id]);
            if (f == Primitive.WEIGHTED_SUM) {
                return argLen[id] + 1;
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

        private void own(Var v) {
            if (v == null || v.owner != this) {
                throw new IllegalArgumentException("variable " + v + " does not belong to this builder");
            }
        }

        private Var node(Primitive f, String name, double[] p) {
            if (name != null && byName.containsKey(name)) {
                throw new ProgramException("'" + name + "' is assigned more than once", List.of(name));
            }
            if (n == op.length) {
                int capacity = n * 2;
                op = Arrays.copyOf(op, capacity);
                argOff = Arrays.copyOf(argOff, capacity);
                argLen = Arrays.copyOf(argLen, capacity);
                paramOff = Arrays.copyOf(paramOff, capacity);
                names = Arrays.copyOf(names, capacity);
            }
            int id = n++;
            op[id] = f == null ? UNDEFINED : (byte) f.ordinal();
            names[id] = name;
            argOff[id] = argCount;
            argLen[id] = 0;
            paramOff[id] = paramCount;
            appendParams(p);
            if (name != null) {
                byName.put(name, id);
            }
            return new Var(this, id);
        }

        private void setArguments(int id, Primitive f, double[] p, Var[] arguments) {
            if (argCount + arguments.length > argPool.length) {
                argPool = Arrays.copyOf(argPool, Math.max(argPool.length * 2, argCount + arguments.length));
            }
            argOff[id] = argCount;
            argLen[id] = arguments.length;
            for (Var v : arguments) {
                argPool[argCount++] = v.id;
            }
            paramOff[id] = paramCount;
            appendParams(p);
        }

        private void appendParams(double[] p) {
            if (paramCount + p.length > paramPool.length) {
                paramPool = Arrays.copyOf(paramPool, Math.max(paramPool.length * 2, paramCount + p.length));
            }
            System.arraycopy(p, 0, paramPool, paramCount, p.length);
            paramCount += p.length;
        }
    }
}
