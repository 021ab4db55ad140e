/**
 * The constraint program: its builder, its immutable flat-array form, the strongly connected
 * components of its dependency graph, workspaces and the linear-time sweeps over its nodes.
 */
package dev.lagrange.program;
