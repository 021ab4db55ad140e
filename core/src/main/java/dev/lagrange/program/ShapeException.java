package dev.lagrange.program;

import java.util.Arrays;

/**
 * The operands of one vector operation do not fit: an entrywise operation or reduction
 * ({@code a + b}, {@code max(a, b)}, {@code dot(a, b)}) of different widths, or a matrix-vector
 * product ({@code W @ x}, {@code y @ W}) whose vector does not match the matrix. The builder throws it naming the operands; the
 * {@code .lag} parser catches it and reports the same message with the operands' source text at
 * their location ({@link #describe}), so a mismatch reads the same from Java and from a file, and
 * the check is written once, in the builder. It is an {@link IllegalArgumentException}, the
 * builder's exception for misuse.
 */
public final class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final String[] operands;
    private final int[] widths;
    /** The operand that is a matrix ({rows, cols} in {@link #matrixShape}), or -1. */
    private final int matrix;
    private final int[] matrixShape;
    private final String hint;

    /**
     * @param operation the operator or function: {@code +}, {@code dot}, {@code max}
     * @param operands Not modified: the operands' names, as the builder knows them
     * @param widths Not modified: their widths
     */
    ShapeException(String operation, String[] operands, int[] widths) {
        this(operation, operands, widths, -1, null, null);
    }

    /**
     * A product of the matrix operand {@code matrix}, of shape {@code matrixShape}, with a vector of
     * the wrong width; {@code hint} (or null) says what would fit.
     */
    ShapeException(String operation, String[] operands, int[] widths, int matrix, int[] matrixShape, String hint) {
        super(describe(whole(operation, operands), operands, widths, matrix, matrixShape, hint));
        this.operation = operation;
        this.operands = operands.clone();
        this.widths = widths.clone();
        this.matrix = matrix;
        this.matrixShape = matrixShape == null ? null : matrixShape.clone();
        this.hint = hint;
    }

    /** The operator or function whose operands do not fit. */
    public String operation() {
        return operation;
    }

    /** The name of operand {@code k}, as the builder knows it ({@code x}, or {@code %12} for a temporary). */
    public String operand(int k) {
        return operands[k];
    }

    /** The width of operand {@code k}. */
    public int width(int k) {
        return widths[k];
    }

    /**
     * The message with the whole operation written as {@code whole} and operand k as {@code texts[k]}:
     * {@code 'x + u': 'x' has 3 entries but 'u' has 4 entries}.
     */
    public String describe(String whole, String... texts) {
        if (texts.length != widths.length) {
            throw new IllegalArgumentException(widths.length + " operands, " + texts.length + " texts");
        }
        return describe(whole, texts, widths, matrix, matrixShape, hint);
    }

    private static String describe(String whole, String[] texts, int[] widths, int matrix, int[] matrixShape,
            String hint) {
        int first = 0;
        int other = 1;
        if (matrix < 0) {
            while (other < widths.length - 1 && widths[other] == widths[first]) {
                other++;
            }
        } else {
            first = matrix;
            other = matrix == 0 ? 1 : 0;
        }
        return "'" + whole + "': '" + texts[first] + "' " + shape(first, widths, matrix, matrixShape) + " but '"
                + texts[other] + "' " + shape(other, widths, matrix, matrixShape) + (hint == null ? "" : " (" + hint + ")");
    }

    private static String shape(int k, int[] widths, int matrix, int[] matrixShape) {
        if (k == matrix) {
            return "is " + matrixShape[0] + "x" + matrixShape[1];
        }
        return widths[k] == 1 ? "is a scalar" : "has " + widths[k] + " entries";
    }

    /** {@code a + b} for an operator, {@code f(a, b)} for a function. */
    private static String whole(String operation, String[] operands) {
        boolean operator = operation.length() == 1 && !Character.isLetter(operation.charAt(0));
        return operator && operands.length == 2 ? operands[0] + " " + operation + " " + operands[1]
                : operation + "(" + String.join(", ", operands) + ")";
    }

    @Override
    public String toString() {
        return "ShapeException[" + operation + " " + Arrays.toString(widths) + "]: " + getMessage();
    }
}
