/**
 * Sparse second derivatives: the Hessian's sparsity read from the program's graph
 * ({@link dev.lagrange.sparsity.HessianPattern}), a star colouring of it
 * ({@link dev.lagrange.sparsity.StarColouring}) and the Hessian recovered from one Hessian-vector
 * product per colour ({@link dev.lagrange.sparsity.SparseHessian}).
 */
package dev.lagrange.sparsity;
