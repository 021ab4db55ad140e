/**
 * Block-coordinate steps on acyclic programs: the forward pass (z-step), back-substitution
 * (lambda-step, reverse mode), tangent sweeps (forward mode) and Jacobians.
 */
package dev.lagrange.solve.substitution;
