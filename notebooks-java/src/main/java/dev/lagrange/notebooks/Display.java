package dev.lagrange.notebooks;

import java.util.function.Consumer;

/**
 * The rich output of a notebook cell. The runner defines, in every notebook's shell, the function
 * {@code display(Object value)} that Java kernels (IJava, JJava) provide, as a call to {@link #show}; so
 * a cell that calls {@code display(Charts.image(chart))} shows the chart under both. An image becomes an
 * {@code image/png} output, anything else its {@code toString()} as text.
 */
public final class Display {
    private static volatile Consumer<Object> sink;

    private Display() {
    }

    /** Shows {@code value} under the running cell; nothing happens outside a notebook runner. */
    public static void show(Object value) {
        Consumer<Object> s = sink;
        if (s != null) {
            s.accept(value);
        }
    }

    /** The runner's receiver of displayed values, or null to detach it. */
    static void attach(Consumer<Object> receiver) {
        sink = receiver;
    }
}
