package dev.lagrange.solve.admm;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The updates of Taylor et al.'s ADMM, each the exact minimiser of the penalised objective over one
 * block of variables with the others held. Matrices hold one column per sample (n columns); layer
 * widths are at most a few hundred, so every solve is a small SPD system by Cholesky. A numerical
 * failure is a return value ({@code false}), misuse an exception. Every matrix result has its
 * subnormal entries (below {@link Double#MIN_NORMAL}) set to zero: a dead ReLU unit's activations and
 * weights decay geometrically over the sweeps into subnormal numbers, which carry nothing and made
 * sweeps about 8x slower after a few hundred of them.
 *
 * <p>Reference: Taylor et al., "Training Neural Networks Without Gradients: A Scalable ADMM
 * Approach", ICML 2016, Algorithm 1 and Section 4.
 */
public final class AdmmUpdates {
    private AdmmUpdates() {
    }

    /**
     * The weight step W = argmin_W ||z - W a||_F^2, which is z a^+ for a of full row rank, solved by
     * the normal equations with a tiny Tikhonov term, W = z a^T (a a^T + eps I)^{-1},
     * eps = ridge * max(trace(a a^T) / k, 1). O(n k^2 + k^3 + n k r) for a of size k x n, z of size r x n.
     *
     * @param z the target pre-activations, r x n; not modified
     * @param a the layer's input activations, k x n; not modified
     * @param ridge the relative Tikhonov term (0 for the plain normal equations)
     * @param w the weights, r x k; modified (the result)
     * @return false if a a^T + eps I is not numerically positive definite (w is then unspecified)
     */
    public static boolean weightStep(DMatrixRMaj z, DMatrixRMaj a, double ridge, DMatrixRMaj w) {
        int k = a.numRows;
        DMatrixRMaj gram = new DMatrixRMaj(k, k);
        CommonOps_DDRM.multTransB(a, a, gram);
        double eps = ridge * Math.max(CommonOps_DDRM.trace(gram) / k, 1);
        for (int i = 0; i < k; i++) {
            gram.unsafe_set(i, i, gram.unsafe_get(i, i) + eps);
        }
        DMatrixRMaj azT = new DMatrixRMaj(k, z.numRows);
        CommonOps_DDRM.multTransB(a, z, azT);
        DMatrixRMaj wT = new DMatrixRMaj(k, z.numRows);
        if (!CommonOps_DDRM.solveSPD(gram, azT, wT)) {
            return false;
        }
        CommonOps_DDRM.transpose(wT, w);
        flushSubnormals(w);
        return allFinite(w);
    }

    /**
     * The activation step a = argmin beta ||zNext - wNext a||^2 + gamma ||a - h(z)||^2, the ridge
     * problem a = (beta wNext^T wNext + gamma I)^{-1} (beta wNext^T zNext + gamma h(z)).
     * O(k^2 r + k^3 + n k (r + k)) for wNext of size r x k.
     *
     * @param wNext W_{l+1}, r x k; not modified
     * @param zNext the target of the next layer, z_{l+1}, r x n; not modified
     * @param z this layer's pre-activations z_l, k x n; not modified
     * @param beta the next layer's penalty beta_{l+1} > 0
     * @param gamma this layer's activation penalty gamma_l > 0
     * @param a the activations a_l, k x n; modified (the result)
     * @return false if the solve failed or produced a non-finite value
     */
    public static boolean activationStep(DMatrixRMaj wNext, DMatrixRMaj zNext, DMatrixRMaj z, double beta,
            double gamma, DMatrixRMaj a) {
        int k = wNext.numCols;
        DMatrixRMaj lhs = new DMatrixRMaj(k, k);
        CommonOps_DDRM.multTransA(beta, wNext, wNext, lhs);
        for (int i = 0; i < k; i++) {
            lhs.unsafe_set(i, i, lhs.unsafe_get(i, i) + gamma);
        }
        DMatrixRMaj rhs = z.copy();
        ReluNetwork.relu(rhs);
        CommonOps_DDRM.scale(gamma, rhs);
        CommonOps_DDRM.multAddTransA(beta, wNext, zNext, rhs);
        if (!CommonOps_DDRM.solveSPD(lhs, rhs, a)) {
            return false;
        }
        flushSubnormals(a);
        return allFinite(a);
    }

    /**
     * The ReLU pre-activation step for one entry, z = argmin gamma (a - h(z))^2 + beta (z - m)^2.
     * On z >= 0 the minimiser is max((gamma a + beta m) / (gamma + beta), 0); on z <= 0 it is
     * min(m, 0); the cheaper of the two is the global minimiser (ties go to the non-negative one).
     *
     * @param a the activation target
     * @param m the linear prediction (W a_{l-1}) entry
     * @param beta the linear penalty, > 0
     * @param gamma the activation penalty, > 0
     */
    public static double reluStep(double a, double m, double beta, double gamma) {
        double positive = Math.max((gamma * a + beta * m) / (gamma + beta), 0);
        double negative = Math.min(m, 0);
        double costPositive = gamma * (a - positive) * (a - positive) + beta * (positive - m) * (positive - m);
        double costNegative = gamma * a * a + beta * (negative - m) * (negative - m);
        return costPositive <= costNegative ? positive : negative;
    }

    /**
     * {@link #reluStep(double, double, double, double)} on every entry. O(n k).
     *
     * @param a the activations a_l; not modified
     * @param m the linear predictions W_l a_{l-1}; not modified
     * @param z the pre-activations z_l, same shape; modified (the result)
     */
    public static void reluStep(DMatrixRMaj a, DMatrixRMaj m, double beta, double gamma, DMatrixRMaj z) {
        int size = a.getNumElements();
        for (int k = 0; k < size; k++) {
            z.data[k] = reluStep(a.data[k], m.data[k], beta, gamma);
        }
        flushSubnormals(z);
    }

    /**
     * The output step z_L = argmin l(z, y) + lambda z + beta (z - m)^2 per sample, by
     * {@link Loss#outputStep}. O(n).
     *
     * @param m the linear predictions W_L a_{L-1}, 1 x n; not modified
     * @param lambda the output multipliers, 1 x n; not modified
     * @param y the labels, 1 x n; not modified
     * @param z the outputs z_L, 1 x n; modified (the result)
     */
    public static void outputStep(Loss loss, DMatrixRMaj m, DMatrixRMaj lambda, DMatrixRMaj y, double beta, DMatrixRMaj z) {
        int size = m.getNumElements();
        for (int k = 0; k < size; k++) {
            z.data[k] = loss.outputStep(m.data[k], lambda.data[k], beta, y.data[k]);
        }
    }

    /**
     * The multiplier step lambda <- lambda + beta (z - m), added to the old multipliers. O(n).
     * Taylor et al. step by beta, half the 2 beta that the penalty beta ||.||^2 = (rho / 2) ||.||^2
     * would give in textbook ADMM; we keep their step.
     *
     * @param z the outputs z_L; not modified
     * @param m the linear predictions W_L a_{L-1}; not modified
     * @param lambda the multipliers; modified (the result)
     */
    public static void multiplierStep(DMatrixRMaj z, DMatrixRMaj m, double beta, DMatrixRMaj lambda) {
        int size = z.getNumElements();
        for (int k = 0; k < size; k++) {
            lambda.data[k] += beta * (z.data[k] - m.data[k]);
        }
    }

    /** Sets entries smaller in magnitude than {@link Double#MIN_NORMAL} to zero. @param x modified */
    static void flushSubnormals(DMatrixRMaj x) {
        int size = x.getNumElements();
        for (int k = 0; k < size; k++) {
            if (Math.abs(x.data[k]) < Double.MIN_NORMAL) {
                x.data[k] = 0;
            }
        }
    }

    static boolean allFinite(DMatrixRMaj x) {
        int size = x.getNumElements();
        for (int k = 0; k < size; k++) {
            if (!Double.isFinite(x.data[k])) {
                return false;
            }
        }
        return true;
    }
}
