package dev.lagrange.solve.newton;

import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.ops.DConvertMatrixStruct;

/**
 * The block Jacobian J of one Newton iterate, assembled and factored: dense (EJML row-major, dense
 * LU) for small blocks, compressed sparse columns (EJML sparse LU with a reverse Cuthill-McKee order)
 * for large ones, or no factors at all above {@link NewtonOptions#krylovAbove()} unknowns, where GMRES
 * solves from products with the assembled partials. Products with J and J^T serve the steepest-descent fallback and the multiplier
 * residual; the factors serve the Newton step and the transposed multiplier solve.
 */
abstract class Linearization {
    final BlockSystem block;
    Factorization factors;

    Linearization(BlockSystem block) {
        this.block = block;
    }

    /**
     * Dense LU up to {@code denseLimit} unknowns, sparse LU up to {@code krylovAbove}, GMRES
     * above (preconditioned by the diagonal, or by a Gauss-Seidel sweep for a block with a vector node).
     */
    static Linearization of(BlockSystem block, NewtonOptions options) {
        if (block.m <= options.denseLimit()) {
            return new Dense(block);
        }
        return new Sparse(block, block.m > options.krylovAbove() ? options : null);
    }

    /** The method named in reports. */
    abstract String method();

    /**
     * Assembles J at z and factors it.
     *
     * @param z Not modified.
     * @return the first node with a partial derivative that is not finite (nothing factored), or -1
     */
    abstract int factor(double[] z);

    /** {@code out = J v}. Arrays: v not modified, out modified. */
    abstract void multiply(double[] v, double[] out);

    /** {@code out = J^T v}. Arrays: v not modified, out modified. */
    abstract void multiplyTransposed(double[] v, double[] out);

    /**
     * Gives up the Krylov path for sparse LU, at z: for a Jacobian on which GMRES stalls.
     *
     * @param z Not modified.
     * @return false when J was factored already (nothing changed), else as {@link #factor}'s
     *     non-finite check: true when the new factors are in place
     */
    boolean factorInstead(double[] z) {
        return false;
    }

    /** J as a dense matrix for a singular value decomposition, or null when the block is too large. */
    abstract DMatrixRMaj dense();

    static final class Dense extends Linearization {
        private final DMatrixRMaj jac;

        Dense(BlockSystem block) {
            super(block);
            jac = new DMatrixRMaj(block.m, block.m);
        }

        @Override
        String method() {
            return "newton-dense-lu";
        }

        @Override
        int factor(double[] z) {
            jac.zero();
            int m = block.m;
            double[] data = jac.data;
            int bad = block.jacobian(z, (r, c, v) -> data[r * m + c] += v);
            if (bad < 0) {
                factors = new DenseLu(jac);
            }
            return bad;
        }

        @Override
        void multiply(double[] v, double[] out) {
            int m = block.m;
            for (int r = 0; r < m; r++) {
                double s = 0;
                for (int c = 0; c < m; c++) {
                    s += jac.data[r * m + c] * v[c];
                }
                out[r] = s;
            }
        }

        @Override
        void multiplyTransposed(double[] v, double[] out) {
            int m = block.m;
            java.util.Arrays.fill(out, 0, m, 0);
            for (int r = 0; r < m; r++) {
                double vr = v[r];
                for (int c = 0; c < m; c++) {
                    out[c] += jac.data[r * m + c] * vr;
                }
            }
        }

        @Override
        DMatrixRMaj dense() {
            return jac;
        }
    }

    static final class Sparse extends Linearization {
        /** Blocks up to this size are densified to name the unknowns of a singular Jacobian. */
        private static final int DENSE_DIAGNOSIS_LIMIT = 2000;

