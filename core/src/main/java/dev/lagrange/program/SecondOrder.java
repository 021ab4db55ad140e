package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;

/**
 * Second derivatives of a program's objective by forward-over-reverse on the flat arrays: a tangent
 * sweep {@code zdot = (dz/dx) v}, back-substitution for the multipliers lambda ({@link Sweeps#reverse}),
 * then one reverse sweep carrying their tangents (the second-order adjoints)
 * <pre>
 *   lambda_j    += lambda_i d_k f_i
 *   lambdadot_j += lambdadot_i d_k f_i + lambda_i sum_m (d_k d_m f_i) zdot_{alpha_m(i)}
 * </pre>
 * for each argument j = alpha_k(i), last node first, from {@code lambda_n = 1, lambdadot_n = 0}; then
 * {@code H v = lambdadot} at the inputs. The first and second partials are the primitives' own
 ({@link Primitive#partialA}, {@link Primitive#partialAA}; for vector nodes
 * {@link VectorPrimitive#secondOrderVjp}, declared beside each primitive's VJP). Cost: four sweeps
 * per product (forward, tangent, reverse, second-order reverse), O(n + edges), no new program and
 * nothing allocated per node beyond four arrays of the slot count.
 *
 * <p>Acyclic programs; through cyclic blocks the same sweeps run per segment, with transposed solves
 * for the blocks, in {@code dev.lagrange.solve.ImplicitHessian}. Reference: Griewank and Walther, <i>Evaluating Derivatives</i>, 2nd ed., SIAM
 * 2008, section 5.3 (second-order adjoints).
 */
public final class SecondOrder {
    private final Program program;

    private SecondOrder(Program program) {
        this.program = program;
    }

    /**
     * The second-order sweeps of {@code program}.
     *
     * @throws UnsupportedOperationException for a program with cyclic blocks
     */
    public static SecondOrder of(Program program) {
        if (!program.isAcyclic()) {
            throw new UnsupportedOperationException("the Hessian of a program with cyclic blocks needs their solution: "
                    + "use dev.lagrange.solve.ImplicitHessian");
        }
        return new SecondOrder(program);
    }

    /**
     * The Hessian of the objective at x times v.
     *
     * @param x Not modified: the inputs.
     * @param v Not modified: the direction, one entry per input.
     */
    public double[] hessianTimes(double[] x, double[] v) {
        double[] w = new double[program.outputCount()];
        w[0] = 1;
        return hessianTimes(x, v, w);
    }

    /**
     * {@code sum_k w_k (d^2 y_k / dx^2) v} for the program's outputs y_k: the vector-Hessian-vector
     * product of a program with several outputs ({@code w = e_1} is {@link #hessianTimes(double[], double[])}).
     *
     * @param x Not modified: the inputs.
     * @param v Not modified: the direction, one entry per input.
     * @param w Not modified: a weight per output.
     */
    public double[] hessianTimes(double[] x, double[] v, double[] w) {
        Program p = program;
        if (w.length != p.outputCount()) {
            throw new IllegalArgumentException("expected a weight for each of the " + p.outputCount() + " outputs, got "
                    + w.length);
        }
        double[] hv = new double[p.inputCount()];
        product(x, v, w, workspace(), hv);
        return hv;
    }

    /**
     * The arrays one product works in, four of the slot count: reuse one per thread to make products
     * allocate nothing ({@link #hessianTimes(double[], double[], Workspace, double[])}).
     */
    public static final class Workspace {
        final double[] z;
        final double[] zdot;
        final double[] lambda;
        final double[] lambdaDot;
        /** Whether lambda and lambdaDot are all zero: each product clears the entries as it reads them. */
        boolean clean = true;

        /** The tangent sweep's first partials of each scalar node, reused by the reverse pass. */
        final double[] da;
        final double[] db;

        private Workspace(int slots) {
            da = new double[slots];
            db = new double[slots];
            z = new double[slots];
            zdot = new double[slots];
            lambda = new double[slots];
            lambdaDot = new double[slots];
        }
    }

    /** A workspace for this program's products. */
    public Workspace workspace() {
        return new Workspace(program.slotCount());
    }

