package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;

/**
 * The linear-time sweeps over a program's nodes, on flat arrays: the forward pass that satisfies
 * constraints by substitution, the reverse pass that pushes multipliers back through the local
 * partials, and the tangent (Jacobian-vector) pass. Each works on a node range so that solvers can
 * run it on the acyclic segments between cyclic blocks.
 *
 * <p>These are the hot loops: a switch on the node's primitive, reads from {@code z} at argument
 * slots, no allocation. Cost per node is O(arity). Each primitive is still declared once, in
 * {@link Primitive}; the switches in {@link #forward} and {@link #reverse} only name the constant
 * whose method to call, so that the JIT compiler sees one receiver per call site and inlines it,
 * where a call through {@code Primitive.ofOrdinal(o)} is a megamorphic virtual call per node. The
 * switches sit in the loops themselves because a method holding one is too large to be inlined.
 * The tangent sweep and {@link #constraintValue} are not hot and call the primitive directly.
 * A vector node (op code at least {@link VectorPrimitive#BASE}) is handed whole to
 * {@link VectorKernels}: from the forward switch's default case, and by one test at the top of the
 * reverse and tangent loop bodies (the reverse sweep must not skip it on a zero first multiplier).
 */
public final class Sweeps {
    // The hot switches are on the stored ordinal itself. Case labels must be constant expressions,
    // which ordinal() is not, and a switch on the enum constant looks the ordinal up through two
    // tables per node: loads that delay every mispredicted jump (most jumps, on a mixed program).
    // The ordinals of the primitives with a fast case are restated here and checked against Primitive
    // when the class loads; any other primitive takes the generic default case (a virtual call).
    private static final int INPUT = 0;
    private static final int CONSTANT = 1;
    private static final int IDENTITY = 2;
    private static final int IMPLICIT = 3;
    private static final int NEG = 4;
    private static final int ADD = 5;
    private static final int SUB = 6;
    private static final int MUL = 7;
    private static final int DIV = 8;
    private static final int POW = 9;
    private static final int POWC = 10;
    private static final int EXP = 11;
    private static final int LOG = 12;
    private static final int SIN = 13;
    private static final int COS = 14;
    private static final int TAN = 15;
    private static final int TANH = 16;
    private static final int SIGMOID = 17;
    private static final int SQRT = 18;
    private static final int ABS = 19;
    private static final int RELU = 20;
    private static final int MAX = 21;
    private static final int MIN = 22;
    private static final int SOFTPLUS = 23;
    private static final int WEIGHTED_SUM = 24;
    private static final int VECTOR = VectorPrimitive.BASE;
    private static final Primitive[] PRIMITIVES = Primitive.values();
    private static final int[] ARITY = new int[PRIMITIVES.length];