        private final int[] colStart;
        private final int[] rows;
        private final double[] values;
        private final int[] mark;
        /** Null for sparse LU; the Krylov settings when J is only multiplied, never factored. */
        private NewtonOptions krylov;
        /**
         * GMRES's preconditioner: a Gauss-Seidel sweep for a block with a vector node, the diagonal
         * (Jacobi) for a block of scalars. A vector block's unknowns are chains of whole-vector nodes
         * ({@code V = r + 0.9 spmv(P, V)} is four: the sum, the scaling, the product and V itself),
         * each link one Krylov step under Jacobi, while a sweep in slot order carries a value along
         * the chain in one application, and leaves residuals only on the rows of the chain's back
         * edges, where GMRES then keeps its vectors (a 10^5-state sparse MDP: 6.9 s with Jacobi, 1.1 s
         * with the sweep). Scalar blocks keep Jacobi, as before this preconditioner existed; on the
         * scalar form of that MDP the sweep measured 0.35 s against Jacobi's 0.50 s (one-off runs),
         * so switching them too is worth a review of its own.
         */
        private final boolean gaussSeidel;
        private boolean fellBack;
        private DMatrixSparseCSC jac;

        Sparse(BlockSystem block, NewtonOptions krylov) {
            super(block);
            this.krylov = krylov;
            int[][] pattern = block.pattern();
            int m = block.m;
            gaussSeidel = block.hasVectorNode();
            // The pattern is fixed, so the compressed columns are laid out once; entries of an
            // implicit unknown's cancelling identity are kept as explicit zeros on the diagonal.
            int[] count = new int[m + 1];
            mark = new int[m];
            java.util.Arrays.fill(mark, -1);
            for (int r = 0; r < m; r++) {
                count[r + 1]++; // the diagonal, always given room
                mark[r] = r;
                for (int k = pattern[0][r]; k < pattern[0][r + 1]; k++) {
                    int c = pattern[1][k];
                    if (mark[c] != r) {
                        mark[c] = r;
                        count[c + 1]++;
                    }
                }
            }
            for (int c = 0; c < m; c++) {
                count[c + 1] += count[c];
            }
            colStart = count;
            rows = new int[count[m]];
            values = new double[count[m]];
            int[] fill = java.util.Arrays.copyOf(count, m);
            java.util.Arrays.fill(mark, -1);
            for (int r = 0; r < m; r++) {
                rows[fill[r]++] = r;
                mark[r] = r;
                for (int k = pattern[0][r]; k < pattern[0][r + 1]; k++) {
                    int c = pattern[1][k];
                    if (mark[c] != r) {
                        mark[c] = r;
                        rows[fill[c]++] = r;
                    }
                }
            }
        }

        @Override
        String method() {
            String gmres = gaussSeidel ? "newton-gmres-gs" : "newton-gmres-jacobi";
            return krylov != null ? gmres : fellBack ? gmres + "-then-sparse-lu-rcm" : "newton-sparse-lu-rcm";
        }

        @Override
        int factor(double[] z) {
            java.util.Arrays.fill(values, 0);
            int bad = block.jacobian(z, (r, c, v) -> values[position(r, c)] += v);
            if (bad >= 0) {
                return bad;
            }
            int m = block.m;
            if (krylov != null) {
                double[] inverseDiagonal = new double[m];
                for (int c = 0; c < m; c++) {
                    double d = values[position(c, c)];
                    inverseDiagonal[c] = d == 0 ? 1 : 1 / d;
                }
                Gmres.Preconditioner preconditioner = gaussSeidel ? gaussSeidel(inverseDiagonal)
                        : (v, out, transposed) -> {
                            for (int i = 0; i < m; i++) {
                                out[i] = v[i] * inverseDiagonal[i];
                            }
                        };
                factors = new Gmres(this, m, preconditioner,
                        krylov.krylovTolerance(), krylov.krylovRestart(), krylov.krylovMaxProducts());
                return -1;
            }
            jac = new DMatrixSparseCSC(m, m, values.length);
            System.arraycopy(colStart, 0, jac.col_idx, 0, m + 1);
            System.arraycopy(rows, 0, jac.nz_rows, 0, rows.length);
            System.arraycopy(values, 0, jac.nz_values, 0, values.length);
            jac.nz_length = values.length;
            jac.indicesSorted = true;
            factors = new SparseLu(jac, new ReverseCuthillMcKee());
            return -1;
        }

