package dev.lagrange.primitive;

import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * The local functions of vector constraints {@code z_i = f_i(a, b)}, where the node {@code z_i}, and
 * its arguments a and b, own contiguous ranges of value slots. Each is declared once, side by side:
 * its value, its vector-Jacobian product (VJP, {@code J^T lambda}, the reverse sweep), its
 * Jacobian-vector product (JVP, {@code J t}, the tangent sweep) and a forward-mode
 * {@link DerivativeStructure} version that derives the same derivatives by its own rules (the
 * independent oracle of the gradient checks).
 *
 * <p>Storage: a program keeps vector nodes in the same byte op array as scalar ones, with the code
 * {@link #code()} {@code = BASE + ordinal()}, out of reach of {@link Primitive} ordinals. An
 * argument is passed as its first slot; shapes are the node's constant parameters, read at
 * {@code p[c], p[c + 1], ...}:
 * <pre>
 *   INPUT        z = x[first .. first + w)              p = (first, w, cols, rowBase, colBase)
 *                (no arguments; the bases only label entries: x[1], W[1,1] for bases 1)
 *                a sparse matrix's values:              p = (first, w, 0, rowBase, colBase, m, n, rowStart[0..m], col[0..w))
 *   MATVEC       z = W a, W m x n row-major             p = (m, n)         (W, a)
 *   MAP          z_k = f(a_k), f a scalar primitive     p = (w, f.ordinal, f's parameter) (a)
 *   ZIP          z_k = f(a_k, b_k), f a scalar primitive p = (w, f.ordinal) (a, b)
 *   ADD/SUB/HADAMARD  z_k = a_k (+ - *) b_k             p = (w)            (a, b)
 *   COPY         z = a                                  p = (w)            (a)
 *   SCALE        z = c a                                p = (w, c)         (a)
 *   SCALE_BY     z = s b, s a scalar variable           p = (w)            (s, b)
 *   DOT          z = a . b   (one slot)                 p = (w)            (a, b)
 *   SUM          z = sum_k a_k   (one slot)             p = (w)            (a)
 *   SOFTMAX      z_k = exp(a_k) / sum_j exp(a_j)        p = (w)            (a)
 *   LOGSUMEXP    z = log sum_k exp(a_k)   (one slot)    p = (w)            (a)
 *   SQUARED_LOSS z = 1/2 |a - b|^2   (one slot)         p = (w)            (yhat, y)
 *   CROSS_ENTROPY z = -sum_k b_k log softmax(a)_k       p = (w)            (logits, y)
 *                  = (sum_k b_k) logsumexp(a) - b . a   (one slot)
 *   ELEMENT      z = a_k, k 0-based   (one slot)        p = (k)            (a)
 *   STACK        z = (s_1, ..., s_w), each s_j a scalar p = (w)            (s_1, ..., s_w)
 *   SPARSE_MATVEC z_r = sum_{e in row r} A_e x_{col(e)}  p = (m, n, nnz, rowStart[0..m], col[0..nnz))  (A, x)
 * </pre>
 * SPARSE_MATVEC's parameters hold its CSR pattern (exact as doubles: indices stay below 2^53), so
 * their count depends on the node ({@link #parameterCount(double[], int)}); its first argument A is
 * the nnz nonzero values in CSR order, the second x of width n.
 * STACK is the one primitive with more than two arguments: like INPUT, it does not fit the
 * {@code (a, b)} kernel signature, and {@code VectorKernels} handles it from the node's argument
 * list (a gather for the value and the JVP, a scatter-add for the VJP); its methods here throw.
 * Every kernel costs O(size of its arguments): O(m n) for MATVEC, O(nnz + m) for SPARSE_MATVEC, O(w) for the others, and
 * allocates nothing. The VJP accumulates ({@code +=}) into separate offsets for a and b, so an
 * argument used twice ({@code dot(x, x)}) gets both contributions. Like the scalar sweeps, a zero
 * multiplier or tangent entry contributes nothing, even through a partial that is not finite.
 * Softmax, logsumexp and cross-entropy subtract the maximum before exponentiating, so they never
 * overflow. Conventions at kinks follow {@link Primitive}: {@code relu'(0) = 0}.
 *
 * <p>The file is long (some 1,500 lines) on purpose: each vector primitive is declared once, its
 * value, VJP, row VJP, JVP, second-order rule and forward-mode version side by side, so that one
 * primitive reads in one place; elementwise functions are not here (one {@link #MAP} takes them from {@link Primitive}).
 *
 * <p>Reference: the VJP/JVP pairing of JAX ({@code jax/_src/interpreters/ad.py}); Griewank and
 * Walther, <i>Evaluating Derivatives</i>, 2nd ed., SIAM 2008, ch. 3.
 */
public enum VectorPrimitive {
    /** A block of inputs {@code z = x[first .. first + w)}; its values come from x, so the sweeps handle it. */
    INPUT("input", 0, 5) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // x itself: no second-order term
        }
        @Override public int width(double[] p, int c) { return (int) p[c + 1]; }
        @Override public int parameterCount(double[] p, int c) {
            // cols = 0 marks the values of a sparse matrix, whose pattern follows (for entry labels).
            return p[c + 2] != 0 ? 5 : 7 + (int) p[c + 5] + 1 + (int) p[c + 1];
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            throw new UnsupportedOperationException("an input block takes its values from x");
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) { }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            throw new UnsupportedOperationException("an input block takes its tangent from dx");
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            throw new UnsupportedOperationException("an input block takes its values from x");
        }
    },
    /** {@code z_r = sum_j W_rj a_j} with W an m x n block stored row-major: {@code W_rj} at slot {@code W + r n + j}. */
    MATVEC("@", 2, 2) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) { // z_r = sum_j W_rj x_j: the cross terms of W and x
                double l = lambda[lo + r];
                for (int j = 0; j < n; j++) {
                    dst[da + r * n + j] += l * t[tb + j];
                    dst[db + j] += l * t[ta + r * n + j];
                }
            }
        }
        @Override public int width(double[] p, int c) { return (int) p[c]; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0, w = a; r < m; r++, w += n) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += z[w + j] * z[b + j];
                }
                f[fo + r] = s;
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                double l = lambda[lo + r];
                if (l == 0) {
                    continue;
                }
                int dw = da + r * n;
                for (int j = 0; j < n; j++) {
                    dst[dw + j] += l * z[b + j];
                }
            }
            // W^T lambda: each entry summed over r ascending before it is added, as the adjoint
            // program's y @ W sums it (so the two agree to the last bit). Eight columns at a time, so
            // that each row of W is read a cache line at a time.
            int j = 0;
            for (; j + 8 <= n; j += 8) {
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                double s4 = 0;
                double s5 = 0;
                double s6 = 0;
                double s7 = 0;
                for (int r = 0, w = a + j; r < m; r++, w += n) {
                    double l = lambda[lo + r];
                    if (l != 0) {
                        s0 += l * z[w];
                        s1 += l * z[w + 1];
                        s2 += l * z[w + 2];
                        s3 += l * z[w + 3];
                        s4 += l * z[w + 4];
                        s5 += l * z[w + 5];
                        s6 += l * z[w + 6];
                        s7 += l * z[w + 7];
                    }
                }
                dst[db + j] += s0;
                dst[db + j + 1] += s1;
                dst[db + j + 2] += s2;
                dst[db + j + 3] += s3;
                dst[db + j + 4] += s4;
                dst[db + j + 5] += s5;
                dst[db + j + 6] += s6;
                dst[db + j + 7] += s7;
            }
            for (; j < n; j++) {
                double s = 0;
                for (int r = 0, w = a + j; r < m; r++, w += n) {
                    double l = lambda[lo + r];
                    if (l != 0) {
                        s += l * z[w];
                    }
                }
                dst[db + j] += s;
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                double s = 0;
                int w = a + r * n;
                int tw = ta + r * n;
                for (int j = 0; j < n; j++) {
                    double tW = t[tw + j];
                    double tx = t[tb + j];
                    s += (tW == 0 ? 0 : tW * z[b + j]) + (tx == 0 ? 0 : z[w + j] * tx);
                }
                dz[o + r] = s;
            }
        }
        @Override public void vjpRow(int r, double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] seed, double[] dst, int da, int db) {
            int n = (int) p[c + 1];
            int w = a + r * n;
            int dw = da + r * n;
            for (int j = 0; j < n; j++) {
                dst[dw + j] += z[b + j];
                dst[db + j] += z[w + j];
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                DerivativeStructure s = z[a + r * n].multiply(z[b]);
                for (int j = 1; j < n; j++) {
                    s = s.add(z[a + r * n + j].multiply(z[b + j]));
                }
                f[fo + r] = s;
            }
        }
    },
    /** {@code z = a}: names a vector, or closes a cycle through vector nodes. */
    COPY("id", 1, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            System.arraycopy(z, a, f, fo, (int) p[c]);
        }
        @Override double derivative(double a, double f) { return 1; }
        @Override DerivativeStructure scalar(DerivativeStructure a) { return a; }
    },
    /**
     * {@code z_k = f(a_k)} for a scalar primitive f of one argument and its constant parameter (the
     * exponent of {@code ^}): one elementwise map for every function, its value, derivative and
     * forward mode taken from f's own declaration, so {@code tanh(v)} differentiates exactly as
     * {@code tanh(x)} does.
     */
    MAP("map", 1, 3) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            Primitive g = scalar(p, c);
            double q = p[c + 2];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dst[da + k] += times(lambda[lo + k], times(t[ta + k], g.partialAA(z[a + k], 0, q, f[fo + k])));
            }
        }
        @Override public String symbol(double[] p, int c) { return scalar(p, c).symbol(); }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            Primitive g = scalar(p, c);
            double q = p[c + 2];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = g.value(z[a + k], 0, q);
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            Primitive g = scalar(p, c);
            double q = p[c + 2];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double l = lambda[lo + k];
                if (l != 0) {
                    dst[da + k] += l * g.partialA(z[a + k], 0, q, f[fo + k]);
                }
            }
        }
        @Override public void vjpRow(int r, double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] seed, double[] dst, int da, int db) {
            dst[da + r] += scalar(p, c).partialA(z[a + r], 0, p[c + 2], f[fo + r]);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            Primitive g = scalar(p, c);
            double q = p[c + 2];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dz[o + k] = times(t[ta + k], g.partialA(z[a + k], 0, q, f[fo + k]));
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            Primitive g = scalar(p, c);
            double q = p[c + 2];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = g.value(z[a + k], null, q);
            }
        }
    },
    /**
     * {@code z_k = f(a_k, b_k)} for a scalar primitive f of two arguments: the entrywise form of any
     * binary rule ({@code a / b}, {@code max(a, b)}), which the adjoint program of a map needs when
     * the map's partial is written with one. Sums, differences and products have their own faster nodes.
     */
    ZIP("zip", 2, 2) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            Primitive g = scalar(p, c);
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double l = lambda[lo + k];
                if (l == 0) {
                    continue;
                }
                double x = z[a + k];
                double y = z[b + k];
                double v = f[fo + k];
                double tx = t[ta + k];
                double ty = t[tb + k];
                double xy = g.partialAB(x, y, 0, v);
                dst[da + k] += times(l, times(tx, g.partialAA(x, y, 0, v)) + times(ty, xy));
                dst[db + k] += times(l, times(tx, xy) + times(ty, g.partialBB(x, y, 0, v)));
            }
        }
        @Override public String symbol(double[] p, int c) { return scalar(p, c).symbol(); }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            Primitive g = scalar(p, c);
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = g.value(z[a + k], z[b + k], 0);
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            Primitive g = scalar(p, c);
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double l = lambda[lo + k];
                if (l != 0) {
                    double x = z[a + k];
                    double y = z[b + k];
                    dst[da + k] += l * g.partialA(x, y, 0, f[fo + k]);
                    dst[db + k] += l * g.partialB(x, y, 0, f[fo + k]);
                }
            }
        }
        @Override public void vjpRow(int r, double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] seed, double[] dst, int da, int db) {
            Primitive g = scalar(p, c);
            dst[da + r] += g.partialA(z[a + r], z[b + r], 0, f[fo + r]);
            dst[db + r] += g.partialB(z[a + r], z[b + r], 0, f[fo + r]);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            Primitive g = scalar(p, c);
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double x = z[a + k];
                double y = z[b + k];
                dz[o + k] = times(t[ta + k], g.partialA(x, y, 0, f[fo + k]))
                        + times(t[tb + k], g.partialB(x, y, 0, f[fo + k]));
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            Primitive g = scalar(p, c);
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = g.value(z[a + k], z[b + k], 0);
            }
        }
    },
    ADD("+", 2, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            linearValue(z, a, b, 1, (int) p[c], f, fo);
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            linearVjp(1, (int) p[c], lambda, lo, dst, da, db);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            linearValue(t, ta, tb, 1, (int) p[c], dz, o);
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a + k].add(z[b + k]);
            }
        }
    },
    SUB("-", 2, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            linearValue(z, a, b, -1, (int) p[c], f, fo);
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            linearVjp(-1, (int) p[c], lambda, lo, dst, da, db);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            linearValue(t, ta, tb, -1, (int) p[c], dz, o);
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a + k].subtract(z[b + k]);
            }
        }
    },
    HADAMARD("*", 2, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dst[da + k] += lambda[lo + k] * t[tb + k];
                dst[db + k] += lambda[lo + k] * t[ta + k];
            }
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a + k] * z[b + k];
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double l = lambda[lo + k];
                if (l != 0) {
                    dst[da + k] += l * z[b + k];
                    dst[db + k] += l * z[a + k];
                }
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dz[o + k] = times(t[ta + k], z[b + k]) + times(t[tb + k], z[a + k]);
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a + k].multiply(z[b + k]);
            }
        }
    },
    /** {@code z = c a} for the constant c, the second parameter. */
    SCALE("scale", 1, 2) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            double s = p[c + 1];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = s * z[a + k];
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            scaled(p[c + 1], (int) p[c], lambda, lo, dst, da, true);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            scaled(p[c + 1], (int) p[c], t, ta, dz, o, false);
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a + k].multiply(p[c + 1]);
            }
        }
    },
    /** {@code z = s b} for a scalar variable s (the first argument, one slot) and a vector b. */
    SCALE_BY("scale", 2, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            for (int k = 0, w = (int) p[c]; k < w; k++) { // z_k = s b_k
                dst[da] += lambda[lo + k] * t[tb + k];
                dst[db + k] += lambda[lo + k] * t[ta];
            }
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            double s = z[a];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = s * z[b + k];
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            double s = z[a];
            double ds = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double l = lambda[lo + k];
                if (l != 0) {
                    ds += l * z[b + k];
                    dst[db + k] += l * s;
                }
            }
            dst[da] += ds;
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            double s = z[a];
            double ts = t[ta];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dz[o + k] = times(ts, z[b + k]) + times(t[tb + k], s);
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a].multiply(z[b + k]);
            }
        }
    },
    DOT("dot", 2, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            double l = lambda[lo];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dst[da + k] += l * t[tb + k];
                dst[db + k] += l * t[ta + k];
            }
        }
        @Override public int width(double[] p, int c) { return 1; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            double s = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                s += z[a + k] * z[b + k];
            }
            f[fo] = s;
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            double l = lambda[lo];
            if (l == 0) {
                return;
            }
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dst[da + k] += l * z[b + k];
                dst[db + k] += l * z[a + k];
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            double s = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                s += times(t[ta + k], z[b + k]) + times(t[tb + k], z[a + k]);
            }
            dz[o] = s;
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            DerivativeStructure s = z[a].multiply(z[b]);
            for (int k = 1, w = (int) p[c]; k < w; k++) {
                s = s.add(z[a + k].multiply(z[b + k]));
            }
            f[fo] = s;
        }
    },
    SUM("sum", 1, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public int width(double[] p, int c) { return 1; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            double s = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                s += z[a + k];
            }
            f[fo] = s;
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            double l = lambda[lo];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dst[da + k] += l;
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            double s = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                s += t[ta + k];
            }
            dz[o] = s;
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            DerivativeStructure s = z[a];
            for (int k = 1, w = (int) p[c]; k < w; k++) {
                s = s.add(z[a + k]);
            }
            f[fo] = s;
        }
    },
    /** {@code z_k = exp(a_k - max a) / sum_j exp(a_j - max a)}; {@code J = diag(z) - z z^T}. */
    SOFTMAX("softmax", 1, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // J = diag(s) - s s^T is symmetric, J^T l = s * l - s (s . l); along the tangent sdot = J t_a
            // (the node's own tangent): sdot * l - sdot (s . l) - s (sdot . l)
            int w = (int) p[c];
            double sl = 0;
            double sdotl = 0;
            for (int k = 0; k < w; k++) {
                sl += f[fo + k] * lambda[lo + k];
                sdotl += t[tf + k] * lambda[lo + k];
            }
            for (int k = 0; k < w; k++) {
                double sdot = t[tf + k];
                dst[da + k] += sdot * lambda[lo + k] - sdot * sl - f[fo + k] * sdotl;
            }
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            int w = (int) p[c];
            double max = max(z, a, w);
            double s = 0;
            for (int k = 0; k < w; k++) {
                double e = Math.exp(z[a + k] - max);
                f[fo + k] = e;
                s += e;
            }
            for (int k = 0; k < w; k++) {
                f[fo + k] /= s;
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            int w = (int) p[c];
            double ls = 0;
            for (int k = 0; k < w; k++) {
                ls += times(lambda[lo + k], f[fo + k]);
            }
            for (int k = 0; k < w; k++) {
                dst[da + k] += f[fo + k] * (lambda[lo + k] - ls);
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            int w = (int) p[c];
            double st = 0;
            for (int k = 0; k < w; k++) {
                st += times(t[ta + k], f[fo + k]);
            }
            for (int k = 0; k < w; k++) {
                dz[o + k] = f[fo + k] * (t[ta + k] - st);
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            int w = (int) p[c];
            DerivativeStructure s = z[a].exp();
            for (int k = 1; k < w; k++) {
                s = s.add(z[a + k].exp());
            }
            for (int k = 0; k < w; k++) {
                f[fo + k] = z[a + k].exp().divide(s);
            }
        }
    },
    /** {@code z = max a + log sum_k exp(a_k - max a)}; its gradient is the softmax of a. */
    LOGSUMEXP("logsumexp", 1, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // the Hessian is diag(s) - s s^T with s = softmax(a) = exp(a - y): l (s * t - s (s . t))
            double l = lambda[lo];
            if (l == 0) {
                return;
            }
            int w = (int) p[c];
            double st = 0;
            for (int k = 0; k < w; k++) {
                st += Math.exp(z[a + k] - f[fo]) * t[ta + k];
            }
            for (int k = 0; k < w; k++) {
                double s = Math.exp(z[a + k] - f[fo]);
                dst[da + k] += l * s * (t[ta + k] - st);
            }
        }
        @Override public int width(double[] p, int c) { return 1; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            f[fo] = logSumExp(z, a, (int) p[c]);
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            double l = lambda[lo];
            if (l == 0) {
                return;
            }
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                dst[da + k] += l * Math.exp(z[a + k] - f[fo]);
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            double s = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                s += times(t[ta + k], Math.exp(z[a + k] - f[fo]));
            }
            dz[o] = s;
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            f[fo] = logSumExp(z, a, (int) p[c]);
        }
    },
    /** {@code z = 1/2 sum_k (a_k - b_k)^2}: a prediction a against a target b. */
    SQUARED_LOSS("squared_loss", 2, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            double l = lambda[lo];
            for (int k = 0, w = (int) p[c]; k < w; k++) { // 1/2 |a - b|^2: identity blocks
                double d = l * (t[ta + k] - t[tb + k]);
                dst[da + k] += d;
                dst[db + k] -= d;
            }
        }
        @Override public int width(double[] p, int c) { return 1; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            double s = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double e = z[a + k] - z[b + k];
                s += e * e;
            }
            f[fo] = 0.5 * s;
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            double l = lambda[lo];
            if (l == 0) {
                return;
            }
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                double e = l * (z[a + k] - z[b + k]);
                dst[da + k] += e;
                dst[db + k] -= e;
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            double s = 0;
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                s += (z[a + k] - z[b + k]) * (t[ta + k] - t[tb + k]);
            }
            dz[o] = s;
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            DerivativeStructure s = z[a].subtract(z[b]).pow(2);
            for (int k = 1, w = (int) p[c]; k < w; k++) {
                s = s.add(z[a + k].subtract(z[b + k]).pow(2));
            }
            f[fo] = s.multiply(0.5);
        }
    },
    /**
     * {@code z = -sum_k y_k log softmax(l)_k = (sum_k y_k) logsumexp(l) - y . l} for logits l and a
     * label vector y (one-hot or a distribution); {@code dz/dl = (sum y) softmax(l) - y},
     * {@code dz/dy_k = logsumexp(l) - l_k}.
     */
    CROSS_ENTROPY("cross_entropy", 2, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // z = sum_k y_k (lse(a) - a_k): d2z/da2 = (sum y) (diag(s) - s s^T), d2z/da_k dy_j = s_k - [k = j],
            // d2z/dy2 = 0
            double l = lambda[lo];
            if (l == 0) {
                return;
            }
            int w = (int) p[c];
            double lse = logSumExp(z, a, w);
            double ys = 0;
            double ydot = 0;
            double st = 0;
            for (int k = 0; k < w; k++) {
                ys += z[b + k];
                ydot += t[tb + k];
                st += Math.exp(z[a + k] - lse) * t[ta + k];
            }
            for (int k = 0; k < w; k++) {
                double s = Math.exp(z[a + k] - lse);
                dst[da + k] += l * (ys * s * (t[ta + k] - st) + ydot * s - t[tb + k]);
                dst[db + k] += l * (st - t[ta + k]);
            }
        }
        @Override public int width(double[] p, int c) { return 1; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            int w = (int) p[c];
            double lse = logSumExp(z, a, w);
            double s = 0;
            for (int k = 0; k < w; k++) {
                s += z[b + k] * (lse - z[a + k]);
            }
            f[fo] = s;
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            double l = lambda[lo];
            if (l == 0) {
                return;
            }
            int w = (int) p[c];
            double lse = logSumExp(z, a, w);
            double ys = 0;
            for (int k = 0; k < w; k++) {
                ys += z[b + k];
            }
            for (int k = 0; k < w; k++) {
                dst[da + k] += l * (ys * Math.exp(z[a + k] - lse) - z[b + k]);
                dst[db + k] += l * (lse - z[a + k]);
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            int w = (int) p[c];
            double lse = logSumExp(z, a, w);
            double ys = 0;
            for (int k = 0; k < w; k++) {
                ys += z[b + k];
            }
            double s = 0;
            for (int k = 0; k < w; k++) {
                s += times(t[ta + k], ys * Math.exp(z[a + k] - lse) - z[b + k]) + times(t[tb + k], lse - z[a + k]);
            }
            dz[o] = s;
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            int w = (int) p[c];
            DerivativeStructure lse = logSumExp(z, a, w);
            DerivativeStructure s = z[b].multiply(lse.subtract(z[a]));
            for (int k = 1; k < w; k++) {
                s = s.add(z[b + k].multiply(lse.subtract(z[a + k])));
            }
            f[fo] = s;
        }
    },
    /** {@code z = a_k}: entry k (0-based, the parameter) of a vector a, a scalar. */
    ELEMENT("element", 1, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public int width(double[] p, int c) { return 1; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            f[fo] = z[a + (int) p[c]];
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            dst[da + (int) p[c]] += lambda[lo];
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            dz[o] = t[ta + (int) p[c]];
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            f[fo] = z[a + (int) p[c]];
        }
    },
    /**
     * {@code z = (s_1, ..., s_w)} from w scalar arguments, anywhere in z (the same one possibly twice):
     * {@code J} has one 1 per row, in column j of row j. Its kernels read the argument list, so
     * {@code VectorKernels} runs them; the {@code (a, b)} methods here throw.
     */
    STACK("stack", Primitive.VARIADIC, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            throw new UnsupportedOperationException(GATHER);
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            throw new UnsupportedOperationException(GATHER);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            throw new UnsupportedOperationException(GATHER);
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            throw new UnsupportedOperationException(GATHER);
        }
    },
    /**
     * {@code z_r = sum_{e = rowStart[r]}^{rowStart[r+1] - 1} A_e x_{col[e]}}: an m x n sparse matrix in
     * CSR form times x. A (the first argument, nnz slots) holds the nonzero values, so {@code dJ/dA_e}
     * is a gradient like any other; the pattern is fixed, in the parameters
     * {@code (m, n, nnz, rowStart[0..m], col[0..nnz))} (see {@link #SPARSE_ROW_START}). Value, VJP and
     * JVP are O(nnz + m); a Jacobian row ({@link #vjpRow}) is O(entries of the row).
     */
    SPARSE_MATVEC("spmv", 2, 3) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            int rows = c + SPARSE_ROW_START;
            int cols = rows + (int) p[c] + 1;
            for (int r = 0, m = (int) p[c], e = 0; r < m; r++) { // z_r = sum_e A_e x_col(e): cross terms
                double l = lambda[lo + r];
                for (int end = (int) p[rows + r + 1]; e < end; e++) {
                    int j = (int) p[cols + e];
                    dst[da + e] += l * t[tb + j];
                    dst[db + j] += l * t[ta + e];
                }
            }
        }
        @Override public int parameterCount(double[] p, int c) {
            return SPARSE_ROW_START + (int) p[c] + 1 + (int) p[c + 2];
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            int rows = c + SPARSE_ROW_START;
            int cols = rows + (int) p[c] + 1;
            for (int r = 0, m = (int) p[c], e = 0; r < m; r++) {
                double s = 0;
                for (int end = (int) p[rows + r + 1]; e < end; e++) {
                    s += z[a + e] * z[b + (int) p[cols + e]];
                }
                f[fo + r] = s;
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            int rows = c + SPARSE_ROW_START;
            int cols = rows + (int) p[c] + 1;
            for (int r = 0, m = (int) p[c]; r < m; r++) {
                double l = lambda[lo + r];
                if (l != 0) {
                    addRow(z, a, b, p, cols, (int) p[rows + r], (int) p[rows + r + 1], l, dst, da, db);
                }
            }
        }
        @Override public void vjpRow(int r, double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] seed, double[] dst, int da, int db) {
            int rows = c + SPARSE_ROW_START;
            addRow(z, a, b, p, rows + (int) p[c] + 1, (int) p[rows + r], (int) p[rows + r + 1], 1, dst, da, db);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            int rows = c + SPARSE_ROW_START;
            int cols = rows + (int) p[c] + 1;
            for (int r = 0, m = (int) p[c], e = 0; r < m; r++) {
                double s = 0;
                for (int end = (int) p[rows + r + 1]; e < end; e++) {
                    int j = (int) p[cols + e];
                    double tA = t[ta + e];
                    double tx = t[tb + j];
                    s += (tA == 0 ? 0 : tA * z[b + j]) + (tx == 0 ? 0 : z[a + e] * tx);
                }
                dz[o + r] = s;
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            int rows = c + SPARSE_ROW_START;
            int cols = rows + (int) p[c] + 1;
            for (int r = 0, m = (int) p[c], e = 0; r < m; r++) {
                DerivativeStructure s = z[b].getField().getZero();
                for (int end = (int) p[rows + r + 1]; e < end; e++) {
                    s = s.add(z[a + e].multiply(z[b + (int) p[cols + e]]));
                }
                f[fo + r] = s;
            }
        }
    },
    /**
     * {@code z_j = sum_r y_r W_rj}: the transposed product {@code W^T y}, written {@code y @ W} (the
     * arguments in that order: y, then W) for an m-vector y and an m x n block W, an n-vector; the
     * partial of {@code W x} with respect to x. Each entry sums over r ascending, the order in which
     * MATVEC's VJP accumulates {@code W^T lambda}.
     */
    MATVEC_T("@", 2, 2) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) { // z_j = sum_r y_r W_rj
                for (int j = 0; j < n; j++) {
                    double l = lambda[lo + j];
                    dst[da + r] += l * t[tb + r * n + j];
                    dst[db + r * n + j] += l * t[ta + r];
                }
            }
        }
        @Override public int width(double[] p, int c) { return (int) p[c + 1]; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < m; r++) {
                    s += z[a + r] * z[b + r * n + j];
                }
                f[fo + j] = s;
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                double y = z[a + r];
                int w = b + r * n;
                int dw = db + r * n;
                double s = 0;
                for (int j = 0; j < n; j++) {
                    double l = lambda[lo + j];
                    if (l != 0) {
                        s += l * z[w + j];
                        dst[dw + j] += l * y;
                    }
                }
                dst[da + r] += s;
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < m; r++) {
                    s += times(t[ta + r], z[b + r * n + j]) + times(t[tb + r * n + j], z[a + r]);
                }
                dz[o + j] = s;
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int j = 0; j < n; j++) {
                DerivativeStructure s = z[a].multiply(z[b + j]);
                for (int r = 1; r < m; r++) {
                    s = s.add(z[a + r].multiply(z[b + r * n + j]));
                }
                f[fo + j] = s;
            }
        }
    },
    /**
     * {@code z_rj = a_r b_j}: the outer product {@code a b^T} of an m-vector and an n-vector, an
     * m x n block stored row-major; the partial of {@code W x} with respect to W.
     */
    OUTER("outer", 2, 2) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) { // z_{r n + j} = a_r b_j
                for (int j = 0; j < n; j++) {
                    double l = lambda[lo + r * n + j];
                    dst[da + r] += l * t[tb + j];
                    dst[db + j] += l * t[ta + r];
                }
            }
        }
        @Override public int width(double[] p, int c) { return (int) p[c] * (int) p[c + 1]; }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < n; j++) {
                    f[fo + r * n + j] = z[a + r] * z[b + j];
                }
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    double l = lambda[lo + r * n + j];
                    if (l != 0) {
                        s += l * z[b + j];
                    }
                }
                dst[da + r] += s;
            }
            // L^T a column by column, each summed before it is added (as the adjoint program does)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < m; r++) {
                    double l = lambda[lo + r * n + j];
                    if (l != 0) {
                        s += l * z[a + r];
                    }
                }
                dst[db + j] += s;
            }
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < n; j++) {
                    dz[o + r * n + j] = times(t[ta + r], z[b + j]) + times(t[tb + j], z[a + r]);
                }
            }
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            int m = (int) p[c];
            int n = (int) p[c + 1];
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < n; j++) {
                    f[fo + r * n + j] = z[a + r].multiply(z[b + j]);
                }
            }
        }
    },
    /**
     * {@code z_k = c0 + c1 a_k} for constants c0, c1 (parameters 2 and 3): the vector form of a
     * one-term weighted sum, {@code 1 - v} or {@code v + 0.5} in .lag; with a HADAMARD, tanh's
     * derivative {@code 1 - z * z}.
     */
    AFFINE("wsum", 1, 3) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // linear: no second-order term
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            double c0 = p[c + 1];
            double c1 = p[c + 2];
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = c0 + c1 * z[a + k];
            }
        }
        @Override public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] lambda, int lo, double[] dst, int da, int db) {
            scaled(p[c + 2], (int) p[c], lambda, lo, dst, da, true);
        }
        @Override public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, double[] dz, int o) {
            scaled(p[c + 2], (int) p[c], t, ta, dz, o, false);
        }
        @Override public void value(DerivativeStructure[] z, int a, int b, double[] p, int c,
                DerivativeStructure[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a + k].multiply(p[c + 2]).add(p[c + 1]);
            }
        }
    },
    /**
     * {@code z_k = [a_k > 0]}, 1 or 0: relu's derivative with the convention {@code relu'(0) = 0}. Its
     * own derivative is 0 (taken as 0 at the jump too).
     */
    STEP("step", 1, 1) {
        @Override public void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
                double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db) {
            // piecewise constant: no second-order term
        }
        @Override public void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo) {
            for (int k = 0, w = (int) p[c]; k < w; k++) {
                f[fo + k] = z[a + k] > 0 ? 1 : 0;
            }
        }
        @Override double derivative(double a, double f) { return 0; }
        @Override DerivativeStructure scalar(DerivativeStructure a) {
            return a.getField().getZero().add(a.getValue() > 0 ? 1 : 0);
        }
    };

    /**
     * Where SPARSE_MATVEC's row starts begin in its parameters, after {@code (m, n, nnz)}: rowStart[r]
     * is {@code p[c + SPARSE_ROW_START + r]}, and col[e] is {@code p[c + SPARSE_ROW_START + m + 1 + e]}.
     */
    public static final int SPARSE_ROW_START = 3;

    /** The {@link #arity()} of a primitive with any number of arguments (STACK). */
    public static final int VARIADIC = Primitive.VARIADIC;

    private static final String GATHER = "a stack reads its arguments from the node's argument list: "
            + "use VectorKernels";

    /** The first op code of vector primitives; scalar {@link Primitive} ordinals stay below it. */
    public static final int BASE = 64;

    private static final VectorPrimitive[] ALL = values();

    private final String symbol;
    private final int arity;
    private final int parameterCount;

    VectorPrimitive(String symbol, int arity, int parameterCount) {
        this.symbol = symbol;
        this.arity = arity;
        this.parameterCount = parameterCount;
    }

    /** The op code a program stores for this primitive: {@code BASE + ordinal()}. */
    public int code() {
        return BASE + ordinal();
    }

    /** The vector primitive with op code {@code code} (at least {@link #BASE}). */
    public static VectorPrimitive ofCode(int code) {
        return ALL[code - BASE];
    }

    /** Whether op code {@code code} is a vector primitive's. */
    public static boolean isVector(int code) {
        return code >= BASE;
    }

    /** The symbol or function name, for messages. */
    public String symbol() {
        return symbol;
    }

    /** The symbol of the node whose parameters start at {@code p[c]}: a map's is its function's ({@code tanh}). */
    public String symbol(double[] p, int c) {
        return symbol;
    }

    /** The scalar primitive a {@link #MAP} or {@link #ZIP} node applies, from its parameters. */
    public static Primitive scalar(double[] p, int c) {
        return Primitive.ofOrdinal((int) p[c + 1]);
    }

    /** The number of arguments: 0, 1 or 2, or {@link #VARIADIC} for STACK. */
    public int arity() {
        return arity;
    }

    /**
     * The number of constant parameters (shapes and coefficients) a node of this primitive stores; for
     * SPARSE_MATVEC, whose pattern makes the count vary, the leading {@code (m, n, nnz)}: use
     * {@link #parameterCount(double[], int)}.
     */
    public int parameterCount() {
        return parameterCount;
    }

    /** The number of constant parameters of the node whose parameters start at {@code p[c]}. */
    public int parameterCount(double[] p, int c) {
        return parameterCount;
    }

    /** The number of slots the node owns, from its parameters {@code p[c..]}; elementwise maps keep {@code w}. */
    public int width(double[] p, int c) {
        return (int) p[c];
    }

    /**
     * The value {@code f(a, b)} at any z.
     *
     * @param z Not modified: arguments at slots {@code a..} and {@code b..}.
     * @param f Modified: entries {@code [fo, fo + width)}; may be z itself at the node's own slots.
     */
    public abstract void value(double[] z, int a, int b, double[] p, int c, double[] f, int fo);

    /**
     * The vector-Jacobian product: {@code dst[da..] += J_a^T lambda[lo..]} and
     * {@code dst[db..] += J_b^T lambda[lo..]}, partials taken at the arguments in z and the value
     * {@code f[fo..] = f(a, b)}.
     *
     * @param z Not modified.
     * @param f Not modified.
     * @param lambda Not modified.
     * @param dst Modified: accumulated into.
     */
    public void vjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
            double[] lambda, int lo, double[] dst, int da, int db) {
        // The elementwise maps: J = diag(f'(a)).
        for (int k = 0, w = (int) p[c]; k < w; k++) {
            double l = lambda[lo + k];
            if (l != 0) {
                dst[da + k] += l * derivative(z[a + k], f[fo + k]);
            }
        }
    }

    /**
     * Row r of the Jacobian: {@code dst[da..] += J_a^T e_r} and {@code dst[db..] += J_b^T e_r}, the VJP of
     * the unit seed {@code e_r}, writing nothing outside the row's {@link #rowSupport}, in O(the row's
     * entries): the elementwise primitives write their one or two partials, MATVEC and SPARSE_MATVEC
     * their row (overridden), and the primitives whose rows are all the node's arguments (reductions,
     * softmax, element) run {@link #vjp} on {@code seed}. A full VJP per row would cost O(width) for
     * every elementwise row: O(S^2) over an S-wide node.
     *
     * @param seed Modified, then restored: all zeros, of the node's width.
     * @param dst Modified: accumulated into.
     */
    public void vjpRow(int r, double[] z, int a, int b, double[] p, int c, double[] f, int fo,
            double[] seed, double[] dst, int da, int db) {
        switch (this) {
            case COPY, STEP -> dst[da + r] += derivative(z[a + r], f[fo + r]);
            case ADD, SUB -> {
                dst[da + r] += 1;
                dst[db + r] += this == ADD ? 1 : -1;
            }
            case HADAMARD -> {
                dst[da + r] += z[b + r];
                dst[db + r] += z[a + r];
            }
            case SCALE -> dst[da + r] += p[c + 1];
            case AFFINE -> dst[da + r] += p[c + 2];
            case SCALE_BY -> {
                dst[da] += z[b + r];
                dst[db + r] += z[a];
            }
            default -> {
                seed[r] = 1;
                vjp(z, a, b, p, c, f, fo, seed, 0, dst, da, db);
                seed[r] = 0;
            }
        }
    }

    /**
     * The Jacobian-vector product {@code dz[o..] = J_a t[ta..] + J_b t[tb..]}, partials taken as in
     * {@link #vjp}.
     *
     * @param z Not modified.
     * @param f Not modified.
     * @param t Not modified: the argument tangents.
     * @param dz Modified: entries {@code [o, o + width)}.
     */
    public void jvp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
            double[] t, int ta, int tb, double[] dz, int o) {
        for (int k = 0, w = (int) p[c]; k < w; k++) {
            dz[o + k] = times(t[ta + k], derivative(z[a + k], f[fo + k]));
        }
    }

    /**
     * The second-order part of the VJP along tangents, declared beside the first-order rules:
     * {@code dst_a += sum_r lambda_r ((d^2 f_r / da da) t_a + (d^2 f_r / da db) t_b)} and {@code dst_b}
     * likewise: the term a second-order adjoint sweep adds to the VJP of its tangent multipliers
     * ({@code SecondOrder}). Zero for the linear primitives. Every primitive declares it; softmax reads
     * its own tangent {@code t[tf..]} (its Jacobian times {@code t_a}).
     *
     * @param z Not modified: the values; arguments at a and b.
     * @param f Not modified: the node's value, from fo.
     * @param t Not modified: the tangents; arguments at ta and tb, the node's own at tf.
     * @param lambda Not modified: the node's multipliers, from lo.
     * @param dst Modified: accumulated into at da and db.
     */
    public abstract void secondOrderVjp(double[] z, int a, int b, double[] p, int c, double[] f, int fo,
            double[] t, int ta, int tb, int tf, double[] lambda, int lo, double[] dst, int da, int db);

    /**
     * The same function in forward-mode arithmetic, one {@link DerivativeStructure} per slot.
     *
     * @param z Not modified.
     * @param f Modified: entries {@code [fo, fo + width)}.
     */
    public void value(DerivativeStructure[] z, int a, int b, double[] p, int c, DerivativeStructure[] f, int fo) {
        for (int k = 0, w = (int) p[c]; k < w; k++) {
            f[fo + k] = scalar(z[a + k]);
        }
    }

    /**
     * The entries of argument {@code k} (0 or 1; any for STACK; of width {@code argWidth}) that row r of
     * the Jacobian can depend on, its structural sparsity, which Newton's block patterns use: their
     * offsets into the argument, each plus {@code base}, written to {@code out[at..]} in increasing
     * order. A contiguous range for most primitives; for SPARSE_MATVEC's x, the columns of row r.
     *
     * @param out Modified: entries from {@code at}, at most {@code argWidth} of them.
     * @return {@code at} plus the number of entries written
     */
    public int rowSupport(int k, int r, int argWidth, double[] p, int c, int[] out, int at, int base) {
        int first = 0;
        int count = argWidth;
        switch (this) {
            case COPY, MAP, ZIP, ADD, SUB, HADAMARD, SCALE, AFFINE -> {
                first = r;
                count = 1;
            }
            case STEP -> count = 0;
            case MATVEC_T -> { // (y, W): all of y, column r of W
                if (k == 1) {
                    for (int e = base + r, n = (int) p[c + 1], end = base + argWidth; e < end; e += n) {
                        out[at++] = e;
                    }
                    return at;
                }
            }
            case OUTER -> {
                first = k == 0 ? r / (int) p[c + 1] : r % (int) p[c + 1];
                count = 1;
            }
            case SCALE_BY -> {
                first = k == 0 ? 0 : r;
                count = 1;
            }
            case MATVEC -> {
                if (k == 0) {
                    first = r * (int) p[c + 1];
                    count = (int) p[c + 1];
                }
            }
            case ELEMENT -> {
                first = (int) p[c];
                count = 1;
            }
            case STACK -> count = k == r ? 1 : 0;
            case SPARSE_MATVEC -> {
                int rows = c + SPARSE_ROW_START;
                first = (int) p[rows + r];
                count = (int) p[rows + r + 1] - first;
                if (k == 1) {
                    // The columns of row r: not contiguous.
                    for (int e = rows + (int) p[c] + 1 + first, end = e + count; e < end; e++) {
                        out[at++] = base + (int) p[e];
                    }
                    return at;
                }
            }
            default -> { }
        }
        for (int e = base + first, end = e + count; e < end; e++) {
            out[at++] = e;
        }
        return at;
    }

    /** An elementwise map's derivative at argument a with value f. */
    double derivative(double a, double f) {
        throw new UnsupportedOperationException(symbol + " is not an elementwise map");
    }

    /** An elementwise map in forward mode. */
    DerivativeStructure scalar(DerivativeStructure a) {
        throw new UnsupportedOperationException(symbol + " is not an elementwise map");
    }

    /** {@code f[fo + k] = z[a + k] + sign z[b + k]}: ADD and SUB, and their (linear) tangents. */
    private static void linearValue(double[] z, int a, int b, double sign, int w, double[] f, int fo) {
        for (int k = 0; k < w; k++) {
            f[fo + k] = z[a + k] + sign * z[b + k];
        }
    }

    /** The VJP of {@code a + sign b}. */
    private static void linearVjp(double sign, int w, double[] lambda, int lo, double[] dst, int da, int db) {
        for (int k = 0; k < w; k++) {
            double l = lambda[lo + k];
            dst[da + k] += l;
            dst[db + k] += sign * l;
        }
    }

    /** SPARSE_MATVEC's VJP for row r's entries {@code [start, end)} with multiplier l. */
    private static void addRow(double[] z, int a, int b, double[] p, int cols, int start, int end, double l,
            double[] dst, int da, int db) {
        for (int e = start; e < end; e++) {
            int j = (int) p[cols + e];
            dst[da + e] += l * z[b + j];
            dst[db + j] += l * z[a + e];
        }
    }

    /**
     * {@code dst[o + k] (+)= s src[so + k]} for k below w: the (linear) VJP and JVP of SCALE and AFFINE.
     *
     * @param src Not modified.
     * @param dst Modified: accumulated into when {@code add}, else overwritten.
     */
    private static void scaled(double s, int w, double[] src, int so, double[] dst, int o, boolean add) {
        if (add) {
            for (int k = 0; k < w; k++) {
                dst[o + k] += s * src[so + k];
            }
        } else {
            for (int k = 0; k < w; k++) {
                dst[o + k] = s * src[so + k];
            }
        }
    }

    /** {@code t * d}, taken as 0 when the tangent t is 0 even if d is not finite. */
    private static double times(double t, double d) {
        return t == 0 ? 0 : t * d;
    }

    private static double max(double[] z, int a, int w) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < w; k++) {
            m = Math.max(m, z[a + k]);
        }
        return m;
    }

    private static double logSumExp(double[] z, int a, int w) {
        double m = max(z, a, w);
        if (m == Double.NEGATIVE_INFINITY || m == Double.POSITIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (int k = 0; k < w; k++) {
            s += Math.exp(z[a + k] - m);
        }
        return m + Math.log(s);
    }

    private static DerivativeStructure logSumExp(DerivativeStructure[] z, int a, int w) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < w; k++) {
            m = Math.max(m, z[a + k].getValue());
        }
        DerivativeStructure s = z[a].subtract(m).exp();
        for (int k = 1; k < w; k++) {
            s = s.add(z[a + k].subtract(m).exp());
        }
        return s.log().add(m);
    }
}
