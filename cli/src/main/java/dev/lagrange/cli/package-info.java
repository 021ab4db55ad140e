/**
 * The {@code lagrange} command: {@code solve}, {@code adjoint} and {@code graph} over {@code .lag}
 * files, their table, JSON and Graphviz output, and the exit codes of the contract in
 * {@code spec/lag-language.md} (0 success, 2 a wrong program or command line, 3 a numerical failure,
 * 70 an internal error).
 */
package dev.lagrange.cli;