    static {
        for (Primitive f : PRIMITIVES) {
            ARITY[f.ordinal()] = f.arity();
        }
        // Every restated ordinal above must be its primitive's: checked by name, so a primitive added
        // without a fast case here needs nothing (it takes the generic default cases), and a reordering
        // of Primitive stops the class from loading, at once, in every test.
        for (java.lang.reflect.Field field : Sweeps.class.getDeclaredFields()) {
            if (field.getType() == int.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())
                    && !field.getName().equals("VECTOR")) {
                try {
                    int stated = field.getInt(null);
                    int actual = Primitive.valueOf(field.getName()).ordinal();
                    if (stated != actual) {
                        throw new IllegalStateException("Sweeps states ordinal " + stated + " for " + field.getName()
                                + ", which has " + actual);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private Sweeps() {
    }

    /**
     * The z-step on nodes {@code [from, to)}: {@code z_i = f_i(z_alpha(i))} in order, inputs
     * {@code z_i = x_k}. Exact on an acyclic range; inside a cyclic block it is one Gauss-Seidel
     * sweep.
     *
     * @param x Not modified.
     * @param z Modified: the values of nodes in the range.
     */
    public static void forward(Program p, double[] x, double[] z, int from, int to) {
        final byte[] op = p.op;
        final int[] slot = p.slot;
        final int[] argStart = p.argStart;
        final int[] args = p.args;
        final int[] paramStart = p.paramStart;
        final double[] params = p.params;
        // The value just computed, kept in a register: most nodes read their predecessor, and a
        // read back from z would wait for the store (a chain of nodes is latency-bound).
        int lastSlot = -1;
        double last = 0;
        for (int i = from; i < to; i++) {
            int k = argStart[i];
            int c = paramStart[i];
            // Every node may read two arguments and a parameter: the arrays are padded for it (a
            // vector node's arguments are slots too, so these reads are safe for it as well).
            int ka = args[k];
            int kb = args[k + 1];
            double a = ka == lastSlot ? last : z[ka];
            double b = kb == lastSlot ? last : z[kb];
            double q = params[c];
            double v;
            switch (op[i]) {
                case INPUT -> v = x[(int) q];
                case WEIGHTED_SUM -> {
                    v = q;
                    for (int end = argStart[i + 1]; k < end; k++) {
                        v += params[++c] * z[args[k]];
                    }
                }
                case CONSTANT -> v = Primitive.CONSTANT.value(a, b, q);
                case IDENTITY -> v = Primitive.IDENTITY.value(a, b, q);
                case IMPLICIT -> v = Primitive.IMPLICIT.value(a, b, q);
                case NEG -> v = Primitive.NEG.value(a, b, q);
                case ADD -> v = Primitive.ADD.value(a, b, q);
                case SUB -> v = Primitive.SUB.value(a, b, q);
                case MUL -> v = Primitive.MUL.value(a, b, q);
                case DIV -> v = Primitive.DIV.value(a, b, q);
                case POW -> v = Primitive.POW.value(a, b, q);
                case POWC -> v = Primitive.POWC.value(a, b, q);
                case EXP -> v = Primitive.EXP.value(a, b, q);
                case LOG -> v = Primitive.LOG.value(a, b, q);
                case SIN -> v = Primitive.SIN.value(a, b, q);
                case COS -> v = Primitive.COS.value(a, b, q);
                case TAN -> v = Primitive.TAN.value(a, b, q);
                case TANH -> v = Primitive.TANH.value(a, b, q);
                case SIGMOID -> v = Primitive.SIGMOID.value(a, b, q);
                case SQRT -> v = Primitive.SQRT.value(a, b, q);
                case ABS -> v = Primitive.ABS.value(a, b, q);
                case RELU -> v = Primitive.RELU.value(a, b, q);
                case MAX -> v = Primitive.MAX.value(a, b, q);
                case MIN -> v = Primitive.MIN.value(a, b, q);
                case SOFTPLUS -> v = Primitive.SOFTPLUS.value(a, b, q);
                default -> {
                    if (op[i] < VECTOR) {
                        v = PRIMITIVES[op[i]].value(a, b, q); // a primitive without a fast case
                    } else {
                        // A vector node, dispatched here so that scalar nodes pay no extra test. It
                        // writes slots other than lastSlot, so the register copy stays valid.
                        VectorKernels.forward(p, i, x, z);
                        continue;
                    }
                }
            }
            lastSlot = slot == null ? i : slot[i];
            last = v;
            z[lastSlot] = v;
        }
    }

    /** The z-step on the whole program (exact when it is acyclic). */
    public static void forward(Program p, double[] x, double[] z) {
        forward(p, x, z, 0, p.size());
    }

    /**
     * The right-hand side {@code f_i(z_alpha(i))} of node {@code i}'s constraint at any point z, or
     * {@code x_k} for input k.
     */
    public static double constraintValue(Program p, int i, double[] x, double[] z) {
        int o = p.op[i];
        if (o >= VECTOR) {
            return vectorConstraintValue(p, i, x, z);
        }
        int k = p.argStart[i];
        int c = p.paramStart[i];
        if (o == WEIGHTED_SUM) {
            double v = p.params[c];
            for (int end = p.argStart[i + 1]; k < end; k++) {
                v += p.params[++c] * z[p.args[k]];
            }
            return v;
        }
        if (o == INPUT) {
            return x[(int) p.params[c]];
        }
        return PRIMITIVES[o].value(z[p.args[k]], z[p.args[k + 1]], p.params[c]);
    }

    private static double vectorConstraintValue(Program p, int i, double[] x, double[] z) {
        if (p.width(i) != 1) {
            throw new IllegalArgumentException("node '" + p.label(i) + "' has " + p.width(i)
                    + " slots: use VectorKernels.constraintValues");
        }
        double[] f = new double[1];
        VectorKernels.constraintValues(p, i, x, z, f, 0);
        return f[0];
    }

    /**
     * Pushes multipliers back through the local partials on nodes {@code [from, to)}, last node
     * first: {@code dst_j += src_i * df_i/dz_j} for every argument j of every node i. With
     * {@code src == dst} and dst holding the seed, this is back-substitution (reverse-mode
     * differentiation): on an acyclic range it leaves {@code lambda_j = seed_j + sum_{i in beta(j)}
     * lambda_i df_i/dz_j}. With separate arrays it computes {@code dst += J^T src} for the local
     * Jacobian J. A node whose multiplier is zero pushes nothing, even where its partials are not
     * finite.
     *
     * @param z Not modified: the point where partials are taken.
     * @param src Not modified unless it is {@code dst}.
     * @param dst Modified.
     */
    public static void reverse(Program p, double[] z, double[] src, double[] dst, int from, int to) {
        final byte[] op = p.op;
        final int[] slot = p.slot;
        final int[] argStart = p.argStart;
        final int[] args = p.args;
        final int[] paramStart = p.paramStart;
        final double[] params = p.params;
        for (int i = to - 1; i >= from; i--) {
            if (op[i] >= VECTOR) {
                VectorKernels.reverse(p, i, z, src, dst);
                continue;
            }
            int s = slot == null ? i : slot[i];
            double li = src[s];
            if (li == 0) {
                continue;
            }
            int k = argStart[i];
            int c = paramStart[i];
            // Every node may read two arguments and a parameter: the arrays are padded for it.
            int a = args[k];
            int b = args[k + 1];
            double za = z[a];
            double zb = z[b];
            double q = params[c];
            double zi = z[s];
            // Each case scatters its partials straight from registers: no scratch array, and a
            // unary node writes one multiplier.
            switch (op[i]) {
                case INPUT, CONSTANT -> {
                }
                case WEIGHTED_SUM -> {
                    for (int end = argStart[i + 1]; k < end; k++) {
                        dst[args[k]] += li * params[++c];
                    }
                }
                case IDENTITY -> dst[a] += li * Primitive.IDENTITY.partialA(za, zb, q, zi);
                case IMPLICIT -> {
                    dst[a] += li * Primitive.IMPLICIT.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.IMPLICIT.partialB(za, zb, q, zi);
                }
                case NEG -> dst[a] += li * Primitive.NEG.partialA(za, zb, q, zi);
                case ADD -> {
                    dst[a] += li * Primitive.ADD.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.ADD.partialB(za, zb, q, zi);
                }
                case SUB -> {
                    dst[a] += li * Primitive.SUB.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.SUB.partialB(za, zb, q, zi);
                }
                case MUL -> {
                    dst[a] += li * Primitive.MUL.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.MUL.partialB(za, zb, q, zi);
                }
                case DIV -> {
                    dst[a] += li * Primitive.DIV.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.DIV.partialB(za, zb, q, zi);
                }
                case POW -> {
                    dst[a] += li * Primitive.POW.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.POW.partialB(za, zb, q, zi);
                }
                case POWC -> dst[a] += li * Primitive.POWC.partialA(za, zb, q, zi);
                case EXP -> dst[a] += li * Primitive.EXP.partialA(za, zb, q, zi);
                case LOG -> dst[a] += li * Primitive.LOG.partialA(za, zb, q, zi);
                case SIN -> dst[a] += li * Primitive.SIN.partialA(za, zb, q, zi);
                case COS -> dst[a] += li * Primitive.COS.partialA(za, zb, q, zi);
                case TAN -> dst[a] += li * Primitive.TAN.partialA(za, zb, q, zi);
                case TANH -> dst[a] += li * Primitive.TANH.partialA(za, zb, q, zi);
                case SIGMOID -> dst[a] += li * Primitive.SIGMOID.partialA(za, zb, q, zi);
                case SQRT -> dst[a] += li * Primitive.SQRT.partialA(za, zb, q, zi);
                case ABS -> dst[a] += li * Primitive.ABS.partialA(za, zb, q, zi);
                case RELU -> dst[a] += li * Primitive.RELU.partialA(za, zb, q, zi);
                case MAX -> {
                    dst[a] += li * Primitive.MAX.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.MAX.partialB(za, zb, q, zi);
                }
                case MIN -> {
                    dst[a] += li * Primitive.MIN.partialA(za, zb, q, zi);
                    dst[b] += li * Primitive.MIN.partialB(za, zb, q, zi);
                }
                case SOFTPLUS -> dst[a] += li * Primitive.SOFTPLUS.partialA(za, zb, q, zi);
                default -> {
                    Primitive f = PRIMITIVES[op[i]];
                    dst[a] += li * f.partialA(za, zb, q, zi);
                    if (f.arity() == 2) {
                        dst[b] += li * f.partialB(za, zb, q, zi);
                    }
                }
            }
        }
    }

    /**
     * The tangent sweep on nodes {@code [from, to)}: {@code dz_i = sum_j df_i/dz_j dz_j}, inputs
     * {@code dz_i = dx_k}; on an acyclic program it leaves {@code dz = (dz/dx) dx}, a
     * Jacobian-vector product. A zero tangent contributes nothing, even through a partial that is
     * not finite.
     *
     * @param z Not modified.
     * @param dx Not modified: the input direction.
     * @param dz Modified.
     */
    public static void tangent(Program p, double[] z, double[] dx, double[] dz, int from, int to) {
        final byte[] op = p.op;
        final int[] slot = p.slot;
        final int[] argStart = p.argStart;
        final int[] args = p.args;
        final int[] paramStart = p.paramStart;
        final double[] params = p.params;
        final double[] d = new double[2];
        for (int i = from; i < to; i++) {
            int o = op[i];
            if (o >= VECTOR) {
                VectorKernels.tangent(p, i, z, dx, dz);
                continue;
            }
            int k = argStart[i];
            int c = paramStart[i];
            int s = slot == null ? i : slot[i];
            double t;
            if (o == INPUT) {
                t = dx[(int) params[c]];
            } else if (o == CONSTANT) {
                t = 0;
            } else if (o == WEIGHTED_SUM) {
                t = 0;
                for (int end = argStart[i + 1]; k < end; k++) {
                    t += params[++c] * dz[args[k]];
                }
            } else {
                int a = args[k];
                int b = args[k + 1];
                double za = z[a];
                double zb = z[b];
                double q = params[c];
                double zi = z[s];
                double ta = dz[a];
                double tb = dz[b];
                // The common primitives on a constant receiver, inlined; the rest through partials().
                t = switch (o) {
                    case IDENTITY -> tangent(ta, Primitive.IDENTITY.partialA(za, zb, q, zi));
                    case NEG -> tangent(ta, Primitive.NEG.partialA(za, zb, q, zi));
                    case POWC -> tangent(ta, Primitive.POWC.partialA(za, zb, q, zi));
                    case EXP -> tangent(ta, Primitive.EXP.partialA(za, zb, q, zi));
                    case LOG -> tangent(ta, Primitive.LOG.partialA(za, zb, q, zi));
                    case SIN -> tangent(ta, Primitive.SIN.partialA(za, zb, q, zi));
                    case COS -> tangent(ta, Primitive.COS.partialA(za, zb, q, zi));
                    case TANH -> tangent(ta, Primitive.TANH.partialA(za, zb, q, zi));
                    case SIGMOID -> tangent(ta, Primitive.SIGMOID.partialA(za, zb, q, zi));
                    case ABS -> tangent(ta, Primitive.ABS.partialA(za, zb, q, zi));
                    case ADD -> tangent(ta, Primitive.ADD.partialA(za, zb, q, zi))
                            + tangent(tb, Primitive.ADD.partialB(za, zb, q, zi));
                    case SUB -> tangent(ta, Primitive.SUB.partialA(za, zb, q, zi))
                            + tangent(tb, Primitive.SUB.partialB(za, zb, q, zi));
                    case MUL -> tangent(ta, Primitive.MUL.partialA(za, zb, q, zi))
                            + tangent(tb, Primitive.MUL.partialB(za, zb, q, zi));
                    case MAX -> tangent(ta, Primitive.MAX.partialA(za, zb, q, zi))
                            + tangent(tb, Primitive.MAX.partialB(za, zb, q, zi));
                    case MIN -> tangent(ta, Primitive.MIN.partialA(za, zb, q, zi))
                            + tangent(tb, Primitive.MIN.partialB(za, zb, q, zi));
                    default -> {
                        PRIMITIVES[o].partials(za, zb, q, zi, d);
                        double u = tangent(ta, d[0]);
                        yield ARITY[o] == 2 ? u + tangent(tb, d[1]) : u;
                    }
                };
            }
            dz[s] = t;
        }
    }

    /** {@code t * d}, 0 when the tangent t is 0 even where d is not finite. */
    private static double tangent(double t, double d) {
        return t == 0 ? 0 : d * t;
    }

    /** The tangent sweep over the whole program. */
    public static void tangent(Program p, double[] z, double[] dx, double[] dz) {
        tangent(p, z, dx, dz, 0, p.size());
    }

    /**
     * The local partials of node {@code i}'s constraint at any z, feasible or not: for its k-th
     * argument, the slot it reads and {@code df_i/dz} there. An argument that appears twice is listed
     * twice. O(arity).
     *
     * @param z Not modified.
     * @param argSlots Modified: entries {@code [0, arity(i))}; needs at least that many.
     * @param dfdz Modified: entries {@code [0, arity(i))}; needs at least that many.
     * @return the number of arguments, {@code p.arity(i)}
     */
    public static int localPartials(Program p, int i, double[] z, int[] argSlots, double[] dfdz) {
        int o = p.op[i];
        if (o >= VECTOR) {
            throw new IllegalArgumentException("node '" + p.label(i) + "' is a vector node ("
                    + VectorPrimitive.ofCode(o).symbol() + "): use VectorKernels.jacobianRow");
        }
        int k = p.argStart[i];
        int count = p.argStart[i + 1] - k;
        int c = p.paramStart[i];
        if (o == WEIGHTED_SUM) {
            for (int m = 0; m < count; m++) {
                argSlots[m] = p.args[k + m];
                dfdz[m] = p.params[c + 1 + m];
            }
        } else if (count > 0) {
            int a = p.args[k];
            int b = p.args[k + 1];
            // The partials may use the value f_i (exp' = exp); it is recomputed because z_i need not
            // equal f_i away from a solution (a Newton iterate). A unary primitive writes only
            // dfdz[0], so a one-entry array suffices for it.
            Primitive f = PRIMITIVES[o];
            f.partials(z[a], z[b], p.params[c], f.value(z[a], z[b], p.params[c]), dfdz);
            argSlots[0] = a;
            if (count == 2) {
                argSlots[1] = b;
            }
        }
        return count;
    }

    /** The first node in {@code [from, to)} whose value is not finite, or -1. */
    public static int firstNonFinite(Program p, double[] z, int from, int to) {
        for (int i = from; i < to; i++) {
            for (int s = p.slot(i), end = s + p.width(i); s < end; s++) {
                if (!Double.isFinite(z[s])) {
                    return i;
                }
            }
        }
        return -1;
    }
}