        @Override
        boolean factorInstead(double[] z) {
            if (krylov == null) {
                return false;
            }
            krylov = null;
            fellBack = true;
            return factor(z) < 0;
        }

        /**
         * The Gauss-Seidel preconditioner {@code M = D + L} (the diagonal, a zero taken as 1, and the
         * strictly lower part of J, copied by column), with the rows where {@code E = J - M} has
         * entries: the rows with an entry right of the diagonal, or a zero on it (for J^T: the columns
         * with an entry above the diagonal, or a zero on it). O(nnz(J)) to build; each application,
         * {@code M^{-1} v} by forward substitution down the columns or {@code M^{-T} v} by backward
         * substitution, O(nnz(L) + m).
         */
        private Gmres.Preconditioner gaussSeidel(double[] inverseDiagonal) {
            int m = block.m;
            boolean[] rowOfE = new boolean[m];
            boolean[] columnOfE = new boolean[m];
            int[] lowerStart = new int[m + 1];
            for (int c = 0; c < m; c++) {
                for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                    int r = rows[k];
                    if (r > c) {
                        lowerStart[c + 1]++;
                    } else if (r < c || values[k] == 0) {
                        rowOfE[r] = true;
                        columnOfE[c] = true;
                    }
                }
                lowerStart[c + 1] += lowerStart[c];
            }
            int[] lowerRows = new int[lowerStart[m]];
            double[] lower = new double[lowerStart[m]];
            for (int c = 0, e = 0; c < m; c++) {
                for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                    if (rows[k] > c) {
                        lowerRows[e] = rows[k];
                        lower[e++] = values[k];
                    }
                }
            }
            int[] residualRows = indices(rowOfE);
            int[] residualColumns = indices(columnOfE);
            return new Gmres.Preconditioner() {
                @Override
                public void apply(double[] v, double[] out, boolean transposed) {
                    if (transposed) {
                        for (int c = m - 1; c >= 0; c--) {
                            double s = v[c];
                            for (int k = lowerStart[c], end = lowerStart[c + 1]; k < end; k++) {
                                s -= lower[k] * out[lowerRows[k]];
                            }
                            out[c] = s * inverseDiagonal[c];
                        }
                        return;
                    }
                    System.arraycopy(v, 0, out, 0, m);
                    for (int c = 0; c < m; c++) {
                        double u = out[c] * inverseDiagonal[c];
                        out[c] = u;
                        if (u != 0) {
                            for (int k = lowerStart[c], end = lowerStart[c + 1]; k < end; k++) {
                                out[lowerRows[k]] -= lower[k] * u;
                            }
                        }
                    }
                }

                @Override
                public int[] residualRows(boolean transposed) {
                    return transposed ? residualColumns : residualRows;
                }
            };
        }

        private static int[] indices(boolean[] set) {
            int count = 0;
            for (boolean b : set) {
                count += b ? 1 : 0;
            }
            int[] out = new int[count];
            for (int i = 0, e = 0; i < set.length; i++) {
                if (set[i]) {
                    out[e++] = i;
                }
            }
            return out;
        }

        private int position(int r, int c) {
            // columns hold few entries: a linear scan beats a search structure
            for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                if (rows[k] == r) {
                    return k;
                }
            }
            throw new IllegalStateException("entry (" + r + ", " + c + ") outside the block's pattern");
        }

        @Override
        void multiply(double[] v, double[] out) {
            java.util.Arrays.fill(out, 0, block.m, 0);
            for (int c = 0; c < block.m; c++) {
                for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                    out[rows[k]] += values[k] * v[c];
                }
            }
        }

        @Override
        void multiplyTransposed(double[] v, double[] out) {
            for (int c = 0; c < block.m; c++) {
                double s = 0;
                for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                    s += values[k] * v[rows[k]];
                }
                out[c] = s;
            }
        }

        @Override
        DMatrixRMaj dense() {
            return jac != null && block.m <= DENSE_DIAGNOSIS_LIMIT ? DConvertMatrixStruct.convert(jac, (DMatrixRMaj) null) : null;
        }
    }
}
