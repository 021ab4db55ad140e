package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;

/**
 * The linear-time sweeps over a program's nodes, on flat arrays: the forward pass that satisfies
 * constraints by substitution, the reverse pass that pushes multipliers back through the local
 * partials, and the tangent (Jacobian-vector) pass. Each works on a node range so that solvers can
 * run it on the acyclic segments between cyclic blocks.
 *
 * <p>These are the hot loops: a switch on the node's primitive, reads from {@code z} at argument
 * slots, no allocation. Cost per node is O(arity). Each primitive is still declared once, in
 * {@link Primitive}; the switches below only name the constant whose method to call, so that the
 * JIT compiler sees one receiver per call site and inlines it, where a call through
 * {@code Primitive.ofOrdinal(o)} would be a megamorphic virtual call per node.
 */
public final class Sweeps {
    private static final int INPUT = Primitive.INPUT.ordinal();
    private static final int CONSTANT = Primitive.CONSTANT.ordinal();
    private static final int WEIGHTED_SUM = Primitive.WEIGHTED_SUM.ordinal();
    private static final Primitive[] PRIMITIVES = Primitive.values();
    private static final int[] ARITY = new int[PRIMITIVES.length];

    static {
        for (Primitive f : PRIMITIVES) {
            ARITY[f.ordinal()] = f.arity();
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
        for (int i = from; i < to; i++) {
            int o = op[i];
            int k = argStart[i];
            int c = paramStart[i];
            double v;
            if (o == WEIGHTED_SUM) {
                v = params[c];
                for (int end = argStart[i + 1]; k < end; k++) {
                    v += params[++c] * z[args[k]];
                }
            } else if (o == INPUT) {
                v = x[(int) params[c]];
            } else {
                v = value(PRIMITIVES[o], z[args[k]], z[args[k + 1]], params[c]);
            }
            z[slot == null ? i : slot[i]] = v;
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
        return value(PRIMITIVES[o], z[p.args[k]], z[p.args[k + 1]], p.params[c]);
    }

    /** {@code f.value(a, b, p)}, dispatched statically (see the class comment). */
    private static double value(Primitive f, double a, double b, double p) {
        switch (f) {
            case CONSTANT: return Primitive.CONSTANT.value(a, b, p);
            case IDENTITY: return Primitive.IDENTITY.value(a, b, p);
            case IMPLICIT: return Primitive.IMPLICIT.value(a, b, p);
            case NEG: return Primitive.NEG.value(a, b, p);
            case ADD: return Primitive.ADD.value(a, b, p);
            case SUB: return Primitive.SUB.value(a, b, p);
            case MUL: return Primitive.MUL.value(a, b, p);
            case DIV: return Primitive.DIV.value(a, b, p);
            case POW: return Primitive.POW.value(a, b, p);
            case POWC: return Primitive.POWC.value(a, b, p);
            case EXP: return Primitive.EXP.value(a, b, p);
            case LOG: return Primitive.LOG.value(a, b, p);
            case SIN: return Primitive.SIN.value(a, b, p);
            case COS: return Primitive.COS.value(a, b, p);
            case TAN: return Primitive.TAN.value(a, b, p);
            case TANH: return Primitive.TANH.value(a, b, p);
            case SIGMOID: return Primitive.SIGMOID.value(a, b, p);
            case SQRT: return Primitive.SQRT.value(a, b, p);
            case ABS: return Primitive.ABS.value(a, b, p);
            case RELU: return Primitive.RELU.value(a, b, p);
            case MAX: return Primitive.MAX.value(a, b, p);
            case MIN: return Primitive.MIN.value(a, b, p);
            case SOFTPLUS: return Primitive.SOFTPLUS.value(a, b, p);
            default: return f.value(a, b, p);
        }
    }

    /** {@code f.partials(a, b, p, z, d)}, dispatched statically (see the class comment). */
    private static void partials(Primitive f, double a, double b, double p, double z, double[] d) {
        switch (f) {
            case IDENTITY: Primitive.IDENTITY.partials(a, b, p, z, d); break;
            case IMPLICIT: Primitive.IMPLICIT.partials(a, b, p, z, d); break;
            case NEG: Primitive.NEG.partials(a, b, p, z, d); break;
            case ADD: Primitive.ADD.partials(a, b, p, z, d); break;
            case SUB: Primitive.SUB.partials(a, b, p, z, d); break;
            case MUL: Primitive.MUL.partials(a, b, p, z, d); break;
            case DIV: Primitive.DIV.partials(a, b, p, z, d); break;
            case POW: Primitive.POW.partials(a, b, p, z, d); break;
            case POWC: Primitive.POWC.partials(a, b, p, z, d); break;
            case EXP: Primitive.EXP.partials(a, b, p, z, d); break;
            case LOG: Primitive.LOG.partials(a, b, p, z, d); break;
            case SIN: Primitive.SIN.partials(a, b, p, z, d); break;
            case COS: Primitive.COS.partials(a, b, p, z, d); break;
            case TAN: Primitive.TAN.partials(a, b, p, z, d); break;
            case TANH: Primitive.TANH.partials(a, b, p, z, d); break;
            case SIGMOID: Primitive.SIGMOID.partials(a, b, p, z, d); break;
            case SQRT: Primitive.SQRT.partials(a, b, p, z, d); break;
            case ABS: Primitive.ABS.partials(a, b, p, z, d); break;
            case RELU: Primitive.RELU.partials(a, b, p, z, d); break;
            case MAX: Primitive.MAX.partials(a, b, p, z, d); break;
            case MIN: Primitive.MIN.partials(a, b, p, z, d); break;
            case SOFTPLUS: Primitive.SOFTPLUS.partials(a, b, p, z, d); break;
            default: f.partials(a, b, p, z, d); break;
        }
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
        final double[] d = new double[2];
        for (int i = to - 1; i >= from; i--) {
            int s = slot == null ? i : slot[i];
            double li = src[s];
            if (li == 0) {
                continue;
            }
            int o = op[i];
            int k = argStart[i];
            int c = paramStart[i];
            int arity = ARITY[o];
            if (arity == 0) {
                continue;
            }
            if (o == WEIGHTED_SUM) {
                for (int end = argStart[i + 1]; k < end; k++) {
                    dst[args[k]] += li * params[++c];
                }
                continue;
            }
            int a = args[k];
            int b = args[k + 1];
            partials(PRIMITIVES[o], z[a], z[b], params[c], z[s], d);
            dst[a] += li * d[0];
            if (arity == 2) {
                dst[b] += li * d[1];
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
                partials(PRIMITIVES[o], z[a], z[b], params[c], z[s], d);
                double ta = dz[a];
                t = ta == 0 ? 0 : d[0] * ta;
                if (ARITY[o] == 2) {
                    double tb = dz[b];
                    t += tb == 0 ? 0 : d[1] * tb;
                }
            }
            dz[s] = t;
        }
    }

    /** The tangent sweep over the whole program. */
    public static void tangent(Program p, double[] z, double[] dx, double[] dz) {
        tangent(p, z, dx, dz, 0, p.size());
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
