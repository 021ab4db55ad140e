/** The Lagrangian of a constraint program: its value, gradients and KKT residuals at any point. */
package dev.lagrange.lagrangian;
