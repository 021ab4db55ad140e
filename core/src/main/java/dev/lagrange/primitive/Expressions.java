package dev.lagrange.primitive;

import java.util.function.Supplier;

/**
 * The algebra a primitive's symbolic partial is written in ({@link Primitive#adjointPartial}):
 * expressions of type {@code V} built from primitives, as a JAX {@code defjvp} rule is written in
 * JAX operations. The adjoint transformation implements it with a program builder, so each partial
 * becomes nodes of the gradient program; a rule must spell the same floating-point operations as the
 * primitive's {@code partialA}/{@code partialB}, so that the two agree to the last bit.
 *
 * @param <V> an expression (a variable of the program being built)
 */
public interface Expressions<V> {
    /** The smallest positive double, 2^-1074: the guard of {@link #step} and {@link #sign}. */
    double TINY = Double.MIN_VALUE;

    /** The constant {@code c}, a node of its own. */
    V constant(double c);

    /** {@code f(a)} for a unary primitive without parameter. */
    V apply(Primitive f, V a);

    /** {@code f(a, b)} for a binary primitive without parameter. */
    V apply(Primitive f, V a, V b);

    /** {@code c0 + c1 a}: one weighted sum (so {@code 0 + -1 a} is {@code -a} exactly). */
    V affine(double c0, double c1, V a);

    /** {@code a^e} for a constant exponent ({@link Primitive#POWC}). */
    V powc(V a, double e);

    /**
     * {@code [t > 0] = min(2 (relu(t) / (relu(t) + 2^-1074)), 1)}: exactly 0 or 1 for finite t, since
     * for t > 0 the ratio lies in [1/2, 1]. {@code t} is built twice, so that it prints inline.
     */
    default V step(Supplier<V> t) {
        V ratio = apply(Primitive.DIV, apply(Primitive.RELU, t.get()), affine(TINY, 1, apply(Primitive.RELU, t.get())));
        return apply(Primitive.MIN, affine(0, 2, ratio), constant(1));
    }

    /** {@code sign(t) = min(max(2 (t / (abs(t) + 2^-1074)), -1), 1)}: exactly -1, 0 or 1 for finite t. */
    default V sign(Supplier<V> t) {
        V ratio = apply(Primitive.DIV, t.get(), affine(TINY, 1, apply(Primitive.ABS, t.get())));
        return apply(Primitive.MIN, apply(Primitive.MAX, affine(0, 2, ratio), constant(-1)), constant(1));
    }
}
