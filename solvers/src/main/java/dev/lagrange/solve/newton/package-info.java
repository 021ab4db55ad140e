/**
 * Cyclic blocks {@code g(z_B) = z_B - f_B(z) = 0}: Newton's method with an analytic block Jacobian,
 * a structural rank check, dense LU factors (EJML) reused for the transposed multiplier solve
 * {@code J_B^T lambda_B = rhs} (the implicit function theorem), and a 1-norm condition estimate.
 */
package dev.lagrange.solve.newton;