    /**
     * {@code out = H(x) v} for the objective, in {@code workspace}: nothing allocated. A workspace
     * serves one thread at a time.
     *
     * @param x Not modified.
     * @param v Not modified.
     * @param out Modified: one entry per input.
     */
    public void hessianTimes(double[] x, double[] v, Workspace workspace, double[] out) {
        product(x, v, null, workspace, out);
    }

    /** The product with output weights w (null: the objective alone). */
    private void product(double[] x, double[] v, double[] w, Workspace ws, double[] out) {
        Program p = program;
        int d = p.inputCount();
        if (x.length != d || v.length != d || out.length != d) {
            throw new IllegalArgumentException("expected " + d + " inputs, directions and results, got " + x.length
                    + ", " + v.length + " and " + out.length);
        }
        int n = p.size();
        double[] z = ws.z;
        double[] zdot = ws.zdot;
        double[] lambda = ws.lambda;
        double[] lambdaDot = ws.lambdaDot;
        Sweeps.forward(p, x, z);
        tangent(p, z, v, zdot, ws.da, ws.db);
        if (!ws.clean) { // a product that stopped half-way left entries behind
            java.util.Arrays.fill(lambda, 0);
            java.util.Arrays.fill(lambdaDot, 0);
        }
        ws.clean = false;
        if (w == null) {
            lambda[p.slot(p.objective())] = 1;
        } else {
            for (int k = 0; k < w.length; k++) {
                lambda[p.slot(p.output(k))] += w[k];
            }
        }
        sweep(p, z, zdot, lambda, lambdaDot, 0, n, ws.da, ws.db); // back-substitution and second-order adjoints
        for (int k = 0; k < d; k++) {
            int slot = p.inputSlot(k);
            out[k] = lambdaDot[slot];
            lambda[slot] = 0;
            lambdaDot[slot] = 0;
        }
        ws.clean = true; // the sweep cleared every other entry it read
    }

    /**
     * The second-order reverse sweep over the acyclic nodes {@code [from, to)}, last node first:
     * {@code lambdaDot_j += lambdaDot_i d_k f_i + lambda_i sum_m (d_k d_m f_i) zdot_m} for each
     * argument j = alpha_k(i). Run over the whole of an acyclic program it leaves {@code H v} at the
     * inputs; a cyclic block's nodes take {@link #addSecondOrderTerm} and a transposed solve instead.
     *
     * @param z Not modified: the values.
     * @param zdot Not modified: the tangents {@code (dz/dx) v}.
     * @param lambda Not modified: the first-order multipliers.
     * @param lambdaDot Modified: the second-order multipliers.
     */
    public static void reverse(Program p, double[] z, double[] zdot, double[] lambda, double[] lambdaDot, int from,
            int to) {
        sweep(p, z, zdot, lambda, lambdaDot, from, to, null, null);
    }

    private static final Primitive[] PRIMITIVES = Primitive.values();

