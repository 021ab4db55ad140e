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
 * The storage a program builder records into: one op byte, an argument offset and a parameter offset
 * per node, the arguments and parameters back to back in two pools, names, and the shapes of vector
 * nodes with the bookkeeping of widths not yet known (a placeholder used before its definition).
 * {@link ScalarBuilder} and {@link VectorBuilder} add the operations; {@link Program.Builder}
 * names, defines and freezes the result into a {@link Program}.
 */
abstract class RecordedNodes {
    static final byte UNDEFINED = -1;
    static final double[] NO_PARAMETERS = {};

    byte[] op;
    int[] argOff;
    /**
     * The number of arguments of each node, or null while the pools are packed (see
     * {@link #argLength}): most programs are, and then recording writes no length per node.
     */
    private int[] argLen;
    int[] paramOff;
    /** Names by builder id; only as long as the last named id needs, since most nodes are unnamed. */
    String[] names = new String[16];
    int namedCount;
    /** Declared variables not yet defined. */
    int undefinedCount;
    int n;
    int[] argPool;
    int argCount;
    double[] paramPool;
    int paramCount;
    /** Whether every argument so far precedes its node: then builder order is evaluation order. */
    boolean inOrder = true;
    final List<Integer> inputs = new ArrayList<>();
    final List<Double> inputDefaults = new ArrayList<>();
    final NameTable byName = new NameTable();
    /** {rows, cols} of every node wider than one slot, by builder id; scalars are absent. */
    final Map<Integer, int[]> shapes = new HashMap<>();
    /**
     * Placeholders from {@link Program.Builder#declare} whose width is not known yet: not defined, and not used
     * where an operation implies a width. Scalar uses do not fix it (build() checks them).
     */
    final Set<Integer> deferred = new HashSet<>();
    /** For deferred placeholders read by {@link Program.Builder#element}: the least width those reads need. */
    final Map<Integer, Integer> minWidth = new HashMap<>();
    /** For placeholders whose width an operand use fixed: that use, for messages. */
    final Map<Integer, String> impliedBy = new HashMap<>();

    /** Room for {@code capacity} nodes, two arguments and one parameter each on average. */
    RecordedNodes(int capacity) {
        op = new byte[capacity];
        argOff = new int[capacity];
        paramOff = new int[capacity];
        argPool = new int[2 * capacity];
        paramPool = new double[capacity];
    }

    String nameOf(int id) {
        return id < names.length ? names[id] : null;
    }

    void setName(int id, String name) {
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
    boolean packed() {
        return argLen == null;
    }

    /** Leaves the packed layout, before a node's arguments or parameters move to the pools' end. */
    void unpack() {
        if (argLen == null) {
            int[] length = new int[op.length];
            for (int i = 0; i < n; i++) {
                length[i] = argLength(i);
            }
            argLen = length;
        }
    }

    int argLength(int id) {
        if (argLen != null) {
            return argLen[id];
        }
        return (id + 1 < n ? argOff[id + 1] : argCount) - argOff[id];
    }

    /**
     * The number of slots {@code v} owns: rows times columns (1 for a scalar, and for a placeholder
     * whose width is deferred: see {@link Program.Builder#isWidthDeferred}).
     */
    public int width(Var v) {
        own(v);
        int[] shape = shapes.isEmpty() ? null : shapes.get(v.id);
        return shape == null ? 1 : shape[0] * shape[1];
    }

    /** The width of {@code v}, or -1 while it is a placeholder of deferred width. */
    int knownWidth(Var v) {
        return deferred.contains(own(v)) ? -1 : width(v);
    }

    /**
     * Fixes the width of {@code v} to w when it is a placeholder of deferred width (an operand
     * whose operation implies w); otherwise does nothing, and the caller checks shapes.
     */
    void implyWidth(Var v, int w, String where) {
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
    void settleWidth(int id, int w, String how) {
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

    ProgramException unknownWidth(String operation, Var v, String hint) {
        String name = v.toString();
        return new ProgramException(operation + ": the width of '" + name + "' is not known yet (it is declared "
                + "and not yet defined)" + (hint != null ? "; " + hint : "") + ": declare it with declareVector(\""
                + name + "\", width)", List.of(name));
    }

    int[] shape(Var v) {
        own(v);
        int[] shape = shapes.isEmpty() ? null : shapes.get(v.id);
        return shape == null ? new int[] {1, 1} : shape;
    }

    int paramLength(int id) {
        if (op[id] >= VectorPrimitive.BASE) {
            return VectorPrimitive.ofCode(op[id]).parameterCount(paramPool, paramOff[id]);
        }
        Primitive f = Primitive.ofOrdinal(op[id]);
        if (f == Primitive.WEIGHTED_SUM) {
            return argLength(id) + 1;
        }
        return f.hasParameter() || f == Primitive.INPUT ? 1 : 0;
    }

    /** The builder id of {@code v}, after checking that it is one of this builder's handles. */
    int own(Var v) {
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
    int temporary(Primitive f, int arity) {
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

    Var node(Primitive f, String name, double[] p) {
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

    void setArguments(int id, Primitive f, double[] p, Var[] arguments) {
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
    void appendArgument(int id, Var v) {
        if (argCount == argPool.length) {
            argPool = Arrays.copyOf(argPool, argPool.length * 2);
        }
        argPool[argCount++] = v.id;
        if (argLen != null) {
            argLen[id]++;
        }
        inOrder &= v.id < id;
    }

    void appendParameter(double p) {
        if (paramCount == paramPool.length) {
            paramPool = Arrays.copyOf(paramPool, paramPool.length * 2);
        }
        paramPool[paramCount++] = p;
    }

    void appendParams(double[] p) {
        if (paramCount + p.length > paramPool.length) {
            paramPool = Arrays.copyOf(paramPool, Math.max(paramPool.length * 2, paramCount + p.length));
        }
        System.arraycopy(p, 0, paramPool, paramCount, p.length);
        paramCount += p.length;
    }
}
