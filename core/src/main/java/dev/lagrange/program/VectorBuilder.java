package dev.lagrange.program;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import java.util.List;

/**
 * The vector half of {@link Program.Builder}: vector and matrix inputs, and one method per
 * {@link VectorPrimitive} ({@code matvec}, {@code map}, {@code softmax}, ...), each checking its
 * operands' shapes (throwing a {@link ProgramException} that names them) and recording one node
 * whose value occupies as many slots as it has entries.
 */
abstract class VectorBuilder extends ScalarBuilder {
    VectorBuilder(int capacity) {
        super(capacity);
    }

    // Vector nodes. A vector or matrix node owns a contiguous range of slots; a matrix is
    // row-major, so W[r, j] (1-based, as in the .lag language) is slot slot(W) + (r - 1) n + (j - 1).
    // Each operation checks shapes here, so that the kernels need not.

    /**
     * Declares the input block {@code name} of {@code defaults.length} entries (NaN: given at solve
     * time): inputs {@code k0 .. k0 + w - 1}, where k0 is the number of inputs declared before.
     *
     * @param defaults Not modified.
     */
    public Var inputVector(String name, double[] defaults) {
        return inputBlock(name, defaults.length, 1, defaults, 1, 1);
    }

    /**
     * Declares the {@code rows x cols} input block {@code name}, row-major: entry (r, j) is input
     * {@code k0 + r cols + j} (0-based r, j).
     *
     * @param defaults Not modified: {@code rows * cols} values, row-major.
     */
    public Var inputMatrix(String name, int rows, int cols, double[] defaults) {
        return inputMatrix(name, rows, cols, defaults, 1, 1);
    }