    /**
     * The second-order reverse sweep on the flat arrays. Given the tangent sweep's recorded first
     * partials {@code da, db} (not null), it also does the first-order back-substitution
     * {@code lambda_j += lambda_i d_k f_i} in the same pass (node i's multiplier is final when the
     * sweep reaches it) and computes no first partial again; with null it takes lambda as given and
     * computes the partials.
     */
    private static void sweep(Program p, double[] z, double[] zdot, double[] lambda, double[] lambdaDot, int from,
            int to, double[] da, double[] db) {
        boolean pushLambda = da != null;
        final double[] d = new double[2];
        final byte[] op = p.op;
        final int[] slot = p.slot;
        final int[] argStart = p.argStart;
        final int[] args = p.args;
        final int[] paramStart = p.paramStart;
        final double[] params = p.params;
        for (int i = to - 1; i >= from; i--) {
            int o = op[i];
            if (o >= VectorPrimitive.BASE) {
                if (pushLambda) {
                    VectorKernels.reverse(p, i, z, lambda, lambda);
                }
                vectorTerm(p, i, z, zdot, lambda, lambdaDot);
                VectorKernels.reverse(p, i, z, lambdaDot, lambdaDot);
                if (pushLambda && op[i] != VectorPrimitive.BASE + VectorPrimitive.INPUT.ordinal()) {
                    int s = p.slot(i);
                    java.util.Arrays.fill(lambda, s, s + p.width(i), 0); // left clean for the next product
                    java.util.Arrays.fill(lambdaDot, s, s + p.width(i), 0);
                }
                continue;
            }
            int s = slot == null ? i : slot[i];
            double li = lambda[s];
            double ldi = lambdaDot[s];
            if (li == 0 && ldi == 0) {
                continue;
            }
            if (pushLambda && o != Primitive.INPUT.ordinal()) {
                lambda[s] = 0; // read once: cleared now, so that the next product needs no fill
                lambdaDot[s] = 0;
            }
            int k = argStart[i];
            int c = paramStart[i];
            Primitive f = PRIMITIVES[o];
            if (f == Primitive.INPUT || f == Primitive.CONSTANT) {
                continue;
            }
            if (f == Primitive.WEIGHTED_SUM) {
                for (int end = argStart[i + 1]; k < end; k++) {
                    double w = params[++c];
                    lambdaDot[args[k]] += ldi * w;
                    if (pushLambda) {
                        lambda[args[k]] += li * w;
                    }
                }
                continue;
            }
            // Every node may read two arguments and a parameter: the arrays are padded for it.
            int a = args[k];
            int b = args[k + 1];
            double q = params[c];
            if (pushLambda) { // the first partials recorded by the tangent sweep
                double pa = da[s];
                double pb = db[s];
                lambda[a] += times(li, pa);
                if (f.arity() == 2) {
                    lambda[b] += times(li, pb);
                }
                push(f, a, b, q, s, z, zdot, li, ldi, pa, pb, lambdaDot);
                continue;
            }
            // lambda given (a cyclic block's caller solved it): the first-order push of lambdadot, then
            // the node's second-order term
            f.partials(z[a], z[b], q, z[s], d);
            push(f, a, b, q, s, z, zdot, li, ldi, d[0], d[1], lambdaDot);
        }
    }

    /** d2f/da2 with the common primitives on a constant receiver (inlined by the JIT). */
    private static double secondAA(Primitive f, double za, double zb, double q, double zi) {
        return switch (f) {
            case IDENTITY, NEG, ABS, RELU -> 0;
            case POWC -> Primitive.POWC.partialAA(za, zb, q, zi);
            case EXP -> Primitive.EXP.partialAA(za, zb, q, zi);
            case LOG -> Primitive.LOG.partialAA(za, zb, q, zi);
            case SIN -> Primitive.SIN.partialAA(za, zb, q, zi);
            case COS -> Primitive.COS.partialAA(za, zb, q, zi);
            case TANH -> Primitive.TANH.partialAA(za, zb, q, zi);
            case SIGMOID -> Primitive.SIGMOID.partialAA(za, zb, q, zi);
            default -> f.partialAA(za, zb, q, zi);
        };
    }

    /**
     * A scalar node's push of lambdadot with its first partials pa (and pb) given: {@code lambdadot_a
     * += lambdadot_i pa + lambda_i (d^2 f)[zdot]_a}, one expression per argument, so that both sweeps
     * round alike; the linear primitives and the product skip their zero second partials.
     */
    private static void push(Primitive f, int a, int b, double q, int s, double[] z, double[] zdot, double li,
            double ldi, double pa, double pb, double[] lambdaDot) {
        double ta = zdot[a];
        if (f.arity() == 1) {
            lambdaDot[a] += times(ldi, pa) + times(li, times(ta, secondAA(f, z[a], 0, q, z[s])));
            return;
        }
        double tb = zdot[b];
        switch (f) {
            case ADD, SUB, IMPLICIT, MAX, MIN -> { // second partials 0
                lambdaDot[a] += times(ldi, pa);
                lambdaDot[b] += times(ldi, pb);
            }
            case MUL -> { // d2/da db = 1
                lambdaDot[a] += times(ldi, pa) + times(li, tb);
                lambdaDot[b] += times(ldi, pb) + times(li, ta);
            }
            default -> {
                double za = z[a];
                double zb = z[b];
                double zi = z[s];
                double ab = f.partialAB(za, zb, q, zi);
                lambdaDot[a] += times(ldi, pa) + times(li, times(ta, f.partialAA(za, zb, q, zi)) + times(tb, ab));
                lambdaDot[b] += times(ldi, pb) + times(li, times(ta, ab) + times(tb, f.partialBB(za, zb, q, zi)));
            }
        }
    }

