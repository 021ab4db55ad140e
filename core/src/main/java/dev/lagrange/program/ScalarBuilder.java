package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scalar half of {@link Program.Builder}: inputs, constants, placeholders, and one method per
 * scalar primitive ({@code add}, {@code sin}, {@code weightedSum}, ...), each recording one node
 * straight into the pools, without an argument array, since recording is on the path of every node
 * of a large program.
 */
abstract class ScalarBuilder extends RecordedNodes {
    ScalarBuilder(int capacity) {
        super(capacity);
    }

    private final Map<Long, Var> constants = new HashMap<>();

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
     * Declares a variable that is defined later by {@link Program.Builder#define} or {@link Program.Builder#defineVector}: a use
     * before definition. Its width is deferred: a scalar until a vector operation uses it as an
     * operand, which fixes the width that operation implies (the column count of W in
     * {@code matvec(W, v)} and of A in {@code sparseMatvec(A, v)}, the other operand's width in
     * {@code vectorAdd(r, v)}, 1 in {@link Program.Builder#stack}), or until it is defined, when it takes its
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

    Var apply(String name, Primitive f, double[] p, Var... arguments) {
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

    Var unary(Primitive f, Var a) {
        return new Var(this, unary(f, own(a)));
    }

    Var binary(Primitive f, Var a, Var b) {
        return new Var(this, binary(f, own(a), own(b)));
    }

    Var affine(double c0, double c, Var a) {
        return new Var(this, affine(c0, c, own(a)));
    }

    // The recording cores, on builder ids: the Var methods above and the id view (ids()) both
    // end here, so that the two record identical programs at the same cost per node.

    /** {@code f(a)} for a unary primitive without parameter. */
    int unary(Primitive f, int ia) {
        int id = temporary(f, 1);
        argPool[argCount++] = ia;
        inOrder &= ia < id;
        return id;
    }

    /** {@code f(a, b)} for a binary primitive without parameter. */
    int binary(Primitive f, int ia, int ib) {
        int id = temporary(f, 2);
        argPool[argCount] = ia;
        argPool[argCount + 1] = ib;
        argCount += 2;
        inOrder &= ia < id & ib < id;
        return id;
    }

    /** {@code c0 + c a}, as a weighted sum. */
    int affine(double c0, double c, int ia) {
        int id = temporary(Primitive.WEIGHTED_SUM, 1);
        appendParameter(c0);
        appendParameter(c);
        argPool[argCount++] = ia;
        inOrder &= ia < id;
        return id;
    }

    /** {@code a^p} for a constant exponent. */
    int powc(int ia, double p) {
        int id = temporary(Primitive.POWC, 1);
        appendParameter(p);
        argPool[argCount++] = ia;
        inOrder &= ia < id;
        return id;
    }

    /** {@code c_0 + sum_k c_k z_k} over ids. */
    int weightedSum(double c0, double[] c, int[] z) {
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

    void checkApplication(Primitive f, double[] p, Var[] arguments) {
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
}