    /**
     * {@link #inputMatrix(String, int, int, double[])} whose entries are labelled from the index
     * bases given instead of 1 ({@code P[0,0]} for bases 0, 0): the {@code .lag} declaration
     * {@code input P[0..2, 0..2]}. The bases are part of the program (its parameters); they change
     * labels only, never values.
     *
     * @param defaults Not modified: {@code rows * cols} values, row-major.
     */
    public Var inputMatrix(String name, int rows, int cols, double[] defaults, int rowBase, int colBase) {
        if (rows < 1 || cols < 1 || defaults.length != rows * cols) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix needs " + rows * cols
                    + " defaults, got " + defaults.length);
        }
        // A single column is a vector labelled x[k]: its column base is never shown, so it is always 1.
        return inputBlock(name, rows, cols, defaults, rowBase, cols == 1 ? 1 : colBase);
    }

    /**
     * {@link #inputVector(String, double[])} whose entries are labelled from {@code base} instead
     * of 1 ({@code x[0]} for base 0).
     *
     * @param defaults Not modified.
     */
    public Var inputVector(String name, double[] defaults, int base) {
        return inputBlock(name, defaults.length, 1, defaults, base, 1);
    }

    private Var inputBlock(String name, int rows, int cols, double[] defaults, int rowBase, int colBase) {
        int w = rows * cols;
        if (w < 1) {
            throw new IllegalArgumentException("an input block needs at least one entry");
        }
        return inputBlock(name, new double[] {inputs.size(), w, cols, rowBase, colBase}, rows, cols, defaults);
    }

    /**
     * Declares the {@code rows x cols} sparse matrix {@code name} in CSR form: its nnz values are an
     * input block (inputs {@code k0 .. k0 + nnz - 1} in CSR order, labelled {@code name[r,j]},
     * 1-based, in messages and gradient reports), its pattern fixed.
     *
     * @param rowStart Not modified: rows + 1 offsets into colIndex.
     * @param colIndex Not modified: nnz columns, 0-based, strictly increasing within a row.
     * @param values Not modified: nnz defaults (NaN: given at solve time).
     * @throws IllegalArgumentException when the pattern is not valid CSR
     *     ({@link SparseMatrix#checkPattern}), has no entry, or values has another length
     */
    public SparseMatrix inputSparseMatrix(String name, int rows, int cols, int[] rowStart, int[] colIndex,
            double[] values) {
        String where = "inputSparseMatrix(" + name + ")";
        SparseMatrix.checkPattern(where, rows, cols, rowStart, colIndex);
        int nnz = colIndex.length;
        if (nnz == 0 || values.length != nnz) {
            throw new IllegalArgumentException(where + ": " + (nnz == 0 ? "a sparse input matrix needs at least one "
                    + "nonzero" : "the pattern has " + nnz + " nonzeros but " + values.length + " values are given"));
        }
        // (first, w, 0, rowBase, colBase, m, n, rowStart, col): cols = 0 marks the pattern that
        // labels the entries, 1-based.
        double[] p = new double[7 + rows + 1 + nnz];
        p[0] = inputs.size();
        p[1] = nnz;
        p[3] = 1;
        p[4] = 1;
        p[5] = rows;
        p[6] = cols;
        copyIndices(rowStart, p, 7);
        copyIndices(colIndex, p, 7 + rows + 1);
        return new SparseMatrix(inputBlock(name, p, nnz, 1, values), rows, cols, rowStart, colIndex);
    }

    private Var inputBlock(String name, double[] params, int rows, int cols, double[] defaults) {
        int w = rows * cols;
        Var v = vectorNode(VectorPrimitive.INPUT, name, params, rows, cols);
        for (int k = 0; k < w; k++) {
            inputs.add(v.id);
            inputDefaults.add(defaults[k]);
        }
        return v;
    }

    /**
     * {@code W x} for an m x n block W (an input matrix) and an n-vector x: an m-vector. A
     * placeholder x of deferred width gets width n.
     */
    public Var matvec(Var W, Var x) {
        if (knownWidth(W) < 0) {
            throw unknownWidth("matvec", W, "a matrix must be defined before W @ x");
        }
        int[] shape = shape(W);
        int n = shape[1];
        implyWidth(x, n, "matvec(" + W + ", " + x + ")");
        if (width(x) != n || shape[0] * n == 1 && n != 1) {
            throw new ShapeException("@", new String[] {W.toString(), x.toString()}, new int[] {width(W), width(x)}, 0,
                    shape, null);
        }
        return vectorNode(VectorPrimitive.MATVEC, null, new double[] {shape[0], n}, shape[0], 1, W, x);
    }

    /**
     * {@code W^T y} for an m x n block W and an m-vector y: an n-vector ({@code y @ W} in .lag; the
     * node's arguments are y, then W). A placeholder y of deferred width gets width m.
     */
    public Var matvecTransposed(Var W, Var y) {
        if (knownWidth(W) < 0) {
            throw unknownWidth("matvecTransposed", W, "a matrix must be defined before y @ W");
        }
        int[] shape = shape(W);
        int m = shape[0];
        implyWidth(y, m, "matvecTransposed(" + W + ", " + y + ")");
        if (width(y) != m) {
            // written y @ W: the operands in that order
            throw new ShapeException("@", new String[] {y.toString(), W.toString()}, new int[] {width(y), width(W)}, 1,
                    shape, "y @ W needs as many as W has rows");
        }
        return vectorNode(VectorPrimitive.MATVEC_T, null, new double[] {m, shape[1]}, shape[1], 1, y, W);
    }

    /**
     * {@code a b^T} for an m-vector a and an n-vector b: an m x n matrix node, row-major, usable as
     * the matrix of {@link #matvec} (and the gradient of an m x n input block).
     */
    public Var outer(Var a, Var b) {
        if (knownWidth(a) < 0 || knownWidth(b) < 0) {
            throw unknownWidth("outer", knownWidth(a) < 0 ? a : b, null);
        }
        int m = width(a);
        int n = width(b);
        return vectorNode(VectorPrimitive.OUTER, null, new double[] {m, n}, m, n, a, b);
    }

    /** {@code c0 + c1 a_k} for each entry of a, constants c0 and c1: a vector's one-term weighted sum. */
    public Var vectorAffine(double c0, double c1, Var a) {
        if (knownWidth(a) < 0) {
            throw unknownWidth("vectorAffine", a, null);
        }
        int w = width(a);
        return vectorNode(VectorPrimitive.AFFINE, null, new double[] {w, c0, c1}, w, 1, a);
    }

    /** {@code [a_k > 0]} for each entry of a: 1 or 0 (relu's derivative, 0 at 0). */
    public Var step(Var a) {
        return elementwise(VectorPrimitive.STEP, a);
    }

    /**
     * {@code A x} for the sparse matrix A ({@link #inputSparseMatrix}) and a vector x of A's column
     * count: {@link #sparseMatvec(Var, int, int, int[], int[], Var)} with A's pattern.
     */
    public Var sparseMatvec(SparseMatrix A, Var x) {
        return sparseMatvec(A.values(), A.rows(), A.cols(), A.rowStart(), A.colIndex(), x);
    }

    /**
     * {@code z_r = sum_{e = rowStart[r]}^{rowStart[r+1] - 1} values_e x_{colIndex[e]}}: the rows x cols
     * matrix with the CSR pattern (rowStart, colIndex) and nonzeros {@code values} (a vector variable
     * of nnz entries, usually an input block: {@link #inputSparseMatrix}) times x, an m-vector. O(nnz +
     * rows) per evaluation; the pattern is stored in the node. A placeholder x of deferred width gets
     * width cols, as in {@link #matvec}; values must have a known width.
     *
     * @param rowStart Not modified.
     * @param colIndex Not modified.
     * @throws IllegalArgumentException when the pattern is not valid CSR ({@link SparseMatrix#checkPattern})
     *     or a width does not match
     * @throws ProgramException when values is a placeholder of deferred width
     */
    public Var sparseMatvec(Var values, int rows, int cols, int[] rowStart, int[] colIndex, Var x) {
        String where = "sparseMatvec(" + values + ", " + x + ")";
        SparseMatrix.checkPattern(where, rows, cols, rowStart, colIndex);
        if (knownWidth(values) < 0) {
            throw unknownWidth("sparseMatvec", values, "the values must be defined before sparseMatvec(values, ..., x)");
        }
        int nnz = colIndex.length;
        if (width(values) != nnz) {
            throw new IllegalArgumentException(where + ": the pattern has " + nnz + " nonzeros but " + values + " has "
                    + width(values) + " entries");
        }
        implyWidth(x, cols, where);
        if (width(x) != cols) {
            throw new IllegalArgumentException(where + ": the matrix is " + rows + " x " + cols + " but " + x + " has "
                    + width(x) + " entries");
        }
        int head = VectorPrimitive.SPARSE_ROW_START;
        double[] p = new double[head + rows + 1 + nnz];
        p[0] = rows;
        p[1] = cols;
        p[2] = nnz;
        copyIndices(rowStart, p, head);
        copyIndices(colIndex, p, head + rows + 1);
        return vectorNode(VectorPrimitive.SPARSE_MATVEC, null, p, rows, 1, values, x);
    }

    private static void copyIndices(int[] from, double[] to, int at) {
        for (int k = 0; k < from.length; k++) {
            to[at + k] = from[k];
        }
    }

    /** {@code f(a_k)} for each entry of a, for f a scalar primitive of one argument without parameter ({@code tanh}). */
    public Var map(Primitive f, Var a) {
        if (f.hasParameter()) {
            throw new IllegalArgumentException(f.symbol() + " takes a parameter: use map(f, parameter, a)");
        }
        return map(f, 0, a);
    }

    /** {@code f(a_k; p)} for each entry of a, for f a scalar primitive of one argument and p its parameter ({@code a_k ^ p}). */
    public Var map(Primitive f, double parameter, Var a) {
        if (!f.isElementwise() && f != Primitive.POWC) {
            throw new IllegalArgumentException("map needs a function of one argument or ^, not " + f.symbol()
                    + (f == Primitive.NEG ? ": use scale(-1, a)" : ""));
        }
        int w = sameWidth(VectorPrimitive.MAP, new Var[] {a});
        return vectorNode(VectorPrimitive.MAP, null, new double[] {w, f.ordinal(), parameter}, w, 1, a);
    }

    /**
     * {@code f(a_k, b_k)} for each pair of entries, for f a scalar primitive of two arguments
     * ({@code max}, {@code /}); a sum, difference or product is its own node ({@link #vectorAdd}, ...).
     */
    public Var zip(Primitive f, Var a, Var b) {
        switch (f) {
            case ADD -> { return vectorAdd(a, b); }
            case SUB -> { return vectorSub(a, b); }
            case MUL -> { return hadamard(a, b); }
            default -> {
                if (f.arity() != 2 || f == Primitive.IMPLICIT) {
                    throw new IllegalArgumentException("zip needs a primitive of two arguments, not " + f.symbol());
                }
            }
        }
        int w = sameWidth(f.symbol(), new Var[] {a, b});
        return vectorNode(VectorPrimitive.ZIP, null, new double[] {w, f.ordinal()}, w, 1, a, b);
    }

    /** {@code a + b} entry by entry. */
    public Var vectorAdd(Var a, Var b) {
        return elementwise(VectorPrimitive.ADD, a, b);
    }

    /** {@code a - b} entry by entry. */
    public Var vectorSub(Var a, Var b) {
        return elementwise(VectorPrimitive.SUB, a, b);
    }

    /** {@code a_k b_k}: the Hadamard product. */
    public Var hadamard(Var a, Var b) {
        return elementwise(VectorPrimitive.HADAMARD, a, b);
    }

    /** {@code c a} for a constant c. */
    public Var scale(double c, Var a) {
        if (knownWidth(a) < 0) {
            throw unknownWidth("scale", a, null);
        }
        int w = width(a);
        return vectorNode(VectorPrimitive.SCALE, null, new double[] {w, c}, w, 1, a);
    }

    /** {@code s b} for a scalar variable s and a vector b. */
    public Var scale(Var s, Var b) {
        if (knownWidth(b) < 0) {
            throw unknownWidth("scale", b, null);
        }
        implyWidth(s, 1, "scale(" + s + ", " + b + ")");
        if (width(s) != 1) {
            throw new IllegalArgumentException("scale: " + s + " has " + width(s) + " entries; a scale factor is a scalar");
        }
        int w = width(b);
        return vectorNode(VectorPrimitive.SCALE_BY, null, new double[] {w}, w, 1, s, b);
    }

    /**
     * Declares the vector {@code name} of {@code width} entries, defined later by
     * {@link #defineVector}: how a cycle through vector nodes is written ({@code v = r + 0.9 P v}).
     */
    public Var declareVector(String name, int width) {
        if (width < 1 || name != null && byName.contains(name)) {
            throw new IllegalArgumentException(width < 1 ? "a vector needs at least one entry"
                    : "'" + name + "' is already declared");
        }
        Var v = node(null, name, NO_PARAMETERS);
        if (width != 1) {
            shapes.put(v.id, new int[] {width, 1});
        }
        return v;
    }

    /**
     * Defines the placeholder {@code v} (from {@link #declareVector}, or from {@link #declare}) to
     * equal {@code value}, entry by entry. A placeholder of deferred width takes value's shape; one
     * whose width a use implied must have that width.
     *
     * @throws ProgramException when {@code v} is already defined, when its width was implied by a
     *     use and differs from value's, or when neither width is known
     * @throws IllegalArgumentException when v was declared with another width than value's
     */
    public Var defineVector(Var v, Var value) {
        own(v);
        own(value);
        if (op[v.id] != UNDEFINED) {
            throw new ProgramException("'" + v + "' is assigned more than once", List.of(v.toString()));
        }
        if (knownWidth(value) < 0) {
            if (knownWidth(v) < 0) {
                throw unknownWidth("define", value, null);
            }
            implyWidth(value, width(v), "the definition of " + v);
        }
        boolean wasDeferred = deferred.contains(v.id);
        if (wasDeferred || impliedBy.containsKey(v.id)) {
            settleWidth(v.id, width(value), "a vector of " + width(value) + " entries (" + value + ")");
        }
        if (wasDeferred && width(value) != 1) {
            shapes.put(v.id, shape(value).clone()); // a deferred placeholder takes the value's shape
        }
        if (width(v) != width(value)) {
            throw new IllegalArgumentException("'" + v + "' has " + width(v) + " entries but " + value + " has "
                    + width(value));
        }
        unpack(); // its argument and parameter land at the ends of the pools, out of node order
        op[v.id] = (byte) VectorPrimitive.COPY.code();
        undefinedCount--;
        setArguments(v.id, null, new double[] {width(v)}, new Var[] {value});
        return v;
    }

    /** {@code a . b}, a scalar. */
    public Var dot(Var a, Var b) {
        return reduction(VectorPrimitive.DOT, a, b);
    }

    /** {@code sum_k a_k}, a scalar. */
    public Var vectorSum(Var a) {
        return reduction(VectorPrimitive.SUM, a);
    }

    /** {@code softmax(a)}, a vector of a's width. */
    public Var softmax(Var a) {
        return elementwise(VectorPrimitive.SOFTMAX, a);
    }

    /** {@code log sum_k exp(a_k)}, a scalar. */
    public Var logsumexp(Var a) {
        return reduction(VectorPrimitive.LOGSUMEXP, a);
    }

    /** {@code 1/2 |yhat - y|^2}, a scalar. */
    public Var squaredLoss(Var yhat, Var y) {
        return reduction(VectorPrimitive.SQUARED_LOSS, yhat, y);
    }

    /** {@code -sum_k y_k log softmax(logits)_k}, a scalar; y is a one-hot label or a distribution. */
    public Var crossEntropy(Var logits, Var y) {
        return reduction(VectorPrimitive.CROSS_ENTROPY, logits, y);
    }

    /**
     * {@code (s_1, ..., s_k)}: a vector of k entries from k scalar variables (anywhere, the same
     * one possibly twice). A placeholder of deferred width among them becomes a scalar.
     *
     * @throws IllegalArgumentException when there is no operand or an operand is a vector
     */
    public Var stack(Var... scalars) {
        if (scalars.length == 0) {
            throw new IllegalArgumentException("stack needs at least one scalar");
        }
        for (int k = 0; k < scalars.length; k++) {
            implyWidth(scalars[k], 1, "stack(...)");
            if (width(scalars[k]) != 1) {
                throw new IllegalArgumentException("stack: operand " + (k + 1) + ", " + scalars[k] + ", has "
                        + width(scalars[k]) + " entries; stack takes scalars");
            }
        }
        int w = scalars.length;
        return vectorNode(VectorPrimitive.STACK, null, new double[] {w}, w, 1, scalars);
    }

    /**
     * Entry k (0-based) of {@code vector}, a scalar. On a placeholder of deferred width, the
     * eventual width is checked to exceed k when it is known.
     *
     * @throws IllegalArgumentException when k is out of range
     */
    public Var element(Var vector, int k) {
        own(vector);
        if (k < 0) {
            throw new IllegalArgumentException("element: index " + k + " of " + vector + " is negative");
        }
        if (deferred.contains(vector.id)) {
            minWidth.merge(vector.id, k + 1, Math::max);
        } else if (k >= width(vector)) {
            throw new IllegalArgumentException("element: index " + k + " (0-based) is out of range for " + vector
                    + ", which has " + width(vector) + " entr" + (width(vector) == 1 ? "y" : "ies"));
        }
        return vectorNode(VectorPrimitive.ELEMENT, null, new double[] {k}, 1, 1, vector);
    }

    /** A node of a's width from one or two arguments of that width. */
    private Var elementwise(VectorPrimitive f, Var... arguments) {
        int w = sameWidth(f, arguments);
        return vectorNode(f, null, new double[] {w}, w, 1, arguments);
    }

    /** A scalar from one or two arguments of one width. */
    private Var reduction(VectorPrimitive f, Var... arguments) {
        int w = sameWidth(f, arguments);
        return vectorNode(f, null, new double[] {w}, 1, 1, arguments);
    }

    private int sameWidth(VectorPrimitive f, Var[] arguments) {
        return sameWidth(f.symbol(), arguments);
    }

    /** The common width of the arguments of {@code operation}, after implying it for placeholders of deferred width. */
    private int sameWidth(String operation, Var[] arguments) {
        // A placeholder of deferred width takes the other operand's width.
        int known = -1;
        for (Var v : arguments) {
            known = Math.max(known, knownWidth(v));
        }
        if (known < 0) {
            throw unknownWidth(operation, arguments[arguments.length - 1], null);
        }
        for (Var v : arguments) {
            implyWidth(v, known, operation + "(" + arguments[0] + (arguments.length > 1 ? ", " + arguments[1] : "")
                    + ")");
        }
        int w = width(arguments[0]);
        for (Var v : arguments) {
            if (width(v) != w) {
                String[] names = new String[arguments.length];
                int[] widths = new int[arguments.length];
                for (int k = 0; k < arguments.length; k++) {
                    names[k] = arguments[k].toString();
                    widths[k] = width(arguments[k]);
                }
                throw new ShapeException(operation, names, widths);
            }
        }
        return w;
    }

    private Var vectorNode(VectorPrimitive f, String name, double[] p, int rows, int cols, Var... arguments) {
        for (Var a : arguments) {
            own(a);
        }
        Var v = node(null, name, p);
        op[v.id] = (byte) f.code();
        undefinedCount--; // node(null, ...) counted a placeholder
        for (Var a : arguments) {
            appendArgument(v.id, a);
        }
        if (rows * cols != 1) {
            shapes.put(v.id, new int[] {rows, cols});
        }
        return v;
    }
}
