/**
 * Executable Jupyter notebooks for a Java kernel and the runner that executes them: {@link
 * dev.lagrange.notebooks.NotebookRunner} runs every code cell of an {@code .ipynb} file in a JShell on
 * this module's class path and writes the notebook back with its outputs (text, values and PNG
 * charts). Presentation only: every computation in a notebook goes through the library's public API.
 */
package dev.lagrange.notebooks;
