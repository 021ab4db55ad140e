/**
 * The {@code .lag} language: {@link dev.lagrange.lang.LagParser} turns source text into a
 * {@link dev.lagrange.program.Program}, {@link dev.lagrange.lang.LagPrinter} writes any program back
 * as source that parses to an equal program, and {@link dev.lagrange.lang.Diagnostic} /
 * {@link dev.lagrange.lang.LagException} carry errors as {@code FILE:LINE:COLUMN: error: message}.
 * The language is described in {@code docs/lag-language.md}.
 */
package dev.lagrange.lang;