    /**
     * The tangent sweep {@link Sweeps#tangent}, recording each scalar node's first partials in da and
     * db for the reverse pass, which then computes no first partial again (a sine's cosine once).
     */
    private static void tangent(Program p, double[] z, double[] v, double[] zdot, double[] da, double[] db) {
        final byte[] op = p.op;
        final int[] slot = p.slot;
        final int[] argStart = p.argStart;
        final int[] args = p.args;
        final int[] paramStart = p.paramStart;
        final double[] params = p.params;
        final double[] d = new double[2];
        for (int i = 0, n = p.size(); i < n; i++) {
            int o = op[i];
            if (o >= VectorPrimitive.BASE) {
                Sweeps.tangent(p, z, v, zdot, i, i + 1);
                continue;
            }
            Primitive f = PRIMITIVES[o];
            if (f == Primitive.INPUT || f == Primitive.CONSTANT || f == Primitive.WEIGHTED_SUM) {
                Sweeps.tangent(p, z, v, zdot, i, i + 1);
                continue;
            }
            int s = slot == null ? i : slot[i];
            int k = argStart[i];
            int a = args[k];
            int b = args[k + 1];
            double za = z[a];
            double zb = z[b];
            double q = params[paramStart[i]];
            double zi = z[s];
            double pa;
            double pb = 0;
            switch (f) {
                case IDENTITY -> pa = 1;
                case NEG -> pa = -1;
                case ADD -> {
                    pa = 1;
                    pb = 1;
                }
                case SUB -> {
                    pa = 1;
                    pb = -1;
                }
                case MUL -> {
                    pa = zb;
                    pb = za;
                }
                case POWC -> pa = Primitive.POWC.partialA(za, zb, q, zi);
                case EXP -> pa = Primitive.EXP.partialA(za, zb, q, zi);
                case SIN -> pa = Primitive.SIN.partialA(za, zb, q, zi);
                case COS -> pa = Primitive.COS.partialA(za, zb, q, zi);
                case TANH -> pa = Primitive.TANH.partialA(za, zb, q, zi);
                case SIGMOID -> pa = Primitive.SIGMOID.partialA(za, zb, q, zi);
                default -> {
                    f.partials(za, zb, q, zi, d);
                    pa = d[0];
                    pb = f.arity() == 2 ? d[1] : 0;
                }
            }
            da[s] = pa;
            db[s] = pb;
            double ta = zdot[a];
            double t = ta == 0 ? 0 : pa * ta;
            if (f.arity() == 2) {
                double tb = zdot[b];
                t += tb == 0 ? 0 : pb * tb;
            }
            zdot[s] = t;
        }
    }

    /**
     * Adds node i's second-order term {@code lambda_i (d^2 f_i)[zdot]} to {@code out} at its
     * arguments' slots: {@code out_j += lambda_i sum_m (d_j d_m f_i) zdot_m}, entry by entry for a
     * vector node. Nothing else: the first-order part {@code lambdaDot_i d f_i} is the caller's.
     *
     * @param z Not modified.
     * @param zdot Not modified.
     * @param lambda Not modified.
     * @param out Modified at node i's arguments.
     */
    public static void addSecondOrderTerm(Program p, int i, double[] z, double[] zdot, double[] lambda, double[] out) {
        if (p.isVector(i)) {
            vectorTerm(p, i, z, zdot, lambda, out);
            return;
        }
        Primitive f = p.primitive(i);
        int si = p.slot(i);
        double li = lambda[si];
        if (li == 0 || f == Primitive.INPUT || f == Primitive.CONSTANT || f == Primitive.WEIGHTED_SUM) {
            return;
        }
        int[] a = p.arguments(i);
        double[] c = p.parameters(i);
        int sa = p.slot(a[0]);
        scalarTerm(f, a.length, sa, a.length > 1 ? p.slot(a[1]) : sa, z[si], c.length > 0 ? c[0] : 0, z, zdot, li, out);
    }

