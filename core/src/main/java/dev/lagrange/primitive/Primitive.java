package dev.lagrange.primitive;

import static dev.lagrange.primitive.Primitive.Flag.FUNCTION;

import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;
import org.apache.commons.math3.special.Erf;

/**
 * The local functions {@code f_i} a constraint {@code z_i = f_i(z_alpha(i))} may apply, each declared
 * once, in one place: its language name and flags (a function called by name in {@code .lag}, an
 * elementwise map of vectors), its value, its local partials, its second partials, its symbolic
 * partial for the adjoint program (an expression of primitives spelling the same floating-point
 * operations as the partial, see {@link Expressions}), and a forward-mode
 * {@link DerivativeStructure} version that derives the same derivatives by its own rules (the
 * independent oracle the gradient checks and tests use). The parser's function table, the reserved
 * words, the adjoint transformation and the sweeps' generic paths are derived from these
 * declarations; adding a primitive is adding a constant here (see docs/architecture.md).
 *
 * <p>Arguments arrive as {@code a} and {@code b} (b is unused by unary primitives); {@code p} is the
 * constraint's constant parameter where it has one ({@link #CONSTANT}, {@link #POWC}). Partials are
 * written to {@code d[0] = df/da} and {@code d[1] = df/db}; they may use the already computed value
 * {@code z = f(a, b)} (as {@code exp' = exp}). {@link #WEIGHTED_SUM} is the one variadic primitive,
 * {@code z = c_0 + sum_k c_k z_k}, with its coefficients as parameters; its partials are the
 * coefficients.
 *
 * <p>Conventions at kinks: {@code abs'(0) = 0}, {@code relu'(0) = 0}, and {@code max}/{@code min} send
 * the derivative to the first argument on ties; second partials are 0 at kinks.
 */
