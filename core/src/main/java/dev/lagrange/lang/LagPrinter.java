package dev.lagrange.lang;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import dev.lagrange.program.Program;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Writes a {@link Program} as {@code .lag} source such that parsing it gives the same program:
 * {@code LagParser.parse(LagPrinter.print(p), f).equals(p)} for every program p.
 *
 * <p>Exactness needs the parser to create the nodes in the program's own order with the same
 * primitives and parameters, so the printer writes one statement per node, in node order:
 * <ul>
 *   <li>temporaries are labelled {@code %i} (i the node index), a form no user name takes; a
 *       temporary used once, right before its user, is written inline in its user's expression
 *       (at most {@value #MAX_INLINE} levels deep);</li>
 *   <li>constants are statements {@code %i = 2.5}, never literals in expressions, since the parser
 *       folds literals ({@code x * 2} is a weighted sum, {@code x * %3} a product);</li>
 *   <li>weighted sums are written {@code wsum(c0, c1, z1, ...)}, constant exponents {@code a ^ p},
 *       implicit constraints {@code implicit(u, g)};</li>
 *   <li>a node of a cyclic block that reads a later node, and an input that stands before an input
 *       with a smaller index, are created by {@code declare} at their place and defined as soon as
 *       what they read exists;</li>
 *   <li>names that are not plain identifiers (with integer indices) are back-quoted;
 *       numbers are written by {@link Double#toString(double)}, which reads back exactly;</li>
 *   <li>consecutive scalar inputs {@code x[1], x[2], ...} as one statement {@code input x[1..4] = [..]};</li>
 *   <li>vector nodes in the language's vector forms: input nodes {@code input W[1..3, 1..4] = [..]}
 *       with their index bases, {@code W @ x}, {@code a + b}, {@code a * b} (entry by entry),
 *       {@code c * a}, {@code s * a}, {@code tanh(a)}, {@code dot(a, b)}, {@code h[2]},
 *       {@code x[1..3]} or {@code [a, b]} (stack), copies {@code v = a}.</li>
 * </ul>
 * O(n + arguments) time.
 */
public final class LagPrinter {
    /** The deepest nesting of inlined temporaries, well below the parser's expression depth limit. */
    static final int MAX_INLINE = 16;

    private final Program p;
    private final String[] label;
    private final boolean[] inline;
    private final StringBuilder out = new StringBuilder();

    private LagPrinter(Program p) {
        this.p = p;
        int n = p.size();
        label = new String[n];
        for (int i = 0; i < n; i++) {
            label[i] = p.name(i) != null ? Names.format(p.name(i)) : "%" + i;
        }
        inline = new boolean[n];
    }

    /**
     * The program as {@code .lag} source.
     *
     * @throws IllegalArgumentException for a node no builder can make (an unnamed node that reads a
     *     later node, a named constant), for an input block without a name or out of input order,
     *     and for a sparse matrix or its product ({@code sparseMatvec}), which the language cannot write
     */
    public static String print(Program program) {
        return new LagPrinter(program).write();
    }

    private String write() {
        int n = p.size();
        for (int i = 0; i < n; i++) {
            // A sparse matrix's pattern has no .lag form: refuse its product and its input block.
            if (p.isVector(i) && (p.vectorPrimitive(i) == VectorPrimitive.SPARSE_MATVEC
                    || p.vectorPrimitive(i) == VectorPrimitive.INPUT && p.parameters(i)[2] == 0)) {
                throw new IllegalArgumentException((p.vectorPrimitive(i) == VectorPrimitive.INPUT ? "sparse matrix "
                        : "sparse matrix product ") + p.label(i) + " has no .lag form");
            }
        }
        boolean[] deferred = chooseInline();
        TreeMap<Integer, Integer> waitingInputs = new TreeMap<>();
        PriorityQueue<int[]> waitingDefinitions = new PriorityQueue<>((u, v) -> Integer.compare(u[0], v[0]));
        int nextInput = 0;
        for (int i = 0; i < n; i++) {
            if (inline[i]) {
                continue; // written inside its user's statement
            }
            if (p.isVector(i) && p.vectorPrimitive(i) == VectorPrimitive.INPUT) {
                if (p.inputIndex(i) != nextInput || !waitingInputs.isEmpty() || p.name(i) == null) {
                    throw new IllegalArgumentException("input block " + p.label(i)
                            + (p.name(i) == null ? " has no name" : " stands out of input order"));
                }
                inputBlock(i);
                nextInput += p.width(i);
            } else if (!p.isVector(i) && p.primitive(i) == Primitive.INPUT) {
                int k = p.inputIndex(i);
                if (k != nextInput) {
                    out.append("declare ").append(label[i]).append('\n');
                    waitingInputs.put(k, i);
                    continue;
                }
                int m = family(i);
                if (m > 1) {
                    inputFamily(i, m);
                    i += m - 1;
                } else {
                    input(i);
                }
                nextInput += m;
                Integer next;
                while ((next = waitingInputs.remove(nextInput)) != null) {
                    input(next);
                    nextInput++;
                }
            } else if (!p.isVector(i) && p.primitive(i) == Primitive.CONSTANT) {
                if (p.name(i) != null) {
                    throw new IllegalArgumentException("constant node " + i + " is named '" + p.name(i) + "'");
                }
                out.append(label[i]).append(" = ").append(number(p.parameters(i)[0])).append('\n');
            } else if (deferred[i]) {
                if (p.name(i) == null) {
                    throw new IllegalArgumentException("temporary " + p.label(i) + " reads a later node");
                }
                out.append("declare ").append(label[i]).append('\n');
                waitingDefinitions.add(new int[] {maxArgument(i), i});
            } else {
                definition(i);
            }
            while (!waitingDefinitions.isEmpty() && waitingDefinitions.peek()[0] <= i) {
                definition(waitingDefinitions.poll()[1]);
            }
        }
        out.append("output");
        for (int k = 0; k < p.outputCount(); k++) {
            out.append(k == 0 ? " " : ", ").append(label[p.output(k)]);
        }
        out.append('\n');
        for (int i : p.initializedNodes()) {
            out.append("init ").append(label[i]).append(" = ").append(number(p.initialValue(i))).append('\n');
        }
        return out.toString();
    }

    /**
     * Marks the temporaries written inline and returns the nodes that must be declared first. A
     * temporary t is inlined into its only user u when the nodes of u's expression tree are exactly
     * the nodes right before u, in the order the parser creates them (arguments left to right).
     */
    private boolean[] chooseInline() {
        int n = p.size();
        int[] uses = new int[n];
        for (int i = 0; i < n; i++) {
            for (int a : p.arguments(i)) {
                uses[a]++;
            }
        }
        for (int k = 0; k < p.outputCount(); k++) {
            uses[p.output(k)]++;
        }
        for (int i : p.initializedNodes()) {
            uses[i]++;
        }
        boolean[] deferred = new boolean[n];
        int[] first = new int[n];
        int[] height = new int[n];
        for (int i = 0; i < n; i++) {
            first[i] = i;
            if (isLeaf(i)) {
                continue;
            }
            if (maxArgument(i) > i) {
                deferred[i] = true;
                continue;
            }
            if (isCopy(i)) {
                continue; // written 'name = label': nothing to inline into
            }
            int[] a = p.arguments(i);
            int expected = i - 1;
            for (int k = a.length - 1; k >= 0; k--) {
                int j = a[k];
                if (j == expected && p.name(j) == null && uses[j] == 1 && !deferred[j] && !isLeaf(j) && !isCopy(j)
                        && height[j] < MAX_INLINE) {
                    inline[j] = true;
                    expected = first[j] - 1;
                    height[i] = Math.max(height[i], height[j] + 1);
                }
            }
            first[i] = expected + 1;
        }
        return deferred;
    }

    /** Inputs and constants: written as statements of their own, never inline. */
    private boolean isLeaf(int i) {
        if (p.isVector(i)) {
            return p.vectorPrimitive(i) == VectorPrimitive.INPUT;
        }
        return p.primitive(i) == Primitive.INPUT || p.primitive(i) == Primitive.CONSTANT;
    }

    /** Copies {@code a = b}, scalar or vector. */
    private boolean isCopy(int i) {
        return p.isVector(i) ? p.vectorPrimitive(i) == VectorPrimitive.COPY : p.primitive(i) == Primitive.IDENTITY;
    }

    private int maxArgument(int i) {
        int max = -1;
        for (int a : p.arguments(i)) {
            max = Math.max(max, a);
        }
        return max;
    }

    private void input(int i) {
        out.append("input ").append(label[i]);
        double value = p.inputDefault(p.inputIndex(i));
        if (!Double.isNaN(value)) {
            out.append(" = ").append(number(value));
        }
        out.append('\n');
    }

    /**
     * The number of scalar inputs from node {@code i} on that are one family {@code x[k], x[k+1], ...}:
     * consecutive nodes, consecutive input indices and consecutive single indices of one stem.
     */
    private int family(int i) {
        String stem = stem(i);
        if (stem == null || stem.indexOf('[') >= 0 || p.nodeNamed(stem) >= 0) {
            return 1;
        }
        int first = index(i);
        int j = i + 1;
        while (j < p.size() && !p.isVector(j) && p.primitive(j) == Primitive.INPUT
                && p.inputIndex(j) == p.inputIndex(i) + (j - i) && stem.equals(stem(j)) && index(j) == first + (j - i)) {
            j++;
        }
        return j - i;
    }

    /** {@code input x[1..4] = [d1, d2, d3, d4]}: m scalar inputs in one statement. */
    private void inputFamily(int i, int m) {
        int first = index(i);
        out.append("input ").append(stem(i)).append('[').append(first).append("..").append(first + m - 1).append(']');
        defaults(p.inputIndex(i), m);
        out.append('\n');
    }

    /** {@code " = d"} when the m defaults from input k0 on are one value, {@code " = [..]"} when not, nothing when all are NaN. */
    private void defaults(int k0, int m) {
        boolean same = true;
        for (int k = 1; k < m; k++) {
            same &= Double.doubleToLongBits(p.inputDefault(k0 + k)) == Double.doubleToLongBits(p.inputDefault(k0));
        }
        if (same && !Double.isNaN(p.inputDefault(k0))) {
            out.append(" = ").append(number(p.inputDefault(k0)));
        } else if (!same) {
            out.append(" = [");
            for (int k = 0; k < m; k++) {
                out.append(k == 0 ? "" : ", ").append(number(p.inputDefault(k0 + k)));
            }
            out.append(']');
        }
    }

    /** The part of node j's name before its last index when the name is a bare {@code stem[int]}, else null. */
    private String stem(int j) {
        String name = p.name(j);
        int open = name == null ? -1 : name.lastIndexOf('[');
        return open > 0 && Names.isBare(name) ? name.substring(0, open) : null;
    }

    /** The last index of node j's name (after {@link #stem} found one). */
    private int index(int j) {
        String name = p.name(j);
        return Integer.parseInt(name.substring(name.lastIndexOf('[') + 1, name.length() - 1));
    }

    /**
     * {@code input W[r0..r1, c0..c1] = d}: one matrix or vector input node ({@code x[r0..r1, c0]}
     * for a single column), with one default, none, or a row-major list {@code [d1, d2, ...]}.
     */
    private void inputBlock(int i) {
        double[] c = p.parameters(i);
        int k0 = (int) c[0];
        int w = (int) c[1];
        int cols = (int) c[2];
        int rowBase = (int) c[3];
        int colBase = (int) c[4];
        out.append("input ").append(label[i]).append('[');
        range(rowBase, w / cols);
        out.append(", ");
        range(colBase, cols);
        out.append(']');
        defaults(k0, w);
        out.append('\n');
    }

    /** {@code lo..hi}, or {@code lo} alone for one index. */
    private void range(int lo, int count) {
        out.append(lo);
        if (count > 1) {
            out.append("..").append(lo + count - 1);
        }
    }

    private void definition(int i) {
        out.append(label[i]).append(" = ");
        if (isCopy(i)) {
            out.append(label[p.arguments(i)[0]]);
        } else {
            expression(i);
        }
        out.append('\n');
    }

    /** The right-hand side that makes the parser create node {@code i} (and its inlined arguments). */
    private void expression(int i) {
        if (p.isVector(i)) {
            vectorExpression(i);
            return;
        }
        scalarExpression(p.primitive(i), p.arguments(i), p.parameters(i));
    }

    /** {@code f} applied to the nodes a with parameters c, as the parser reads it: of scalars, or entry by entry of vectors. */
    private void scalarExpression(Primitive f, int[] a, double[] c) {
        switch (f) {
            case NEG -> {
                out.append('-');
                operand(a[0]);
            }
            case ADD, SUB, MUL, DIV -> {
                operand(a[0]);
                out.append(' ').append(f.symbol()).append(' ');
                operand(a[1]);
            }
            case POWC -> {
                operand(a[0]);
                out.append(" ^ ").append(number(c[0]));
            }
            case WEIGHTED_SUM -> {
                if (a.length == 1 && c[1] == 1) {
                    operand(a[0]); // the parser's form of z + c
                    out.append(" + ").append(number(c[0]));
                    return;
                }
                if (a.length == 1 && Double.doubleToRawLongBits(c[0]) == 0) {
                    out.append(number(c[1])).append(" * "); // the parser's form of c * z
                    operand(a[0]);
                    return;
                }
                out.append("wsum(").append(number(c[0]));
                for (int k = 0; k < a.length; k++) {
                    out.append(", ").append(number(c[k + 1])).append(", ");
                    argument(a[k]);
                }
                out.append(')');
            }
            default -> call(f.symbol(), a); // functions, pow, max, min, implicit
        }
    }

    /**
     * A vector node's right-hand side: {@code W @ x}, {@code a + b}, {@code a - b}, {@code a * b}
     * (entry by entry), {@code c * a}, {@code s * a}, or a call {@code tanh(a)}, {@code dot(a, b)},
     * {@code sum(a)}, ...
     */
    private void vectorExpression(int i) {
        VectorPrimitive f = p.vectorPrimitive(i);
        int[] a = p.arguments(i);
        switch (f) {
            case MATVEC, ADD, SUB, HADAMARD, SCALE_BY -> {
                operand(a[0]);
                out.append(' ').append(f == VectorPrimitive.SCALE_BY ? "*" : f.symbol()).append(' ');
                operand(a[1]);
            }
            case MATVEC_T -> { // arguments (y, W): y @ W
                operand(a[0]);
                out.append(" @ ");
                operand(a[1]);
            }
            case SCALE -> {
                out.append(number(p.parameters(i)[1])).append(" * ");
                operand(a[0]);
            }
            case AFFINE -> {
                double[] c = p.parameters(i); // (w, c0, c1)
                if (c[2] == 1) {
                    operand(a[0]); // the parser's form of v + c
                    out.append(" + ").append(number(c[1]));
                } else if (c[2] == -1) {
                    out.append(number(c[1])).append(" - "); // the parser's form of c - v
                    operand(a[0]);
                } else {
                    out.append("wsum(").append(number(c[1])).append(", ").append(number(c[2])).append(", ");
                    argument(a[0]);
                    out.append(')');
                }
            }
            case ELEMENT -> {
                operand(a[0]);
                int k = (int) p.parameters(i)[0];
                int v = a[0];
                if (p.isVector(v) && p.vectorPrimitive(v) == VectorPrimitive.INPUT) {
                    double[] c = p.parameters(v); // (first, w, cols, rowBase, colBase)
                    int cols = (int) c[2];
                    out.append('[').append(k / cols + (int) c[3]);
                    if (cols > 1) {
                        out.append(", ").append(k % cols + (int) c[4]);
                    }
                    out.append(']');
                } else {
                    out.append('[').append(k + 1).append(']');
                }
            }
            case STACK -> {
                String slice = slice(a);
                if (slice != null) {
                    out.append(slice);
                    return;
                }
                list('[', a, ']');
            }
            // v / w, v ^ 3, max(v, w), tanh(v): the scalar forms, which the parser applies entry by entry
            case MAP -> scalarExpression(p.scalarFunction(i), a, new double[] {p.parameters(i)[2]});
            case ZIP -> scalarExpression(p.scalarFunction(i), a, new double[0]);
            default -> call(p.symbol(i), a); // reductions: the function of that name
        }
    }

    /**
     * {@code x[3..5]} when the stacked nodes are the named scalars x[3], x[4], x[5] (at least two,
     * none inlined), else null.
     */
    private String slice(int[] a) {
        if (a.length < 2) {
            return null;
        }
        String stem = stem(a[0]);
        if (stem == null) {
            return null;
        }
        int first = index(a[0]);
        for (int k = 0; k < a.length; k++) {
            if (inline[a[k]] || !stem.equals(stem(a[k])) || index(a[k]) != first + k) {
                return null;
            }
        }
        return p.nodeNamed(stem) >= 0 ? null : stem + "[" + first + ".." + (first + a.length - 1) + "]";
    }

    /** {@code name(a1, a2, ...)}. */
    private void call(String name, int[] a) {
        out.append(name);
        list('(', a, ')');
    }

    /** The arguments, comma-separated between {@code open} and {@code close}. */
    private void list(char open, int[] a, char close) {
        out.append(open);
        for (int k = 0; k < a.length; k++) {
            if (k > 0) {
                out.append(", ");
            }
            argument(a[k]);
        }
        out.append(close);
    }

    /** An operand of an operator: a label, a call, or an inlined operator expression in parentheses. */
    private void operand(int j) {
        if (inline[j] && isCall(j)) {
            expression(j);
        } else if (inline[j]) {
            out.append('(');
            expression(j);
            out.append(')');
        } else {
            out.append(label[j]);
        }
    }

    /** A function argument: a label or an inlined expression. */
    private void argument(int j) {
        if (inline[j]) {
            expression(j);
        } else {
            out.append(label[j]);
        }
    }

    /** Whether node {@code j} is written as a call {@code f(...)}, which needs no parentheses. */
    private boolean isCall(int j) {
        if (p.isVector(j)) {
            return switch (p.vectorPrimitive(j)) {
                case MATVEC, MATVEC_T, ADD, SUB, HADAMARD, SCALE, SCALE_BY, ELEMENT -> false;
                case AFFINE -> Math.abs(p.parameters(j)[2]) != 1;
                case MAP, ZIP -> isCall(p.scalarFunction(j), 1); // v / w and v ^ 3 are operators
                default -> true;
            };
        }
        return isCall(p.primitive(j), p.arity(j));
    }

    private static boolean isCall(Primitive f, int arity) {
        return switch (f) {
            case NEG, ADD, SUB, MUL, DIV, POWC -> false;
            case WEIGHTED_SUM -> arity != 1;
            default -> true;
        };
    }

    private static String number(double v) {
        return Double.toString(v);
    }
}
