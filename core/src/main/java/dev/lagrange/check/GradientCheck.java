package dev.lagrange.check;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * Verifies a gradient by methods that share nothing with back-substitution:
 * <ul>
 *   <li>central differences per input with one Richardson extrapolation step,
 *       {@code D = (4 D(h/2) - D(h)) / 3}, truncation error O(h^4), with
 *       {@code h = step * max(1, |x_k|)};</li>
 *   <li>central differences along random unit directions v, compared with {@code grad . v};</li>
 *   <li>forward mode with commons-math3's {@link DerivativeStructure}, exact up to rounding, for
 *       acyclic programs (each primitive's own forward-mode rule, not its hand-written partials).</li>
 * </ul>
 * Errors are relative, {@code |a - b| / max(|a|, |b|, floor)}, the usual measure in the gradient
 * checking literature, with a floor that keeps exact zeros from dividing by zero.
 *
 * <p>A check is immutable; {@code with...} methods return adjusted copies. Finite differences cost
 * 4d + 2r objective evaluations for d inputs and r directions; forward mode costs O(d) per node.
 */
public final class GradientCheck {
    /** Method names, as reported. */
    public static final String FORWARD_MODE = "forward-mode DerivativeStructure (commons-math3)";
    public static final String CENTRAL_DIFFERENCES = "central differences with Richardson extrapolation";
    public static final String RANDOM_DIRECTIONS = "central differences along random directions";
    public static final String FORWARD_MODE_ORDER_2 = "forward-over-forward DerivativeStructure of order 2 (commons-math3)";
    public static final String GRADIENT_DIFFERENCES = "central differences of the back-substitution gradient";

    private final Program program;
    private final ToDoubleFunction<double[]> objective;
    private final double step;
    private final int directions;
    private final long seed;
    private final double floor;

    private GradientCheck(Program program, ToDoubleFunction<double[]> objective, double step, int directions,
            long seed, double floor) {
        this.program = program;
        this.objective = objective;
        this.step = step;
        this.directions = directions;
        this.seed = seed;
        this.floor = floor;
    }

    /**
     * A check of an acyclic program, evaluated by forward substitution; step 1e-4, 3 random
     * directions, seed 345, floor 1e-8.
     */
    public static GradientCheck of(Program program) {
        if (!program.isAcyclic()) {
            throw new IllegalArgumentException("a cyclic program needs an objective function: use of(program, f)");
        }
        return new GradientCheck(program, x -> evaluate(program, x), 1e-4, 3, 345, 1e-8);
    }

    /**
     * A check that evaluates the objective with {@code f} (a solver, for programs with cyclic
     * blocks); forward mode is then available only when the program is acyclic.
     */
    public static GradientCheck of(Program program, ToDoubleFunction<double[]> f) {
        return new GradientCheck(program, f, 1e-4, 3, 345, 1e-8);
    }

    public GradientCheck withStep(double h) {
        if (!(h > 0)) {
            throw new IllegalArgumentException("step must be positive: " + h);
        }
        return new GradientCheck(program, objective, h, directions, seed, floor);
    }

    public GradientCheck withDirections(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("direction count must be >= 0: " + count);
        }
        return new GradientCheck(program, objective, step, count, seed, floor);
    }

    public GradientCheck withSeed(long randomSeed) {
        return new GradientCheck(program, objective, step, directions, randomSeed, floor);
    }

    public GradientCheck withFloor(double relativeErrorFloor) {
        return new GradientCheck(program, objective, step, directions, seed, relativeErrorFloor);
    }

    /** The objective z_n of an acyclic program at x, by the forward pass. */
    public static double evaluate(Program program, double[] x) {
        double[] z = new double[program.slotCount()];
        Sweeps.forward(program, x, z);
        return z[program.slot(program.objective())];
    }

    /**
     * The gradient of the objective at x in forward mode: every node carries its value and its d
     * partials. Only for acyclic programs.
     */
    public double[] forwardMode(double[] x) {
        int d = program.inputCount();
        DerivativeStructure out = forwardModeObjective(x, 1);
        double[] g = new double[d];
        int[] orders = new int[d];
        for (int k = 0; k < d; k++) {
            orders[k] = 1;
            g[k] = out.getPartialDerivative(orders);
            orders[k] = 0;
        }
        return g;
    }

    /** The objective at x in forward mode of the given order: every node carries its value and its partials up to that order. */
    private DerivativeStructure forwardModeObjective(double[] x, int order) {
        if (!program.isAcyclic()) {
            throw new IllegalStateException("forward mode needs an acyclic program");
        }
        int d = program.inputCount();
        int n = program.size();
        // One structure per value slot: a vector node's entries each carry their d partials.
        DerivativeStructure[] z = new DerivativeStructure[program.slotCount()];
        for (int i = 0; i < n; i++) {
            int s = program.slot(i);
            int[] a = program.arguments(i);
            double[] p = program.parameters(i);
            if (program.isVector(i)) {
                VectorPrimitive g = program.vectorPrimitive(i);
                if (g == VectorPrimitive.INPUT) {
                    for (int k = program.inputIndex(i), m = 0; m < program.width(i); k++, m++) {
                        z[s + m] = new DerivativeStructure(d, order, k, x[k]);
                    }
                } else if (g == VectorPrimitive.STACK) {
                    for (int m = 0; m < a.length; m++) {
                        z[s + m] = z[program.slot(a[m])];
                    }
                } else {
                    g.value(z, program.slot(a[0]), a.length > 1 ? program.slot(a[1]) : 0, p, 0, z, s);
                }
                continue;
            }
            Primitive f = program.primitive(i);
            for (int k = 0; k < a.length; k++) {
                a[k] = program.slot(a[k]); // the cases below index z by slot
            }
            switch (f) {
                case INPUT -> {
                    int k = program.inputIndex(i);
                    z[s] = new DerivativeStructure(d, order, k, x[k]);
                }
                case CONSTANT -> z[s] = new DerivativeStructure(d, order, p[0]);
                case WEIGHTED_SUM -> {
                    DerivativeStructure v = new DerivativeStructure(d, order, p[0]);
                    for (int k = 0; k < a.length; k++) {
                        v = v.add(z[a[k]].multiply(p[k + 1]));
                    }
                    z[s] = v;
                }
                default -> z[s] = f.value(z[a[0]], a.length > 1 ? z[a[1]] : null, p.length > 0 ? p[0] : 0);
            }
        }
        return z[program.slot(program.objective())];
    }

    /**
     * The Hessian of the objective at x in forward mode of order 2 (forward over forward): each
     * primitive's own {@link DerivativeStructure} rule, nothing shared with the second-order
     * adjoints. Only for acyclic programs.
     */
    public double[][] forwardModeHessian(double[] x) {
        int d = program.inputCount();
        DerivativeStructure out = forwardModeObjective(x, 2);
        double[][] h = new double[d][d];
        int[] orders = new int[d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                orders[r]++;
                orders[c]++;
                h[r][c] = out.getPartialDerivative(orders);
                orders[r] = 0;
                orders[c] = 0;
            }
        }
        return h;
    }

    /**
     * The Hessian at x by central differences of the back-substitution gradient, one Richardson step
     * ({@code h = step * max(1, |x_k|)}); column k is {@code d grad / dx_k}. Only for acyclic programs.
     */
    public double[][] gradientDifferences(double[] x) {
        int d = program.inputCount();
        double[][] h = new double[d][d];
        double[] xp = x.clone();
        for (int k = 0; k < d; k++) {
            double hk = step * Math.max(1, Math.abs(x[k]));
            double[] dh = gradientDifference(xp, k, hk);
            double[] dh2 = gradientDifference(xp, k, hk / 2);
            for (int r = 0; r < d; r++) {
                h[r][k] = (4 * dh2[r] - dh[r]) / 3;
            }
        }
        return h;
    }

    private double[] gradientDifference(double[] xp, int k, double h) {
        double xk = xp[k];
        xp[k] = xk + h;
        double[] up = backSubstitution(xp);
        xp[k] = xk - h;
        double[] down = backSubstitution(xp);
        xp[k] = xk;
        for (int r = 0; r < up.length; r++) {
            up[r] = (up[r] - down[r]) / (2 * h);
        }
        return up;
    }

    /** The gradient of an acyclic program by the forward pass and back-substitution. */
    private double[] backSubstitution(double[] x) {
        double[] z = new double[program.slotCount()];
        Sweeps.forward(program, x, z);
        double[] lambda = new double[program.slotCount()];
        lambda[program.slot(program.objective())] = 1;
        Sweeps.reverse(program, z, lambda, lambda, 0, program.size());
        double[] g = new double[program.inputCount()];
        for (int k = 0; k < g.length; k++) {
            g[k] = lambda[program.inputSlot(k)];
        }
        return g;
    }

    /**
     * Compares a Hessian at x with forward mode of order 2 and with central differences of the
     * gradient, entry by entry (relative errors as for gradients); acyclic programs only.
     *
     * @param hessian Not modified: the d x d Hessian to verify, e.g. from {@code SecondOrder}.
     */
    public Report checkHessian(double[] x, double[][] hessian) {
        int d = program.inputCount();
        if (!program.isAcyclic()) {
            throw new IllegalArgumentException("a Hessian check needs an acyclic program");
        }
        if (x.length != d || hessian.length != d) {
            throw new IllegalArgumentException("expected " + d + " inputs and a " + d + " x " + d + " Hessian");
        }
        return new Report(List.of(compareMatrix(FORWARD_MODE_ORDER_2, forwardModeHessian(x), hessian),
                compareMatrix(GRADIENT_DIFFERENCES, gradientDifferences(x), hessian)));
    }

    private Comparison compareMatrix(String method, double[][] reference, double[][] hessian) {
        int d = reference.length;
        double worst = 0;
        String where = "";
        double[] flat = new double[d * d];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                flat[r * d + c] = reference[r][c];
                double e = relativeError(hessian[r][c], reference[r][c]);
                if (!(e <= worst)) {
                    worst = e;
                    where = "d2f/d" + program.inputLabel(r) + " d" + program.inputLabel(c);
                }
            }
        }
        return new Comparison(method, worst, where, flat);
    }

    /** The gradient at x by central differences with one Richardson step. */
    public double[] centralDifferences(double[] x) {
        double[] g = new double[x.length];
        double[] xp = x.clone();
        for (int k = 0; k < x.length; k++) {
            double h = step * Math.max(1, Math.abs(x[k]));
            double dh = difference(xp, k, h);
            double dh2 = difference(xp, k, h / 2);
            g[k] = (4 * dh2 - dh) / 3;
        }
        return g;
    }

    private double difference(double[] xp, int k, double h) {
        double xk = xp[k];
        xp[k] = xk + h;
        double up = objective.applyAsDouble(xp);
        xp[k] = xk - h;
        double down = objective.applyAsDouble(xp);
        xp[k] = xk;
        return (up - down) / (2 * h);
    }

    /**
     * Compares {@code gradient} at x with every available method and reports the largest relative
     * error and where it occurred.
     *
     * @param x Not modified.
     * @param gradient Not modified: the gradient to verify, e.g. the input multipliers lambda_{1:d}.
     */
    public Report check(double[] x, double[] gradient) {
        if (x.length != program.inputCount() || gradient.length != program.inputCount()) {
            throw new IllegalArgumentException("expected " + program.inputCount() + " inputs and gradient entries");
        }
        List<Comparison> comparisons = new ArrayList<>();
        if (program.isAcyclic()) {
            comparisons.add(compare(FORWARD_MODE, forwardMode(x), gradient));
        }
        comparisons.add(compare(CENTRAL_DIFFERENCES, centralDifferences(x), gradient));
        if (directions > 0 && x.length > 0) {
            Random random = new Random(seed);
            double worst = 0;
            String where = "";
            double[] xp = x.clone();
            for (int r = 0; r < directions; r++) {
                double[] v = unitVector(random, x.length);
                double h = step * Math.max(1, norm(x));
                double dh = directional(xp, x, v, h);
                double dh2 = directional(xp, x, v, h / 2);
                double fd = (4 * dh2 - dh) / 3;
                double ad = 0;
                for (int k = 0; k < v.length; k++) {
                    ad += gradient[k] * v[k];
                }
                double e = relativeError(ad, fd);
                if (!(e <= worst)) {
                    worst = e;
                    where = "direction " + (r + 1) + " of " + directions + " (seed " + seed + ")";
                }
            }
            comparisons.add(new Comparison(RANDOM_DIRECTIONS, worst, where, null));
        }
        return new Report(comparisons);
    }

    private double directional(double[] xp, double[] x, double[] v, double h) {
        for (int k = 0; k < x.length; k++) {
            xp[k] = x[k] + h * v[k];
        }
        double up = objective.applyAsDouble(xp);
        for (int k = 0; k < x.length; k++) {
            xp[k] = x[k] - h * v[k];
        }
        double down = objective.applyAsDouble(xp);
        System.arraycopy(x, 0, xp, 0, x.length);
        return (up - down) / (2 * h);
    }

    private Comparison compare(String method, double[] reference, double[] gradient) {
        double worst = 0;
        String where = "";
        for (int k = 0; k < reference.length; k++) {
            double e = relativeError(gradient[k], reference[k]);
            if (!(e <= worst)) {
                worst = e;
                where = program.inputLabel(k);
            }
        }
        return new Comparison(method, worst, where, reference);
    }

    /** {@code |a - b| / max(|a|, |b|, floor)}; NaN when either is NaN. */
    public double relativeError(double a, double b) {
        if (a == b) {
            return 0;
        }
        return Math.abs(a - b) / Math.max(floor, Math.max(Math.abs(a), Math.abs(b)));
    }

    private static double[] unitVector(Random random, int d) {
        double[] v = new double[d];
        double norm = 0;
        while (norm == 0) {
            for (int k = 0; k < d; k++) {
                v[k] = random.nextGaussian();
            }
            norm = norm(v);
        }
        for (int k = 0; k < d; k++) {
            v[k] /= norm;
        }
        return v;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }

    /**
     * One method's verdict: its largest relative error, where it occurred (an input's name or a
     * direction) and its reference gradient (null for directional checks).
     */
    public record Comparison(String method, double maxRelativeError, String where, double[] reference) {
    }

    /** Every method's comparison; the report's error is the largest of them. */
    public record Report(List<Comparison> comparisons) {
        public Report {
            comparisons = List.copyOf(comparisons);
        }

        /** The largest relative error over all methods (NaN if any is NaN). */
        public double maxRelativeError() {
            double worst = 0;
            for (Comparison c : comparisons) {
                if (!(c.maxRelativeError() <= worst)) {
                    worst = c.maxRelativeError();
                }
            }
            return worst;
        }

        /** The comparison with the largest error. */
        public Comparison worst() {
            Comparison worst = comparisons.get(0);
            for (Comparison c : comparisons) {
                if (!(c.maxRelativeError() <= worst.maxRelativeError())) {
                    worst = c;
                }
            }
            return worst;
        }

        /** Whether every method agrees within {@code tolerance}. */
        public boolean passed(double tolerance) {
            return maxRelativeError() <= tolerance;
        }

        /** The methods used, joined: for reports. */
        public String methods() {
            StringBuilder s = new StringBuilder();
            for (Comparison c : comparisons) {
                if (s.length() > 0) {
                    s.append("; ");
                }
                s.append(c.method());
            }
            return s.toString();
        }
    }
}
