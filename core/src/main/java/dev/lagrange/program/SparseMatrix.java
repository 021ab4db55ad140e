package dev.lagrange.program;

/**
 * An m x n sparse matrix of a program in compressed sparse row (CSR) form: a fixed pattern and a
 * vector variable {@code values} holding its nnz nonzeros in CSR order. Row r's entries are
 * {@code e = rowStart[r] .. rowStart[r + 1] - 1}, entry e in column {@code colIndex[e]} with value
 * {@code values[e]}; columns increase strictly within a row. {@link Program.Builder#inputSparseMatrix}
 * declares one whose values are inputs (so {@code dJ/dA_e} is part of the gradient), and
 * {@link Program.Builder#sparseMatvec(SparseMatrix, Var)} multiplies it by a vector.
 *
 * <p>The arrays are copied in and must not be modified through the accessors.
 *
 * @param values the nnz nonzero values, in CSR order
 * @param rows m
 * @param cols n
 * @param rowStart m + 1 offsets, from 0 to nnz, non-decreasing
 * @param colIndex nnz column indices (0-based), strictly increasing within each row
 */
public record SparseMatrix(Var values, int rows, int cols, int[] rowStart, int[] colIndex) {
    /** @throws IllegalArgumentException when the pattern is not valid CSR ({@link #checkPattern}) */
    public SparseMatrix {
        rowStart = rowStart.clone();
        colIndex = colIndex.clone();
        checkPattern("SparseMatrix", rows, cols, rowStart, colIndex);
    }

    /** The number of stored nonzeros. */
    public int nnz() {
        return colIndex.length;
    }

    /**
     * Checks a CSR pattern: {@code rows, cols >= 1}; {@code rowStart} has {@code rows + 1} entries,
     * starts at 0, never decreases and ends at {@code colIndex.length}; each column is in
     * {@code [0, cols)} and a row's columns increase strictly (sorted, no duplicates). O(rows + nnz).
     *
     * @param where the operation, for messages
     * @param rowStart Not modified.
     * @param colIndex Not modified.
     * @throws IllegalArgumentException naming the first offending entry
     */
    public static void checkPattern(String where, int rows, int cols, int[] rowStart, int[] colIndex) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(where + ": a sparse matrix is at least 1 x 1, got " + rows + " x " + cols);
        }
        if (rowStart.length != rows + 1) {
            throw new IllegalArgumentException(where + ": rowStart has " + rowStart.length + " entries; a " + rows
                    + "-row matrix needs rows + 1 = " + (rows + 1));
        }
        if (rowStart[0] != 0) {
            throw new IllegalArgumentException(where + ": rowStart[0] is " + rowStart[0] + ", not 0");
        }
        if (rowStart[rows] != colIndex.length) {
            throw new IllegalArgumentException(where + ": rowStart[" + rows + "] is " + rowStart[rows] + " but colIndex has "
                    + colIndex.length + " entries (nnz)");
        }
        for (int r = 0; r < rows; r++) {
            if (rowStart[r + 1] < rowStart[r]) {
                throw new IllegalArgumentException(where + ": rowStart decreases: rowStart[" + (r + 1) + "] = "
                        + rowStart[r + 1] + " < rowStart[" + r + "] = " + rowStart[r]);
            }
            for (int e = rowStart[r]; e < rowStart[r + 1]; e++) {
                int j = colIndex[e];
                if (j < 0 || j >= cols) {
                    throw new IllegalArgumentException(where + ": colIndex[" + e + "] = " + j + " (row " + r
                            + ") is outside 0.." + (cols - 1));
                }
                if (e > rowStart[r] && j <= colIndex[e - 1]) {
                    throw new IllegalArgumentException(where + ": row " + r + (j == colIndex[e - 1]
                            ? " lists column " + j + " twice (colIndex[" + (e - 1) + "] and colIndex[" + e + "])"
                            : "'s columns are not sorted: colIndex[" + (e - 1) + "] = " + colIndex[e - 1] + " > colIndex["
                                    + e + "] = " + j));
                }
            }
        }
    }
}
