package dev.lagrange.program;

import dev.lagrange.primitive.Expressions;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The rote program transformation of reverse-mode differentiation: from an acyclic program
 * {@code z_i = f_i(z_alpha(i))} with objective {@code z_n}, the program that computes its gradient.
 * The new program has the same inputs (and defaults), then the forward statements unchanged, then one
 * statement per multiplier in reverse evaluation order, the multiplier equations of the Lagrangian
 * solved by back-substitution,
 * <pre>
 *   lambda_j = [j = n] + sum_{i in beta(j)} lambda_i * df_i/dz_j,
 * </pre>
 * each local partial written with primitives (so {@code lambda_c = lambda_e * cos(c) + lambda_d * d}
 * for {@code d = exp(c)}, {@code e = sin(c)}), and ends with {@code output grad_x1, ..., grad_xd},
 * since {@code grad f(x) = lambda_{1:d}}. Evaluating the new program's outputs by substitution gives
 * the gradient that back-substitution gives on the original. The terms of a sum come in the order
 * back-substitution accumulates them (users i descending, after the seed), so the two agree to the
 * last bit: every partial below is computed by the same floating-point operations as in
 * {@link Primitive#partials}.
 *
 * <p><b>Names.</b> The multiplier of a named variable {@code v} is {@code lambda_v} ({@code lambda_h[3]}
 * for {@code h[3]}); the multiplier of input {@code x} is {@code grad_x}. A name already taken gets a
 * suffix {@code _1}, {@code _2}, ... (before any index). Multipliers of temporaries are temporaries,
 * constants have none. A named variable that the objective does not depend on gets
 * {@code lambda_v = 0}; a program without inputs outputs its objective.
 *
 * <p><b>Local partials</b> (a, b the arguments, z the node's own value; {@code sign}, {@code step} below):
 * {@code exp: z; log: 1 / a; sin: cos(a); cos: -sin(a); tan: 1 + z^2; tanh: 1 - z^2;
 * sigmoid: z * (1 - z); sqrt: 0.5 / z; softplus: sigmoid(a); a / b: 1 / b and -(z / b);
 * a * b: b and a; a^p: p * a^(p-1); pow(a, b): b * pow(a, b - 1) and z * log(max(a, 4.9E-324))};
 * sums, differences, negation, identities and weighted sums contribute their constant coefficients.
 * The kinks keep the conventions of {@link Primitive}, exactly, through
 * {@code step(t) = [t > 0] = min(2 (relu(t) / (relu(t) + 4.9E-324)), 1)} and
 * {@code sign(t) = min(max(2 (t / (abs(t) + 4.9E-324)), -1), 1)}: for t != 0 the ratio
 * {@code |t| / (|t| + 2^-1074)} lies in [1/2, 1] (|t| is at least the smallest subnormal
 * {@code 2^-1074}), so doubling and clamping give exactly 1, while t = 0 gives exactly 0, and no
 * intermediate value overflows. Then {@code abs: sign(a)} (0 at 0), {@code relu: step(a)} (0 at
 * 0), {@code max(a, b): 1 - step(b - a)} and {@code step(b - a)} (ties to a),
 * {@code min(a, b): 1 - step(a - b)} and {@code step(a - b)} (ties to a); the sign of a correctly
 * rounded difference is the sign of the exact difference, so ties are detected exactly.
 * Three differences from the solvers remain: where the arguments of {@code max} or {@code min} are
 * finite but more than {@code Double.MAX_VALUE} apart, their difference overflows (a solver then
 * reports a non-finite value, never a wrong one); back-substitution skips a multiplier that is
 * exactly 0 while the transformed program multiplies it out ({@code 0 * inf = NaN} where a partial
 * is infinite); and {@code pow(a, b)} at {@code a = 0, b = 0} gives NaN instead of the convention 0.
 *
 * <p><b>Vector and matrix nodes.</b> A node wider than one slot gets a vector multiplier of its
 * width, the sum of its terms with {@code vectorAdd}/{@code vectorSub} in back-substitution's order;
 * each term is the node's VJP {@code J^T lambda} ({@link VectorPrimitive#vjp}) written with vector
 * nodes, entry for entry the same floating-point operations (z the node, a, b its arguments):
 * <pre>
 *   tanh: lambda * (1 - z * z)         sigmoid: lambda * (z * (1 - z))      exp: lambda * z
 *   relu: lambda * step(a)             step: none (its derivative is 0)     copy, +, -: lambda, -lambda
 *   a * b: lambda * b, lambda * a      c * a: c * lambda                    c0 + c1 a: c1 * lambda
 *   s * b: dot(lambda, b), s * lambda  W @ x: outer(lambda, x), lambda @ W  y @ W: W @ lambda, outer(y, lambda)
 *   dot(a, b): lambda * b, lambda * a  sum(a): [lambda, ..., lambda]
 *   softmax(a): z * (lambda - [dot(lambda, z), ...])   logsumexp(a): lambda * exp(a - [z, ...])
 *   squared_loss(a, b): lambda * (a - b) and its negation
 *   cross_entropy(a, y): lambda * (sum(y) * exp(a - [logsumexp(a), ...]) - y), lambda * ([logsumexp(a), ...] - a)
 *   a[k]: [0, ..., lambda, ..., 0] (one-hot)          stack(s_1, ..., s_w): lambda[1], ..., lambda[w]
 * </pre>
 * where {@code [s, ...]} is a stack of w copies of the scalar s (an exact broadcast), {@code 1 - v}
 * is the affine node {@code c0 + c1 v} ({@link Program.Builder#vectorAffine}), {@code step} is
 * {@code [a > 0]} (relu's convention {@code relu'(0) = 0}, exactly), {@code lambda @ W} is the
 * transposed product {@code W^T lambda} ({@link Program.Builder#matvecTransposed}) and
 * {@code outer(a, b) = a b^T} an m x n matrix node ({@link Program.Builder#outer}). A named vector
 * that the objective does not depend on gets a stack of zeros. OUTER (met in an adjoint of an
 * adjoint) gets {@code L b} and {@code L^T a} for its m x n multiplier L as one {@code dot} per row or
 * column of a stack of L's entries ({@code dot([L[1], L[2]], b)}): a multiplier is a vector, not a
 * matrix that could stand left of {@code @} in .lag. The result is bit-identical to back-substitution
 * for every rule: each VJP computes every entry of its contribution (MATVEC's {@code W^T lambda} and
 * OUTER's {@code L^T a} included, column sums over r ascending) before adding it to the argument's
 * multiplier, as the adjoint program does. A zero multiplier entry, which the kernels skip, is
 * multiplied out ({@code 0 * inf = NaN} as above, and {@code -0} may become {@code +0}).
 *
 * <p><b>Outputs.</b> The gradient of each input in input order, an input block's gradient once as
 * one vector node ({@code grad_W}, row-major for a matrix). Since the first output is the objective
 * and must be a scalar, when the first input is a block the original objective comes first:
 * {@code output f, grad_W, grad_x, ...}; a program whose first input is a scalar keeps
 * {@code output grad_x1, ..., grad_xd} (every scalar program's adjoint is unchanged).
 *
 * <p>O(n + edges) time and size for scalar nodes: each argument edge adds a bounded number of nodes;
 * a vector rule adds O(1) nodes of O(size of the node's arguments) each, except an entry {@code a[k]}
 * of a w-vector, whose one-hot costs O(w), and an m x n outer product, whose rule costs O(m n) nodes.
 *
 * <p>Reference: T. Vieira, "Backprop is not just the chain rule" (2017); J. Domke's notes on
 * automatic differentiation (the example above).
 */
public final class Adjoint {
    /** {@code 2^-1074}, the smallest positive double: no nonzero |t| is below it. */

    private final Program p;
    private final Program.Builder b = Program.builder();
    private final Set<String> taken = new HashSet<>();
    private final Var[] z;
    private final List<List<Term>> pending;

    private Adjoint(Program program) {
        this.p = program;
        this.z = new Var[program.size()];
        this.pending = new ArrayList<>(program.size());
        for (int i = 0; i < program.size(); i++) {
            pending.add(null);
            if (program.name(i) != null) {
                taken.add(program.name(i));
            }
        }
    }

    /**
     * The gradient program of {@code program}, whose outputs are the partial derivatives of its
     * objective with respect to its inputs, in input order (after the objective when the first input
     * is a block: see the class comment).
     *
     * @throws ProgramException when the program has a cyclic block (naming its variables): the
     *     multipliers of a cycle solve a linear system, not a back-substitution
     * @throws IllegalArgumentException for a sparse matrix (its input block or its product), which has
     *     no rule yet
     */
    public static Program of(Program program) {
        if (!program.isAcyclic()) {
            Condensation blocks = program.blocks();
            List<String> names = new ArrayList<>();
            for (int i = blocks.cyclicStart(0); i < blocks.cyclicEnd(0); i++) {
                if (program.name(i) != null) {
                    names.add(program.name(i));
                }
            }
            if (names.isEmpty()) {
                for (int i = blocks.cyclicStart(0); i < blocks.cyclicEnd(0); i++) {
                    names.add(program.label(i));
                }
            }
            throw new ProgramException("the variables " + String.join(", ", names) + " form a cycle; the adjoint "
                    + "transformation needs an acyclic program (the multipliers of a cycle solve a linear system)",
                    names);
        }
        for (int i = 0; i < program.size(); i++) {
            VectorPrimitive f = program.vectorPrimitive(i);
            if (f == VectorPrimitive.SPARSE_MATVEC || f == VectorPrimitive.INPUT && program.parameters(i)[2] == 0) {
                throw new IllegalArgumentException("'" + program.label(i) + "' is a sparse matrix "
                        + (f == VectorPrimitive.INPUT ? "input" : "product") + "; the adjoint transformation has no "
                        + "rule for sparse matrices yet");
            }
        }
        return new Adjoint(program).build();
    }

    /**
     * One contribution {@code c * lambda_i * partial} to a multiplier; {@code partial == null} means 1.
     * The partial is built only when the multiplier's statement is, so that each statement's nodes
     * come right before it, in the order a parser creates them, and print as one expression.
     */
    private record Term(double c, Var lambda, Supplier<Var> partial, Supplier<Var> whole) {
        Term(double c, Var lambda, Supplier<Var> partial) {
            this(c, lambda, partial, null);
        }
    }

    private Program build() {
        int n = p.size();
        for (int i = 0; i < n; i++) {
            z[i] = forward(i);
        }
        constants();
        Var[] grad = new Var[p.inputCount()];
        for (int j = n - 1; j >= 0; j--) {
            boolean vector = p.isVector(j);
            if (!vector && p.primitive(j) == Primitive.CONSTANT) {
                continue;
            }
            String name = p.name(j);
            Var lambda;
            if (vector ? p.vectorPrimitive(j) == VectorPrimitive.INPUT : p.primitive(j) == Primitive.INPUT) {
                int k = p.inputIndex(j);
                lambda = multiplier(j, fresh("grad_", name != null ? name : "x" + (k + 1)));
                grad[k] = lambda;
            } else {
                lambda = multiplier(j, name != null ? fresh("lambda_", name) : null);
            }
            if (lambda != null) {
                if (vector) {
                    pushFromVector(j, lambda);
                } else {
                    pushToArguments(j, lambda);
                }
            }
        }
        List<Var> outputs = new ArrayList<>();
        if (grad.length == 0 || p.width(p.input(0)) > 1) {
            // An input block's gradient is a vector, which cannot be the objective: the objective leads.
            outputs.add(z[p.objective()]);
        }
        for (int k = 0; k < grad.length; k++) {
            if (grad[k] != null) {
                outputs.add(grad[k]); // an input block's gradient once, at its first input
            }
        }
        b.output(outputs.toArray(new Var[0]));
        return b.build();
    }

    private Var forward(int i) {
        if (p.isVector(i)) {
            return forwardVector(i);
        }
        Primitive f = p.primitive(i);
        double[] params = p.parameters(i);
        String name = p.name(i);
        switch (f) {
            case INPUT:
                return b.input(name, p.inputDefault(p.inputIndex(i)));
            case CONSTANT:
                return b.constant(params[0]);
            default:
                int[] a = p.arguments(i);
                Var[] args = new Var[a.length];
                for (int k = 0; k < a.length; k++) {
                    args[k] = z[a[k]];
                }
                return name != null ? b.define(name, f, params, args) : b.apply(f, params, args);
        }
    }

    /** Vector node i, recreated by the builder method that makes it (so with the same parameters). */
    private Var forwardVector(int i) {
        VectorPrimitive f = p.vectorPrimitive(i);
        double[] c = p.parameters(i);
        String name = p.name(i);
        int[] a = p.arguments(i);
        Var za = a.length > 0 ? z[a[0]] : null;
        Var zb = a.length > 1 ? z[a[1]] : null;
        Var v = switch (f) {
            case INPUT -> {
                int first = (int) c[0];
                int w = (int) c[1];
                int cols = (int) c[2];
                double[] defaults = new double[w];
                for (int k = 0; k < w; k++) {
                    defaults[k] = p.inputDefault(first + k);
                }
                yield cols == 1 ? b.inputVector(name, defaults, (int) c[3])
                        : b.inputMatrix(name, w / cols, cols, defaults, (int) c[3], (int) c[4]);
            }
            case COPY -> b.defineVector(b.declare(name), za); // a copy is always named
            case MATVEC -> b.matvec(za, zb);
            case MATVEC_T -> b.matvecTransposed(zb, za);
            case OUTER -> b.outer(za, zb);
            case MAP -> b.map(VectorPrimitive.scalar(c, 0), c[2], za);
            case ZIP -> b.zip(VectorPrimitive.scalar(c, 0), za, zb);
            case STEP -> b.step(za);
            case AFFINE -> b.vectorAffine(c[1], c[2], za);
            case ADD -> b.vectorAdd(za, zb);
            case SUB -> b.vectorSub(za, zb);
            case HADAMARD -> b.hadamard(za, zb);
            case SCALE -> b.scale(c[1], za);
            case SCALE_BY -> b.scale(za, zb);
            case DOT -> b.dot(za, zb);
            case SUM -> b.vectorSum(za);
            case SOFTMAX -> b.softmax(za);
            case LOGSUMEXP -> b.logsumexp(za);
            case SQUARED_LOSS -> b.squaredLoss(za, zb);
            case CROSS_ENTROPY -> b.crossEntropy(za, zb);
            case ELEMENT -> b.element(za, (int) c[0]);
            case SPARSE_MATVEC -> throw new IllegalStateException("refused in of()");
            case STACK -> {
                Var[] s = new Var[a.length];
                for (int k = 0; k < a.length; k++) {
                    s[k] = z[a[k]];
                }
                yield b.stack(s);
            }
        };
        return name == null || f == VectorPrimitive.INPUT || f == VectorPrimitive.COPY ? v : b.let(name, v);
    }

    /**
     * Creates the constants the partials use before the first multiplier, so that none is created
     * in the middle of a statement (the builder keeps one node per constant).
     */
    private void constants() {
        Probe collect = new Probe(true);
        for (int i = 0; i < p.size(); i++) {
            if (p.isVector(i) || !hasRule(p.primitive(i))) {
                continue;
            }
            Primitive f = p.primitive(i);
            double param = p.parameters(i).length > 0 ? p.parameters(i)[0] : 0;
            for (int k = 0; k < f.arity(); k++) {
                f.adjointPartial(k, collect, collect.any, collect.any, collect.any, param);
            }
        }
        for (int i = 0; i < p.size(); i++) {
            if (p.isVector(i)) {
                b.constant(0); // the zeros of ELEMENT's one-hot VJP and of zero vector multipliers
                return;
            }
        }
    }

    /**
     * Node j's multiplier: its seed plus its pending terms, left to right, named {@code name}
     * (always defined then, as 0 if need be); for a temporary a new temporary, an existing
     * multiplier when it is a single unit term, or null when it is exactly 0.
     */
    private Var multiplier(int j, String name) {
        if (p.width(j) > 1) {
            return vectorMultiplier(j, name);
        }
        List<Term> terms = pending.get(j);
        pending.set(j, null);
        boolean seeded = j == p.objective();
        if (terms == null) {
            if (!seeded && name == null) {
                return null;
            }
            // A multiplier that is a constant belongs to no statement of its own: name a copy.
            return name == null ? b.constant(1) : b.define(name, Primitive.IDENTITY, new double[0],
                    b.constant(seeded ? 1 : 0));
        }
        Term first = terms.get(0);
        if (!seeded && name != null && terms.size() == 1 && first.c == 1 && first.partial == null
                && first.whole == null) {
            // Passed on unchanged, the multiplier belongs to another node: name a copy, not that node.
            return b.define(name, Primitive.IDENTITY, new double[0], first.lambda);
        }
        Var sum;
        if (seeded) {
            sum = b.weightedSum(1, new double[] {first.c}, product(first));
        } else if (first.c == 1) {
            sum = product(first);
        } else if (first.c == -1) {
            sum = b.neg(product(first));
        } else {
            sum = b.mul(first.c, product(first));
        }
        sum = addTerms(sum, terms, false);
        return name == null ? sum : b.let(name, sum);
    }

    private Var product(Term t) {
        if (t.whole != null) {
            return t.whole.get();
        }
        return t.partial == null ? t.lambda : b.mul(t.lambda, t.partial.get());
    }

    /**
     * The multiplier of a node wider than one slot: the sum of its pending terms with vector
     * operations, in the order the reverse sweep accumulates them; a zero vector when named and
     * without terms (the objective, a scalar, is never such a node).
     */
    private Var vectorMultiplier(int j, String name) {
        List<Term> terms = pending.get(j);
        pending.set(j, null);
        int w = p.width(j);
        if (terms == null) {
            return name == null ? null : b.let(name, broadcast(b.constant(0), w));
        }
        Term first = terms.get(0);
        if (name != null && terms.size() == 1 && first.c == 1 && first.partial == null && first.whole == null) {
            return b.defineVector(b.declare(name), first.lambda); // passed on unchanged: a named copy
        }
        Var sum = first.c == 1 ? product(first) : b.scale(first.c, product(first));
        sum = addTerms(sum, terms, true);
        return name == null ? sum : b.let(name, sum);
    }

    /** {@code sum} plus the terms after the first, left to right, with scalar or vector operations. */
    private Var addTerms(Var sum, List<Term> terms, boolean vector) {
        for (int k = 1; k < terms.size(); k++) {
            Term t = terms.get(k);
            if (t.c == 1) {
                Var v = product(t);
                sum = vector ? b.vectorAdd(sum, v) : b.add(sum, v);
            } else if (t.c == -1) {
                Var v = product(t);
                sum = vector ? b.vectorSub(sum, v) : b.sub(sum, v);
            } else {
                Var v = product(t);
                Var cv = vector ? b.scale(t.c, v) : b.mul(t.c, v);
                sum = vector ? b.vectorAdd(sum, cv) : b.add(sum, cv);
            }
        }
        return sum;
    }

    /**
     * Adds {@code J_i^T lambda} of vector node i to the pending terms of its arguments, each written
     * with vector primitives that compute it by the same floating-point operations as the node's
     * {@link VectorPrimitive#vjp}.
     */
    private void pushFromVector(int i, Var lambda) {
        VectorPrimitive f = p.vectorPrimitive(i);
        int[] a = p.arguments(i);
        double[] c = p.parameters(i);
        Var za = a.length > 0 ? z[a[0]] : null;
        Var zb = a.length > 1 ? z[a[1]] : null;
        Var zi = z[i];
        int w = a.length > 0 ? p.width(a[0]) : 0;
        switch (f) {
            case INPUT, STEP -> { } // STEP's derivative is 0
            case COPY -> push(a[0], 1, lambda, null);
            case ADD -> {
                push(a[0], 1, lambda, null);
                push(a[1], 1, lambda, null);
            }
            case SUB -> {
                push(a[0], 1, lambda, null);
                push(a[1], -1, lambda, null);
            }
            // The scalar rule written with vector nodes, entry for entry its operations
            case MAP -> pushMapped(a[0], 0, VectorPrimitive.scalar(c, 0), za, null, zi, c[2], lambda, w);
            case ZIP -> {
                Primitive g = VectorPrimitive.scalar(c, 0);
                pushMapped(a[0], 0, g, za, zb, zi, 0, lambda, w);
                pushMapped(a[1], 1, g, za, zb, zi, 0, lambda, w);
            }
            case AFFINE -> pushWhole(a[0], 1, () -> b.scale(c[2], lambda));
            case SCALE -> pushWhole(a[0], 1, () -> b.scale(c[1], lambda));
            case HADAMARD -> {
                pushWhole(a[0], 1, () -> b.hadamard(lambda, zb));
                pushWhole(a[1], 1, () -> b.hadamard(lambda, za));
            }
            case SCALE_BY -> {
                pushWhole(a[0], 1, () -> b.dot(lambda, zb));
                pushWhole(a[1], 1, () -> b.scale(za, lambda));
            }
            case MATVEC -> {
                pushWhole(a[0], 1, () -> b.outer(lambda, zb));
                pushWhole(a[1], 1, () -> b.matvecTransposed(za, lambda));
            }
            case MATVEC_T -> { // (y, W)
                pushWhole(a[0], 1, () -> b.matvec(zb, lambda));
                pushWhole(a[1], 1, () -> b.outer(za, lambda));
            }
            case DOT -> {
                pushWhole(a[0], 1, () -> b.scale(lambda, zb));
                pushWhole(a[1], 1, () -> b.scale(lambda, za));
            }
            case SUM -> pushWhole(a[0], 1, () -> broadcast(lambda, w));
            case SOFTMAX -> pushWhole(a[0], 1,
                    () -> b.hadamard(zi, b.vectorSub(lambda, broadcast(b.dot(lambda, zi), w))));
            case LOGSUMEXP -> pushWhole(a[0], 1,
                    () -> b.scale(lambda, b.map(Primitive.EXP, b.vectorSub(za, broadcast(zi, w)))));
            case SQUARED_LOSS -> {
                pushWhole(a[0], 1, () -> b.scale(lambda, b.vectorSub(za, zb)));
                pushWhole(a[1], -1, () -> b.scale(lambda, b.vectorSub(za, zb)));
            }
            case CROSS_ENTROPY -> {
                pushWhole(a[0], 1, () -> {
                    Var softmax = b.map(Primitive.EXP, b.vectorSub(za, broadcast(b.logsumexp(za), w)));
                    return b.scale(lambda, b.vectorSub(b.scale(b.vectorSum(zb), softmax), zb));
                });
                pushWhole(a[1], 1, () -> b.scale(lambda, b.vectorSub(broadcast(b.logsumexp(za), w), za)));
            }
            case ELEMENT -> pushWhole(a[0], 1, () -> {
                Var zero = b.constant(0);
                Var[] oneHot = new Var[w];
                for (int k = 0; k < w; k++) {
                    oneHot[k] = k == (int) c[0] ? lambda : zero;
                }
                return b.stack(oneHot);
            });
            case STACK -> {
                for (int k = 0; k < a.length; k++) {
                    int entry = k;
                    pushWhole(a[k], 1, () -> b.element(lambda, entry));
                }
            }
            case SPARSE_MATVEC -> throw new IllegalStateException("refused in of()");
            case OUTER -> { // (a, b), z = a b^T of m x n: row sums against b, column sums against a
                int m = (int) c[0];
                int n = (int) c[1];
                pushWhole(a[0], 1, () -> contractions(lambda, m, n, true, zb));
                pushWhole(a[1], 1, () -> contractions(lambda, m, n, false, za));
            }
        }
    }

    /**
     * {@code L v} (rows) or {@code L^T v} (columns) for the m x n multiplier L of an outer product,
     * one dot product of a stack of L's entries with v per row or column: O(m n) nodes, as many as
     * the outer node has entries, and written with nodes the language has (a multiplier is a vector
     * in .lag, never a matrix to put left of {@code @}).
     */
    private Var contractions(Var lambda, int m, int n, boolean rows, Var v) {
        int count = rows ? m : n;
        int length = rows ? n : m;
        Var[] dots = new Var[count];
        for (int r = 0; r < count; r++) {
            Var[] entries = new Var[length];
            for (int k = 0; k < length; k++) {
                entries[k] = b.element(lambda, rows ? r * n + k : k * n + r);
            }
            dots[r] = b.dot(b.stack(entries), v);
        }
        return b.stack(dots);
    }

    /**
     * Pushes {@code lambda ⊙ df/d(argument k)} of an elementwise map or zip of g to argument j: g's own
     * scalar rule ({@link Primitive#adjointPartial}) written with vector nodes, entry for entry its
     * operations, so the vector adjoint agrees with back-substitution to the last bit.
     */
    private void pushMapped(int j, int k, Primitive g, Var za, Var zb, Var zi, double q, Var lambda, int w) {
        double coefficient = g.adjointCoefficient(k, q);
        if (coefficient == 0) {
            return;
        }
        pushWhole(j, 1, () -> {
            Var partial = g.adjointPartial(k, new EntryExpressions(w), za, zb, zi, q);
            Var product = partial == null ? lambda : b.hadamard(lambda, partial);
            return coefficient == 1 ? product : b.scale(coefficient, product);
        });
    }

    /**
     * The scalar rules' algebra on vectors of one width, each operation the vector node that computes
     * it entry by entry: {@code MUL} a Hadamard product, {@code c0 + c1 a} an affine node, a unary
     * function its map, any other binary primitive its zip, {@code [t > 0]} the STEP node.
     */
    private final class EntryExpressions implements Expressions<Var> {
        private final int w;

        EntryExpressions(int w) {
            this.w = w;
        }

        @Override public Var constant(double c) { return broadcast(b.constant(c), w); }
        @Override public Var apply(Primitive f, Var x) {
            return f == Primitive.NEG ? b.scale(-1, x) : b.map(f, x);
        }
        @Override public Var apply(Primitive f, Var x, Var y) {
            return switch (f) {
                case MUL -> b.hadamard(x, y);
                case ADD -> b.vectorAdd(x, y);
                case SUB -> b.vectorSub(x, y);
                default -> b.zip(f, x, y);
            };
        }
        @Override public Var affine(double c0, double c1, Var x) {
            return c0 == 0 ? b.scale(c1, x) : b.vectorAffine(c0, c1, x);
        }
        @Override public Var powc(Var x, double e) {
            return e == 2 ? b.hadamard(x, x) : b.map(Primitive.POWC, e, x);
        }
        @Override public Var step(Supplier<Var> t) {
            return b.step(t.get());
        }
    }

    /** {@code (s, ..., s)}, w times: a scalar broadcast over a vector, exactly (a stack). */
    private Var broadcast(Var s, int w) {
        Var[] copies = new Var[w];
        Arrays.fill(copies, s);
        return b.stack(copies);
    }

    private void pushWhole(int j, double c, Supplier<Var> whole) {
        if (!p.isVector(j) && p.primitive(j) == Primitive.CONSTANT) {
            return;
        }
        addTerm(j, new Term(c, null, null, whole));
    }

    /** Adds {@code lambda_i * df_i/dz_a} to the pending terms of every argument a of node i. */
    private void pushToArguments(int i, Var lambda) {
        Primitive f = p.primitive(i);
        int[] a = p.arguments(i);
        double[] params = p.parameters(i);
        Var za = a.length > 0 ? z[a[0]] : null;
        Var zb = a.length > 1 ? z[a[1]] : null;
        Var zi = z[i];
        switch (f) {
            case INPUT, CONSTANT -> { }
            case WEIGHTED_SUM -> {
                for (int k = 0; k < a.length; k++) {
                    if (params[k + 1] != 0) {
                        push(a[k], params[k + 1], lambda, null);
                    }
                }
            }
            case IMPLICIT -> throw new IllegalStateException("an implicit constraint outside a cyclic block");
            default -> {
                // The primitive's own rule: a coefficient, and a partial built only when the
                // multiplier's statement is written (null when it is 1, which the probe finds out).
                double param = params.length > 0 ? params[0] : 0;
                for (int k = 0; k < f.arity(); k++) {
                    double c = f.adjointCoefficient(k, param);
                    if (c == 0) {
                        continue;
                    }
                    int arg = k;
                    boolean unit = f.adjointPartial(k, probe, probe.any, probe.any, probe.any, param) == null;
                    push(a[k], c, lambda, unit ? null : () -> f.adjointPartial(arg, expressions, za, zb, zi, param));
                }
            }
        }
    }

    /** Whether the adjoint takes node partials from the primitive's rule (every primitive with arguments but these). */
    private static boolean hasRule(Primitive f) {
        return f.arity() > 0 && f != Primitive.WEIGHTED_SUM && f != Primitive.IMPLICIT;
    }

    /** The rules' algebra on this transformation's builder: each operation is a node of the gradient program. */
    private final Expressions<Var> expressions = new Expressions<>() {
        @Override public Var constant(double c) { return b.constant(c); }
        @Override public Var apply(Primitive f, Var x) { return b.apply(f, x); }
        @Override public Var apply(Primitive f, Var x, Var y) { return b.apply(f, x, y); }
        @Override public Var affine(double c0, double c1, Var x) { return b.weightedSum(c0, new double[] {c1}, x); }
        @Override public Var powc(Var x, double e) { return b.pow(x, e); }
    };

    private final Probe probe = new Probe(false);

    /**
     * The rules' algebra run for what they would build, building nothing but (when asked) their
     * constants: whether a partial is 1 (null), and the constants to create before the first
     * multiplier.
     */
    private final class Probe implements Expressions<Var> {
        final Var any = new Var(b, -1);
        private final boolean createConstants;

        Probe(boolean createConstants) {
            this.createConstants = createConstants;
        }

        @Override public Var constant(double c) {
            if (createConstants) {
                b.constant(c);
            }
            return any;
        }
        @Override public Var apply(Primitive f, Var x) { return any; }
        @Override public Var apply(Primitive f, Var x, Var y) { return any; }
        @Override public Var affine(double c0, double c1, Var x) { return any; }
        @Override public Var powc(Var x, double e) { return any; }
    }

    private void push(int j, double c, Var lambda, Supplier<Var> partial) {
        if (!p.isVector(j) && p.primitive(j) == Primitive.CONSTANT) {
            return;
        }
        addTerm(j, new Term(c, lambda, partial));
    }

    private void addTerm(int j, Term t) {
        List<Term> terms = pending.get(j);
        if (terms == null) {
            terms = new ArrayList<>(2);
            pending.set(j, terms);
        }
        terms.add(t);
    }

    /** {@code prefix + name}, with a numeric suffix before any index when that name is taken. */
    private String fresh(String prefix, String name) {
        String candidate = prefix + name;
        if (taken.add(candidate)) {
            return candidate;
        }
        int bracket = name.indexOf('[');
        String stem = bracket < 0 ? name : name.substring(0, bracket);
        String index = bracket < 0 ? "" : name.substring(bracket);
        for (int k = 1;; k++) {
            candidate = prefix + stem + "_" + k + index;
            if (taken.add(candidate)) {
                return candidate;
            }
        }
    }
}
