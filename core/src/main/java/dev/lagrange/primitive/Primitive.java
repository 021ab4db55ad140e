package dev.lagrange.primitive;

import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * The local functions {@code f_i} a constraint {@code z_i = f_i(z_alpha(i))} may apply, each declared
 * once: its value, its local partial derivatives, and a forward-mode {@link DerivativeStructure}
 * version that derives the same partials by its own rules (the independent oracle the gradient
 * checks use).
 *
 * <p>Arguments arrive as {@code a} and {@code b} (b is unused by unary primitives); {@code p} is the
 * constraint's constant parameter where it has one ({@link #CONSTANT}, {@link #POWC}). Partials are
 * written to {@code d[0] = df/da} and {@code d[1] = df/db}; they may use the already computed value
 * {@code z = f(a, b)} (as {@code exp' = exp}). {@link #WEIGHTED_SUM} is the one variadic primitive,
 * {@code z = c_0 + sum_k c_k z_k}, with its coefficients as parameters; its partials are the
 * coefficients.
 *
 * <p>Conventions at kinks: {@code abs'(0) = 0}, {@code relu'(0) = 0}, and {@code max}/{@code min} send
 * the derivative to the first argument on ties.
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
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a; }
    },
    /**
     * The constraint of an unknown u defined implicitly by an equation {@code g = 0} of a
     * {@code solve} block: {@code z_u = a - b} with {@code a = z_u} itself and {@code b = g}, so that
     * the constraint's residual {@code z_u - f_u} is {@code g}. Always part of a cyclic block.
     */
    IMPLICIT("implicit", 2) {
        @Override public double value(double a, double b, double p) { return a - b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1; }
        @Override public double partialB(double a, double b, double p, double z) { return -1; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.subtract(b); }
    },
    NEG("neg", 1) {
        @Override public double value(double a, double b, double p) { return -a; }
        @Override public double partialA(double a, double b, double p, double z) { return -1; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.negate(); }
    },
    ADD("+", 2) {
        @Override public double value(double a, double b, double p) { return a + b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1; }
        @Override public double partialB(double a, double b, double p, double z) { return 1; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.add(b); }
    },
    SUB("-", 2) {
        @Override public double value(double a, double b, double p) { return a - b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1; }
        @Override public double partialB(double a, double b, double p, double z) { return -1; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.subtract(b); }
    },
    MUL("*", 2) {
        @Override public double value(double a, double b, double p) { return a * b; }
        @Override public double partialA(double a, double b, double p, double z) { return b; }
        @Override public double partialB(double a, double b, double p, double z) { return a; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.multiply(b); }
    },
    DIV("/", 2, Domain.REALS, Domain.NONZERO) {
        @Override public double value(double a, double b, double p) { return a / b; }
        @Override public double partialA(double a, double b, double p, double z) { return 1 / b; }
        @Override public double partialB(double a, double b, double p, double z) { return -z / b; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.divide(b); }
    },
    /** {@code z = a^b} for a variable exponent; {@code dz/db = z log a} is taken as 0 at {@code a = 0}. */
    POW("pow", 2, Domain.POSITIVE, Domain.REALS) {
        @Override public double value(double a, double b, double p) { return Math.pow(a, b); }
        @Override public double partialA(double a, double b, double p, double z) {
            return b == 0 ? 0 : b * Math.pow(a, b - 1);
        }
        @Override public double partialB(double a, double b, double p, double z) {
            return a == 0 ? 0 : z * Math.log(a);
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.pow(b); }
    },
    /** {@code z = a^p} for a constant exponent p (the parameter); exact for small integer p. */
    POWC("^", 1, Domain.NONZERO) {
        @Override public double value(double a, double b, double p) { return p == 2 ? a * a : Math.pow(a, p); }
        @Override public double partialA(double a, double b, double p, double z) {
            return p == 2 ? 2 * a : p == 1 ? 1 : p == 0 ? 0 : p * Math.pow(a, p - 1);
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return p == Math.rint(p) && Math.abs(p) < Integer.MAX_VALUE ? a.pow((int) p) : a.pow(p);
        }
    },
    EXP("exp", 1) {
        @Override public double value(double a, double b, double p) { return Math.exp(a); }
        @Override public double partialA(double a, double b, double p, double z) { return z; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.exp(); }
    },
    LOG("log", 1, Domain.POSITIVE) {
        @Override public double value(double a, double b, double p) { return Math.log(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 1 / a; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.log(); }
    },
    SIN("sin", 1) {
        @Override public double value(double a, double b, double p) { return Math.sin(a); }
        @Override public double partialA(double a, double b, double p, double z) { return Math.cos(a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.sin(); }
    },
    COS("cos", 1) {
        @Override public double value(double a, double b, double p) { return Math.cos(a); }
        @Override public double partialA(double a, double b, double p, double z) { return -Math.sin(a); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.cos(); }
    },
    TAN("tan", 1, Domain.TAN) {
        @Override public double value(double a, double b, double p) { return Math.tan(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 1 + z * z; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.tan(); }
    },
    TANH("tanh", 1) {
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
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.tanh(); }
    },
    /** {@code z = 1 / (1 + exp(-a))}, evaluated without overflow for either sign of a. */
    SIGMOID("sigmoid", 1) {
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
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            // The same two branches as the value, so that exp never overflows to 0 * infinity.
            if (a.getValue() >= 0) {
                return a.negate().exp().add(1).reciprocal();
            }
            DerivativeStructure e = a.exp();
            return e.divide(e.add(1));
        }
    },
    SQRT("sqrt", 1, Domain.POSITIVE) {
        @Override public double value(double a, double b, double p) { return Math.sqrt(a); }
        @Override public double partialA(double a, double b, double p, double z) { return 0.5 / z; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) { return a.sqrt(); }
    },
    ABS("abs", 1, Domain.NONZERO) {
        @Override public double value(double a, double b, double p) { return Math.abs(a); }
        @Override public double partialA(double a, double b, double p, double z) { return a > 0 ? 1 : a < 0 ? -1 : 0; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            // DerivativeStructure.abs() gives +-1 at +-0; the convention here is abs'(0) = 0.
            return a.getValue() == 0 ? a.multiply(0) : a.abs();
        }
    },
    RELU("relu", 1, Domain.NONZERO) {
        @Override public double value(double a, double b, double p) { return a > 0 ? a : 0; }
        @Override public double partialA(double a, double b, double p, double z) { return a > 0 ? 1 : 0; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() > 0 ? a : a.multiply(0);
        }
    },
    MAX("max", 2) {
        @Override public double value(double a, double b, double p) { return a >= b ? a : b; }
        @Override public double partialA(double a, double b, double p, double z) { return a >= b ? 1 : 0; }
        @Override public double partialB(double a, double b, double p, double z) { return a >= b ? 0 : 1; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() >= b.getValue() ? a : b;
        }
    },
    MIN("min", 2) {
        @Override public double value(double a, double b, double p) { return a <= b ? a : b; }
        @Override public double partialA(double a, double b, double p, double z) { return a <= b ? 1 : 0; }
        @Override public double partialB(double a, double b, double p, double z) { return a <= b ? 0 : 1; }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() <= b.getValue() ? a : b;
        }
    },
    /** {@code z = log(1 + exp(a))}, evaluated without overflow; its derivative is the sigmoid. */
    SOFTPLUS("softplus", 1) {
        @Override public double value(double a, double b, double p) {
            return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
        }
        @Override public double partialA(double a, double b, double p, double z) { return SIGMOID.value(a, 0, 0); }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            return a.getValue() > 0 ? a.add(a.negate().exp().log1p()) : a.exp().log1p();
        }
    },
    /**
     * {@code z = c_0 + sum_k c_k z_k}, the n-ary weighted sum (Bellman backups, layers); parameters
     * {@code c_0, c_1, ..., c_k}, one more than the arguments; {@code dz/dz_k = c_k}.
     */
    WEIGHTED_SUM("wsum", Primitive.VARIADIC) {
        @Override public double value(double a, double b, double p) {
            throw new UnsupportedOperationException("the weighted sum is variadic: use valueOf/partialOf");
        }
        @Override public double partialA(double a, double b, double p, double z) {
            throw new UnsupportedOperationException("the weighted sum is variadic: use its coefficients");
        }
        @Override public DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p) {
            throw new UnsupportedOperationException("the weighted sum is variadic");
        }
    };

    /** The arity of a primitive that takes any number of arguments. */
    public static final int VARIADIC = -1;

    private static final Primitive[] ALL = values();

    private final String symbol;
    private final int arity;
    private final Domain[] domains;

    Primitive(String symbol, int arity, Domain... domains) {
        this.symbol = symbol;
        this.arity = arity;
        if (domains.length == 0) {
            domains = new Domain[] {Domain.REALS, Domain.REALS};
        } else if (domains.length == 1) {
            domains = new Domain[] {domains[0], Domain.REALS};
        }
        this.domains = domains;
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

    /** The same function in forward-mode arithmetic: an independent source of its derivatives. */
    public abstract DerivativeStructure value(DerivativeStructure a, DerivativeStructure b, double p);

    /** The symbol or function name used by the {@code .lag} language and in messages. */
    public String symbol() {
        return symbol;
    }

    /** 0 for sources, 1 or 2, or {@link #VARIADIC}. */
    public int arity() {
        return arity;
    }

    /** Whether a constraint of this primitive carries a constant parameter. */
    public boolean hasParameter() {
        return this == CONSTANT || this == POWC;
    }

    /** Where argument {@code k} (0 or 1) is sampled by derivative tests. */
    public Domain domain(int k) {
        return domains[k];
    }

    /** The primitive with this ordinal; the program stores ordinals as bytes. */
    public static Primitive ofOrdinal(int ordinal) {
        return ALL[ordinal];
    }
}