    /** {@code out += li (d^2 f)[zdot]} at the arguments' slots sa (and sb) of a scalar node of value zi. */
    private static void scalarTerm(Primitive f, int arity, int sa, int sb, double zi, double q, double[] z,
            double[] zdot, double li, double[] out) {
        if (li == 0) {
            return;
        }
        double za = z[sa];
        double zb = arity > 1 ? z[sb] : 0;
        double ta = zdot[sa];
        if (arity == 1) {
            out[sa] += times(li, times(ta, f.partialAA(za, zb, q, zi)));
            return;
        }
        double tb = zdot[sb];
        double ab = f.partialAB(za, zb, q, zi);
        out[sa] += times(li, times(ta, f.partialAA(za, zb, q, zi)) + times(tb, ab));
        out[sb] += times(li, times(ta, ab) + times(tb, f.partialBB(za, zb, q, zi)));
    }

    /**
     * The Lagrangian's Hessian in z times u at any (z, lambda), feasible or not: with
     * {@code L = z_n - sum_i lambda_i (z_i - f_i(z_alpha(i)))}, {@code d^2 L / dz^2 = sum_i lambda_i
     * d^2 f_i}, a sum of the nonlinear nodes' second partials; matrix-free, O(n + edges). The
     * partials are taken at {@code f_i(z_alpha(i))}, not at z_i (the two differ away from a solution).
     *
     * @param z Not modified: a value per slot.
     * @param lambda Not modified: a multiplier per slot.
     * @param u Not modified: the direction, a value per slot.
     */
    public double[] lagrangianHessianTimes(double[] z, double[] lambda, double[] u) {
        Program p = program;
        int slots = p.slotCount();
        if (z.length != slots || lambda.length != slots || u.length != slots) {
            throw new IllegalArgumentException("expected z, lambda and u of " + slots + " entries, got " + z.length
                    + ", " + lambda.length + " and " + u.length);
        }
        int widest = 1;
        for (int i = 0; i < p.size(); i++) {
            widest = Math.max(widest, p.width(i));
        }
        double[] out = new double[slots];
        double[] f = new double[widest];
        double[] t = java.util.Arrays.copyOf(u, slots + widest); // u, then the node's own tangent J u_args
        for (int i = 0; i < p.size(); i++) {
            int s = p.slot(i);
            if (p.isVector(i)) {
                VectorPrimitive g = p.vectorPrimitive(i);
                if (g == VectorPrimitive.INPUT || g == VectorPrimitive.STACK) {
                    continue; // linear
                }
                int[] args = p.arguments(i);
                int a = p.slot(args[0]);
                int b = args.length > 1 ? p.slot(args[1]) : a;
                VectorKernels.constraintValues(p, i, null, z, f, 0);
                g.jvp(z, a, b, p.params, p.paramStart[i], f, 0, t, a, b, t, slots);
                g.secondOrderVjp(z, a, b, p.params, p.paramStart[i], f, 0, t, a, b, slots, lambda, s, out, a, b);
                continue;
            }
            Primitive g = p.primitive(i);
            if (lambda[s] == 0 || g == Primitive.INPUT || g == Primitive.CONSTANT || g == Primitive.WEIGHTED_SUM) {
                continue;
            }
            int[] a = p.arguments(i);
            double[] c = p.parameters(i);
            double q = c.length > 0 ? c[0] : 0;
            int sa = p.slot(a[0]);
            int sb = a.length > 1 ? p.slot(a[1]) : sa;
            // The partials may read the value f_i (exp'' = exp): recomputed, as Sweeps.localPartials does.
            f[0] = g.value(z[sa], a.length > 1 ? z[sb] : 0, q);
            scalarTerm(g, a.length, sa, sb, f[0], q, z, u, lambda[s], out);
        }
        return out;
    }

