/**
 * Vector nodes at network scale: a 50-layer, width-100 tanh network's forward pass and gradient
 * as scalar nodes, as vector nodes, and as hand-written plain-array and EJML code.
 */
package dev.lagrange.bench.vector;