public enum Primitive {
    /** An input's constraint {@code z_i = x_i}: the value comes from the input vector, not from arguments. */
    INPUT("input", 0) {
        @Override public double value(double a, double b, double p) { return p; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            throw new UnsupportedOperationException("an input has no local function");
        }
    },
    /** {@code z = p}. */
    CONSTANT("const", 0) {
        @Override public double value(double a, double b, double p) { return p; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            throw new UnsupportedOperationException("a constant has no arguments");
        }
    },
    /** {@code z = a}: names an existing value, or closes a cycle. */
    IDENTITY("id", 1) {
        @Override public double value(double a, double b, double p) { return a; }
        @Override public double partialA(double a, double b, double p, double z) { return 1; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return null; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a; }
    },
    /**
     * The constraint of an unknown u defined implicitly by an equation {@code g = 0} of a
     * {@code solve} block: {@code z_u = a - b} with {@code a = z_u} itself and {@code b = g}, so that
     * the constraint's residual {@code z_u - f_u} is {@code g}. Always part of a cyclic block, so the
     * adjoint program (acyclic programs only) has no rule for it.
     */
    IMPLICIT("implicit", 2, FUNCTION) {
        @Override public double value(double a, double b, double p) { return a - b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1; }
        @Override public double partialB(double a, double b, double p, double z) { return -1; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double partialAB(double a, double b, double p, double z) { return 0; }
        @Override public double partialBB(double a, double b, double p, double z) { return 0; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.subtract(b); }
    },
    NEG("neg", 1) {
        @Override public double value(double a, double b, double p) { return -a; }
        @Override public double partialA(double a, double b, double p, double z) { return -1; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double adjointCoefficient(int k, double p) { return -1; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return null; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.negate(); }
    },
    ADD("+", 2) {
        @Override public double value(double a, double b, double p) { return a + b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1; }
        @Override public double partialB(double a, double b, double p, double z) { return 1; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double partialAB(double a, double b, double p, double z) { return 0; }
        @Override public double partialBB(double a, double b, double p, double z) { return 0; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return null; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.add(b); }
    },
    SUB("-", 2) {
        @Override public double value(double a, double b, double p) { return a - b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1; }
        @Override public double partialB(double a, double b, double p, double z) { return -1; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double partialAB(double a, double b, double p, double z) { return 0; }
        @Override public double partialBB(double a, double b, double p, double z) { return 0; }
        @Override public double adjointCoefficient(int k, double p) { return k == 0 ? 1 : -1; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return null; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.subtract(b); }
    },
    MUL("*", 2) {
        @Override public double value(double a, double b, double p) { return a * b; }
        @Override public double partialA(double a, double b, double p, double z) { return b; }
        @Override public double partialB(double a, double b, double p, double z) { return a; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double partialAB(double a, double b, double p, double z) { return 1; }
        @Override public double partialBB(double a, double b, double p, double z) { return 0; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return k == 0 ? b : a; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.multiply(b); }
    },
    DIV("/", 2, Domain.REALS, Domain.NONZERO) {
        @Override public double value(double a, double b, double p) { return a / b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1 / b; }
        @Override public double partialB(double a, double b, double p, double z) { return -z / b; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double partialAB(double a, double b, double p, double z) { return -1 / (b * b); }
        @Override public double partialBB(double a, double b, double p, double z) { return 2 * z / (b * b); }
        @Override public double adjointCoefficient(int k, double p) { return k == 0 ? 1 : -1; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return k == 0 ? e.apply(DIV, e.constant(1), b) : e.apply(DIV, z, b);
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.divide(b); }
    },
    /** {@code z = a^b} for a variable exponent; {@code dz/db = z log a} is taken as 0 at {@code a = 0}. */
    POW("pow", 2, Domain.POSITIVE, Domain.REALS, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.pow(a, b); }
        @Override public double partialA(double a, double b, double p, double z) {
            return b == 0 ? 0 : b * Math.pow(a, b - 1);
        }
        @Override public double partialB(double a, double b, double p, double z) {
            return a == 0 ? 0 : z * Math.log(a);
        }
        @Override public double partialAA(double a, double b, double p, double z) {
            return b == 0 || b == 1 ? 0 : b * (b - 1) * Math.pow(a, b - 2);
        }
        @Override public double partialAB(double a, double b, double p, double z) {
            return Math.pow(a, b - 1) * (1 + b * Math.log(a));
        }
        @Override public double partialBB(double a, double b, double p, double z) {
            double l = a == 0 ? 0 : Math.log(a);
            return z * l * l;
        }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            // b * pow(a, b - 1), and z * log(max(a, 2^-1074)): log(0) would be -inf where 0 is the convention
            return k == 0 ? e.apply(MUL, b, e.apply(POW, a, e.affine(-1, 1, b)))
                    : e.apply(MUL, z, e.apply(LOG, e.apply(MAX, a, e.constant(Expressions.TINY))));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.pow(b); }
    },
    /** {@code z = a^p} for a constant exponent p (the parameter); exact for small integer p. */
    POWC("^", 1, Domain.NONZERO) {
        @Override public double value(double a, double b, double p) { return p == 2 ? a * a : Math.pow(a, p); }
        @Override public double partialA(double a, double b, double p, double z) {
            return p == 2 ? 2 * a : p == 1 ? 1 : p == 0 ? 0 : p * Math.pow(a, p - 1);
        }
        @Override public double partialAA(double a, double b, double p, double z) {
            return p == 2 ? 2 : p == 1 || p == 0 ? 0 : p * (p - 1) * Math.pow(a, p - 2);
        }
        @Override public double adjointCoefficient(int k, double p) { return p == 2 ? 2 : p == 0 ? 0 : 1; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return p == 1 ? null : p == 2 ? a : e.affine(0, p, e.powc(a, p - 1)); // 2 a: the coefficient 2 times a
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return p == Math.rint(p) && Math.abs(p) < Integer.MAX_VALUE ? a.pow((int) p) : a.pow(p);
        }
    },
    EXP("exp", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.exp(a); }
        @Override public double partialA(double a, double b, double p, double z) { return z; }
        @Override public double partialAA(double a, double b, double p, double z) { return z; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return z; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.exp(); }
    },
    LOG("log", 1, Domain.POSITIVE, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.log(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 1 / a; }
        @Override public double partialAA(double a, double b, double p, double z) { return -1 / (a * a); }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.apply(DIV, e.constant(1), a);
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.log(); }
    },
    SIN("sin", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.sin(a); }
        @Override public double partialA(double a, double b, double p, double z) { return Math.cos(a); }
        @Override public double partialAA(double a, double b, double p, double z) { return -z; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return e.apply(COS, a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.sin(); }
    },
    COS("cos", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.cos(a); }
        @Override public double partialA(double a, double b, double p, double z) { return -Math.sin(a); }
        @Override public double partialAA(double a, double b, double p, double z) { return -z; }
        @Override public double adjointCoefficient(int k, double p) { return -1; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return e.apply(SIN, a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.cos(); }
    },
    TAN("tan", 1, Domain.TAN, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.tan(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 1 + z * z; }
        @Override public double partialAA(double a, double b, double p, double z) { return 2 * z * (1 + z * z); }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.affine(1, 1, e.powc(z, 2));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.tan(); }
    },
    TANH("tanh", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.tanh(a); }
        /**
         * {@code 1 - tanh(a)^2 = 4 sigmoid(2a) sigmoid(-2a)}: both sigmoids read {@code u = exp(-2|a|)},
         * so this is {@code 4 (1 / (1 + u)) (u / (1 + u))}, within a few ulps over the whole range (at
         * a = 20 it is 1.7e-17, where {@code 1 - z^2} from the rounded z gives 0). The adjoint program
         * writes the same sigmoids, bit for bit.
         */
        @Override public double partialA(double a, double b, double p, double z) {
            double u = Math.exp(-2 * Math.abs(a));
            double q = 1 + u;
            return 4 * ((1 / q) * (u / q));
        }
        @Override public double partialAA(double a, double b, double p, double z) {
            return -2 * z * partialA(a, b, p, z);
        }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.affine(0, 4, e.apply(MUL, e.apply(SIGMOID, e.affine(0, 2, a)), e.apply(SIGMOID, e.affine(0, -2, a))));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.tanh(); }
    },
    /** {@code z = 1 / (1 + exp(-a))}, evaluated without overflow for either sign of a. */
    SIGMOID("sigmoid", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) {
            if (a >= 0) {
                return 1 / (1 + Math.exp(-a));
            }
            double e = Math.exp(a);
            return e / (1 + e);
        }
        /**
         * {@code sigmoid(a) (1 - sigmoid(a)) = z sigmoid(-a)}: {@code 1 - z} from the rounded z loses
         * all relative accuracy for large a (at a = 30 it is off by 1e-3), {@code sigmoid(-a)} keeps it.
         */
        @Override public double partialA(double a, double b, double p, double z) { return z * value(-a, 0, 0); }
        /** {@code s' (1 - 2 s)}, with {@code 1 - 2 s = -tanh(a / 2)}: no cancellation near 0 nor for large a. */
        @Override public double partialAA(double a, double b, double p, double z) {
            return -partialA(a, b, p, z) * Math.tanh(0.5 * a);
        }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.apply(MUL, z, e.apply(SIGMOID, e.apply(NEG, a)));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            // The same two branches as the value, so that exp never overflows to 0 * infinity.
            if (a.getValue() >= 0) {
                return a.negate().exp().add(1).reciprocal();
            }
            DerivativeStructure e = a.exp();
            return e.divide(e.add(1));
        }
    },
    SQRT("sqrt", 1, Domain.POSITIVE, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.sqrt(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 0.5 / z; }
        @Override public double partialAA(double a, double b, double p, double z) { return -0.25 / (a * z); }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.apply(DIV, e.constant(0.5), z);
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.sqrt(); }
    },
    ABS("abs", 1, Domain.NONZERO, FUNCTION) {
        @Override public String kink(double a, double b, double p) {
            return a == 0 ? "abs is not differentiable at 0: abs'(0) = 0 and abs''(0) = 0 are used"
                    : null;
        }
        @Override public double value(double a, double b, double p) { return Math.abs(a); }
        @Override public double partialA(double a, double b, double p, double z) { return a > 0 ? 1 : a < 0 ? -1 : 0; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return e.sign(() -> a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            // DerivativeStructure.abs() gives +-1 at +-0; the convention here is abs'(0) = 0.
            return a.getValue() == 0 ? a.multiply(0) : a.abs();
        }
    },
    RELU("relu", 1, Domain.NONZERO, FUNCTION) {
        @Override public String kink(double a, double b, double p) {
            return a == 0 ? "relu is not differentiable at 0: relu'(0) = 0 (the left derivative) and relu''(0) = 0 are used"
                    : null;
        }
        @Override public double value(double a, double b, double p) { return a > 0 ? a : 0; }
        @Override public double partialA(double a, double b, double p, double z) { return a > 0 ? 1 : 0; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return e.step(() -> a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() > 0 ? a : a.multiply(0);
        }
    },
    MAX("max", 2, FUNCTION) {
        @Override public String kink(double a, double b, double p) {
            return a == b ? "max is not differentiable where its arguments tie: the derivative goes to the first argument, the second derivatives are 0"
                    : null;
        }
        @Override public double value(double a, double b, double p) { return a >= b ? a : b; }
        @Override public double partialA(double a, double b, double p, double z) { return a >= b ? 1 : 0; }
        @Override public double partialB(double a, double b, double p, double z) { return a >= b ? 0 : 1; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double partialAB(double a, double b, double p, double z) { return 0; }
        @Override public double partialBB(double a, double b, double p, double z) { return 0; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            // 1 - [b > a] and [b > a]: ties go to a
            V above = e.step(() -> e.apply(SUB, b, a));
            return k == 0 ? e.affine(1, -1, above) : above;
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() >= b.getValue() ? a : b;
        }
    },
    MIN("min", 2, FUNCTION) {
        @Override public String kink(double a, double b, double p) {
            return a == b ? "min is not differentiable where its arguments tie: the derivative goes to the first argument, the second derivatives are 0"
                    : null;
        }
        @Override public double value(double a, double b, double p) { return a <= b ? a : b; }
        @Override public double partialA(double a, double b, double p, double z) { return a <= b ? 1 : 0; }
        @Override public double partialB(double a, double b, double p, double z) { return a <= b ? 0 : 1; }
        @Override public double partialAA(double a, double b, double p, double z) { return 0; }
        @Override public double partialAB(double a, double b, double p, double z) { return 0; }
        @Override public double partialBB(double a, double b, double p, double z) { return 0; }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            // 1 - [a > b] and [a > b]: ties go to a
            V above = e.step(() -> e.apply(SUB, a, b));
            return k == 0 ? e.affine(1, -1, above) : above;
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() <= b.getValue() ? a : b;
        }
    },
    /** {@code z = log(1 + exp(a))}, evaluated without overflow; its derivative is the sigmoid. */
    SOFTPLUS("softplus", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) {
            return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
        }
        @Override public double partialA(double a, double b, double p, double z) { return SIGMOID.value(a, 0, 0); }
        @Override public double partialAA(double a, double b, double p, double z) {
            return SIGMOID.partialA(a, 0, 0, SIGMOID.value(a, 0, 0));
        }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return e.apply(SIGMOID, a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() > 0 ? a.add(a.negate().exp().log1p()) : a.exp().log1p();
        }
    },
    /**
     * {@code z = c_0 + sum_k c_k z_k}, the n-ary weighted sum (Bellman backups, layers); parameters
     * {@code c_0, c_1, ..., c_k}, one more than the arguments; {@code dz/dz_k = c_k}, second partials 0.
     */
    WEIGHTED_SUM("wsum", Primitive.VARIADIC, FUNCTION) {
        @Override public double value(double a, double b, double p) {
            throw new UnsupportedOperationException("the weighted sum is variadic: use valueOf/partialOf");
        }
        @Override public double partialA(double a, double b, double p, double z) {
            throw new UnsupportedOperationException("the weighted sum is variadic: use its coefficients");
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            throw new UnsupportedOperationException("the weighted sum is variadic");
        }
    },
    /**
     * The error function {@code 2/sqrt(pi) int_0^a exp(-t^2) dt} (see {@link #erf}).
     * Its forward-mode version composes the closed-form derivatives, so its independent check is
     * against high-precision values (the references test).
     */
    ERF("erf", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return erf(a); }
        @Override public double partialA(double a, double b, double p, double z) { return TWO_OVER_SQRT_PI * Math.exp(-(a * a)); }
        @Override public double partialAA(double a, double b, double p, double z) { return -2 * a * partialA(a, b, p, z); }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.affine(0, TWO_OVER_SQRT_PI, e.apply(EXP, e.affine(0, -1, e.powc(a, 2))));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            double x = a.getValue();
            double d1 = partialA(x, 0, 0, 0);
            // erf^(n+1)(x) = H-polynomials times erf'(x): d1, -2x d1, (4x^2 - 2) d1, (12x - 8x^3) d1
            double[] f = {value(x, 0, 0), d1, -2 * x * d1, (4 * x * x - 2) * d1, (12 * x - 8 * x * x * x) * d1};
            if (a.getOrder() >= f.length) {
                throw new UnsupportedOperationException("erf in forward mode to order " + a.getOrder());
            }
            return a.compose(java.util.Arrays.copyOf(f, a.getOrder() + 1));
        }
    },
    /** {@code log(1 + a)}, accurate for small a. */
    LOG1P("log1p", 1, Domain.POSITIVE, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.log1p(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 1 / (1 + a); }
        @Override public double partialAA(double a, double b, double p, double z) {
            double d = 1 / (1 + a);
            return -(d * d);
        }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.apply(DIV, e.constant(1), e.affine(1, 1, a));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.log1p(); }
    },
    /** {@code exp(a) - 1}, accurate for small a. */
    EXPM1("expm1", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.expm1(a); }
        @Override public double partialA(double a, double b, double p, double z) { return Math.exp(a); }
        @Override public double partialAA(double a, double b, double p, double z) { return Math.exp(a); }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) { return e.apply(EXP, a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.expm1(); }
    },
    /** The principal arc tangent; {@code 1 / (1 + a^2)} flushes to 0 beyond |a| = 1e154, where it is below 1e-308. */
    ATAN("atan", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return Math.atan(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 1 / (1 + a * a); }
        @Override public double partialAA(double a, double b, double p, double z) {
            double d = partialA(a, b, p, z);
            return -2 * a * d * d;
        }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            return e.apply(DIV, e.constant(1), e.affine(1, 1, e.powc(a, 2)));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.atan(); }
    },
    /** The inverse hyperbolic sine, to a few ulps over the whole range (see {@link #asinh}). */
    ASINH("asinh", 1, FUNCTION) {
        @Override public double value(double a, double b, double p) { return asinh(a); }
        /**
         * {@code 1 / sqrt(1 + a^2)} as {@code r / sqrt(r^2 + s^2)} with {@code m = max(|a|, 1)},
         * {@code r = 1 / m}, {@code s = a / m}: no overflow of {@code a^2}, and a few ulps everywhere.
         */
        @Override public double partialA(double a, double b, double p, double z) {
            double m = MAX.value(Math.abs(a), 1, 0);
            double r = 1 / m;
            double s = a / m;
            return r / Math.sqrt(r * r + s * s);
        }
        @Override public double partialAA(double a, double b, double p, double z) {
            double d = partialA(a, b, p, z);
            return -a * d * d * d;
        }
        @Override public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
            V m = e.apply(MAX, e.apply(ABS, a), e.constant(1));
            V r = e.apply(DIV, e.constant(1), m);
            V s = e.apply(DIV, a, m);
            return e.apply(DIV, r, e.apply(SQRT, e.apply(ADD, e.powc(r, 2), e.powc(s, 2))));
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.asinh(); }
    };

    /** The arity of a primitive that takes any number of arguments. */
    public static final int VARIADIC = -1;

    /** What a primitive is besides its mathematics. */
    public enum Flag {
        /** Called by its name in {@code .lag}, {@code name(...)}; the name is then a reserved word. */
        FUNCTION
    }

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double LN2 = Math.log(2);
    private static final Primitive[] ALL = values();

    private final String symbol;
    private final int arity;
    private final Domain[] domains;
    private final Set<Flag> flags;

    Primitive(String symbol, int arity, Flag... flags) {
        this(symbol, arity, new Domain[0], flags);
    }

    Primitive(String symbol, int arity, Domain a, Flag... flags) {
        this(symbol, arity, new Domain[] {a}, flags);
    }

    Primitive(String symbol, int arity, Domain a, Domain b, Flag... flags) {
        this(symbol, arity, new Domain[] {a, b}, flags);
    }

    Primitive(String symbol, int arity, Domain[] domains, Flag[] flags) {
        this.symbol = symbol;
        this.arity = arity;
        if (domains.length == 0) {
            domains = new Domain[] {Domain.REALS, Domain.REALS};
        } else if (domains.length == 1) {
            domains = new Domain[] {domains[0], Domain.REALS};
        }
        this.domains = domains;
        this.flags = flags.length == 0 ? EnumSet.noneOf(Flag.class) : EnumSet.of(flags[0], flags);
    }

    /** The value {@code f(a, b)}; {@code b} is ignored by unary primitives, {@code p} is the parameter. */
    public abstract double value(double a, double b, double p);

    /**
     * The local partials at {@code (a, b)} given the value {@code z = f(a, b)}: {@link #partialA}
     * and, for a binary primitive, {@link #partialB}. A primitive without arguments writes nothing.
     *
     * @param d <i>Modified.</i> {@code d[0] = df/da}, and {@code d[1] = df/db} for binary primitives.
     */
    public final void partials(double a, double b, double p, double z, double[] d) {
        if (arity != 0) {
            d[0] = partialA(a, b, p, z);
            if (arity == 2) {
                d[1] = partialB(a, b, p, z);
            }
        }
    }

    /**
     * {@code df/da} at {@code (a, b)} given the value {@code z = f(a, b)}. Declared by every primitive
     * with arguments, next to its value; the hot sweeps call it directly, with no array to fill.
     */
    public double partialA(double a, double b, double p, double z) {
        throw new UnsupportedOperationException(this + " has no arguments");
    }

    /** {@code df/db} at {@code (a, b)} given the value {@code z = f(a, b)}; binary primitives only. */
    public double partialB(double a, double b, double p, double z) {
        throw new UnsupportedOperationException(this + " is not binary");
    }

    /**
     * The second partials at {@code (a, b)} given {@code z = f(a, b)}: {@code h[0] = d2f/da2}, and for
     * a binary primitive {@code h[1] = d2f/da db}, {@code h[2] = d2f/db2}. Nothing for sources; the
     * weighted sum, being linear, has none to write.
     *
     * @param h <i>Modified.</i> one entry for unary primitives, three for binary ones.
     */
    public final void secondPartials(double a, double b, double p, double z, double[] h) {
        if (arity == 1 || arity == 2) {
            h[0] = partialAA(a, b, p, z);
            if (arity == 2) {
                h[1] = partialAB(a, b, p, z);
                h[2] = partialBB(a, b, p, z);
            }
        }
    }

    /** {@code d2f/da2} at {@code (a, b)} given {@code z = f(a, b)}. */
    public double partialAA(double a, double b, double p, double z) {
        throw new UnsupportedOperationException(this + " has no arguments");
    }

    /** {@code d2f/da db}; binary primitives only. */
    public double partialAB(double a, double b, double p, double z) {
        throw new UnsupportedOperationException(this + " is not binary");
    }

    /** {@code d2f/db2}; binary primitives only. */
    public double partialBB(double a, double b, double p, double z) {
        throw new UnsupportedOperationException(this + " is not binary");
    }

    /**
     * The constant factor {@code c} of the adjoint program's term {@code c * lambda * partial} for
     * argument {@code k} (-1 for the second argument of a difference, 2 for {@code a^2}); 0 when the
     * argument receives nothing ({@code a^0}).
     */
    public double adjointCoefficient(int k, double p) {
        return 1;
    }

    /**
     * The partial {@code df/d(argument k)}, divided by {@link #adjointCoefficient}, as an expression
     * built with {@code e} from the argument expressions {@code a}, {@code b} and the node's value
     * {@code z}; null when it is 1 (the multiplier passes on scaled by the coefficient alone). It must
     * compute the same double as {@code partialA}/{@code partialB} by the same operations: the adjoint
     * program then reproduces back-substitution bit for bit (tested for every primitive).
     */
    public <V> V adjointPartial(int k, Expressions<V> e, V a, V b, V z, double p) {
        throw new UnsupportedOperationException("no adjoint rule for " + this);
    }

    /** The same function in forward-mode arithmetic: an independent source of its derivatives. */
    public abstract DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p);

    /** The symbol or function name used by the {@code .lag} language and in messages. */
    public String symbol() {
        return symbol;
    }

    /** Whether {@code .lag} calls it by name, {@code symbol()(...)}; its name is then a reserved word. */
    public boolean isFunction() {
        return flags.contains(Flag.FUNCTION);
    }

    /**
     * Whether {@code .lag} also applies it entry by entry to a vector ({@code tanh(v)}, one
     * {@link VectorPrimitive#MAP} node): every function of one argument.
     */
    public boolean isElementwise() {
        return arity == 1 && isFunction();
    }

    /** 0 for sources, 1 or 2, or {@link #VARIADIC}. */
    public int arity() {
        return arity;
    }

    /** Whether a constraint of this primitive carries a constant parameter. */
    public boolean hasParameter() {
        return this == CONSTANT || this == POWC;
    }

    /**
     * Null where this primitive is twice differentiable at (a, b); at a kink (abs and relu at 0, max
     * and min at a tie), what the declared partials use there instead: the one-sided values of the
     * conventions above. Declared beside the partials it explains; the Hessian commands warn with it.
     */
    public String kink(double a, double b, double p) {
        return null;
    }

    /** {@link #secondPartialPattern} bits: d2f/da2, d2f/da db, d2f/db2. */
    public static final int AA = 1;
    public static final int AB = 2;
    public static final int BB = 4;

    /**
     * Which second partials are structurally nonzero for the constant p: the bits {@link #AA},
     * {@link #AB}, {@link #BB}. Derived from the declared second partials, not declared again: they
     * are evaluated at four points drawn from the arguments' domains (fixed seed), and a partial that
     * is zero at all four is taken to vanish (an analytic function that does so vanishes everywhere,
     * and the piecewise-linear primitives declare 0). For the sparsity of Hessians: the pairs of
     * inputs a node makes interact.
     */
    public int secondPartialPattern(double p) {
        if (arity == 0) {
            return 0;
        }
        java.util.Random random = new java.util.Random(20261204L);
        int bits = 0;
        for (int trial = 0; trial < 4; trial++) {
            double a = domains[0].sample(random);
            double b = domains[1].sample(random);
            double z = value(a, b, p);
            bits |= partialAA(a, b, p, z) != 0 ? AA : 0;
            if (arity == 2) {
                bits |= partialAB(a, b, p, z) != 0 ? AB : 0;
                bits |= partialBB(a, b, p, z) != 0 ? BB : 0;
            }
        }
        return bits;
    }

    /** Where argument {@code k} (0 or 1) is sampled by derivative tests. */
    public Domain domain(int k) {
        return domains[k];
    }

    /** The primitive with this ordinal; the program stores ordinals as bytes. */
    public static Primitive ofOrdinal(int ordinal) {
        return ALL[ordinal];
    }

    /**
     * {@code erf(a)}: below |a| = 0.5 its Maclaurin series {@code 2/sqrt(pi) sum_n (-1)^n a^(2n+1) /
     * (n! (2n + 1))}, summed until the terms no longer change the sum (at most 14 terms, a few ulps;
     * commons-math3's continued fraction returns 0 at 1e-300 and is 7 ulps off at 1e-8), above it
     * commons-math3's {@link Erf#erf}, within a few ulps there (tested against 60-digit values).
     */
    static double erf(double a) {
        if (Math.abs(a) >= 0.5) {
            return Erf.erf(a);
        }
        double a2 = a * a;
        double power = a; // (-1)^n a^(2n+1) / n!
        double sum = a;
        for (int n = 1; n < 30; n++) {
            power *= -a2 / n;
            double term = power / (2 * n + 1);
            if (sum + term == sum) {
                break;
            }
            sum += term;
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /**
     * {@code asinh(a)}, which Java's Math lacks, by the classical three ranges: {@code log(2|a|)}
     * beyond 2^28, {@code log(2|a| + 1 / (sqrt(a^2 + 1) + |a|))} above 2, and
     * {@code log1p(|a| + a^2 / (1 + sqrt(1 + a^2)))} below; odd in a.
     */
    static double asinh(double a) {
        double x = Math.abs(a);
        double r;
        if (x > 0x1p28) {
            r = Math.log(x) + LN2;
        } else if (x > 2) {
            r = Math.log(2 * x + 1 / (Math.sqrt(x * x + 1) + x));
        } else {
            r = Math.log1p(x + x * x / (1 + Math.sqrt(1 + x * x)));
        }
        return Math.copySign(r, a);
    }
}
