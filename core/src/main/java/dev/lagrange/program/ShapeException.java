package dev.lagrange.program;

import java.util.Arrays;

/**
 * The operands of one entrywise operation or reduction ({@code a + b}, {@code max(a, b)},
 * {@code dot(a, b)}, ...) have different widths. The builder throws it naming the operands; the
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

    /**
     * @param operation the operator or function: {@code +}, {@code dot}, {@code max}
     * @param operands Not modified: the operands' names, as the builder knows them
     * @param widths Not modified: their widths
     */
    ShapeException(String operation, String[] operands, int[] widths) {
        super(describe(operation, whole(operation, operands), operands, widths));
        this.operation = operation;
        this.operands = operands.clone();
        this.widths = widths.clone();
    }

    /** The operator or function whose operands do not fit. */
    public String operation() {
        return operation;
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
        return describe(operation, whole, texts, widths);
    }

    private static String describe(String operation, String whole, String[] texts, int[] widths) {
        int first = widths[0];
        int k = 1;
        while (k < widths.length - 1 && widths[k] == first) {
            k++;
        }
        return "'" + whole + "': '" + texts[0] + "' has " + entries(first) + " but '" + texts[k] + "' has "
                + entries(widths[k]);
    }

    /** {@code a + b} for an operator, {@code f(a, b)} for a function. */
    private static String whole(String operation, String[] operands) {
        boolean operator = operation.length() == 1 && !Character.isLetter(operation.charAt(0));
        return operator && operands.length == 2 ? operands[0] + " " + operation + " " + operands[1]
                : operation + "(" + String.join(", ", operands) + ")";
    }

    private static String entries(int n) {
        return n == 1 ? "1 entry" : n + " entries";
    }

    @Override
    public String toString() {
        return "ShapeException[" + operation + " " + Arrays.toString(widths) + "]: " + getMessage();
    }
}