    /**
     * The reduced Hessian {@code Z^T W Z v} with {@code Z = dz/dx} (the tangent map) and {@code W}
     * the Lagrangian's Hessian at the multipliers {@code lambda}: the Hessian of the objective over
     * the inputs when lambda are its adjoints ({@link #hessianTimes}, by another route), and the
     * curvature of the Lagrangian along the constraints' tangent space for any other lambda.
     * Three sweeps: tangent, {@link #lagrangianHessianTimes}, back-substitution of the result.
     *
     * @param x Not modified: the inputs (z is their forward pass).
     * @param lambda Not modified: a multiplier per slot.
     * @param v Not modified: one entry per input.
     */
    public double[] reducedHessianTimes(double[] x, double[] lambda, double[] v) {
        Program p = program;
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, x, z);
        double[] zdot = new double[p.slotCount()];
        Sweeps.tangent(p, z, v, zdot);
        double[] w = lagrangianHessianTimes(z, lambda, zdot);
        Sweeps.reverse(p, z, w, w, 0, p.size()); // Z^T w: back-substitution seeded with w
        double[] out = new double[p.inputCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = w[p.inputSlot(k)];
        }
        return out;
    }

    /**
     * The nodes at a kink for values z (the forward pass, or a solution): where a primitive is not
     * twice differentiable ({@link Primitive#kink}: abs or relu at 0, a tie of max or min, entry by
     * entry for maps and zips) and a Hessian uses one-sided values. Each line names the node, the
     * entry and the argument values, and says which values are used. Empty when there are none.
     *
     * @param z Not modified: a value per slot.
     */
    public static java.util.List<String> kinks(Program p, double[] z) {
        java.util.List<String> found = new java.util.ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            int[] args = p.arguments(i);
            if (p.isVector(i)) {
                VectorPrimitive g = p.vectorPrimitive(i);
                if (g != VectorPrimitive.MAP && g != VectorPrimitive.ZIP) {
                    continue;
                }
                double[] c = p.parameters(i);
                Primitive f = VectorPrimitive.scalar(c, 0);
                int a = p.slot(args[0]);
                int b = args.length > 1 ? p.slot(args[1]) : a;
                for (int k = 0, w = (int) c[0]; k < w; k++) {
                    double za = z[a + k];
                    double zb = g == VectorPrimitive.ZIP ? z[b + k] : 0;
                    String why = f.kink(za, zb, g == VectorPrimitive.MAP ? c[2] : 0);
                    if (why != null) {
                        found.add("'" + p.slotLabel(p.slot(i) + k) + "' = " + f.symbol() + "(" + za
                                + (g == VectorPrimitive.ZIP ? ", " + zb : "") + "): " + why);
                    }
                }
                continue;
            }
            Primitive f = p.primitive(i);
            if (f.arity() == 0 || f == Primitive.WEIGHTED_SUM) {
                continue;
            }
            double[] c = p.parameters(i);
            double za = z[p.slot(args[0])];
            double zb = args.length > 1 ? z[p.slot(args[1])] : 0;
            String why = f.kink(za, zb, c.length > 0 ? c[0] : 0);
            if (why != null) {
                found.add("'" + p.label(i) + "' = " + f.symbol() + "(" + p.label(args[0]) + " = " + za
                        + (args.length > 1 ? ", " + p.label(args[1]) + " = " + zb : "") + "): " + why);
            }
        }
        return found;
    }

    /** The dense Hessian of the objective at x, by one product per input; symmetric up to rounding. */
    public double[][] hessian(double[] x) {
        int d = program.inputCount();
        double[][] h = new double[d][];
        double[] e = new double[d];
        for (int k = 0; k < d; k++) {
            e[k] = 1;
            h[k] = hessianTimes(x, e);
            e[k] = 0;
        }
        return h;
    }

    /**
     * Vector node i's second-order term {@code lambdaDot_args += lambda_i^T (d^2 f_i)[zdot_args]}, by its
     * primitive's own rule ({@link VectorPrimitive#secondOrderVjp}).
     */
    private static void vectorTerm(Program p, int i, double[] z, double[] zdot, double[] lambda, double[] lambdaDot) {
        int s = p.slot(i);
        int[] args = p.arguments(i);
        int a = args.length > 0 ? p.slot(args[0]) : 0;
        int b = args.length > 1 ? p.slot(args[1]) : 0;
        p.vectorPrimitive(i).secondOrderVjp(z, a, b, p.params, p.paramStart[i], z, s, zdot, a, b, s, lambda, s,
                lambdaDot, a, b);
    }

    /** {@code t * d}, 0 when t is 0 even if d is not finite (as the first-order sweeps do). */
    private static double times(double t, double d) {
        return t == 0 ? 0 : t * d;
    }
}
