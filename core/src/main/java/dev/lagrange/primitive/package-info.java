/**
 * The primitives: each local function a constraint may apply, declared once with its value, its
 * local partial derivatives and a forward-mode version for independent checks.
 */
package dev.lagrange.primitive;
