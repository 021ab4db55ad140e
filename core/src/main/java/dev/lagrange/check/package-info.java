/** Independent gradient checks: finite differences and forward mode, for researchers and tests. */
package dev.lagrange.check;
