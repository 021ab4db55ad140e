package dev.lagrange.cli;

import java.util.List;
import java.util.Map;

/**
 * Writes a tree of maps, lists, strings, numbers, booleans and nulls as indented JSON (RFC 8259).
 * Doubles are written with {@link Double#toString(double)}, the shortest decimal that reads back as
 * the same double, and non-finite ones as {@code null}; lists of scalars stay on one line. Maps keep
 * their iteration order, so pass {@link java.util.LinkedHashMap}s. O(size of the output).
 */
final class Json {
    private Json() {
    }

    /** The most characters held before they are passed on to the output. */
    private static final int CHUNK = 1 << 16;

    /** {@code value} as JSON text, without a trailing newline. */
    static String write(Object value) {
        StringBuilder s = new StringBuilder();
        write(value, "", s, null);
        return s.toString();
    }

    /**
     * Writes {@code value} as JSON text to {@code out} as it goes, so that a report of millions of
     * variables is never held whole in memory; no trailing newline.
     */
    static void write(Object value, java.io.PrintWriter out) {
        StringBuilder s = new StringBuilder(CHUNK + 1024);
        write(value, "", s, out);
        out.append(s);
    }

    /** Writes into {@code s}, passing full chunks on to {@code out} when there is one. */
    private static void write(Object v, String indent, StringBuilder s, java.io.PrintWriter out) {
        if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                s.append("{}");
                return;
            }
            String inner = indent + "  ";
            s.append("{\n");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    s.append(",\n");
                }
                first = false;
                s.append(inner);
                string(String.valueOf(e.getKey()), s);
                s.append(": ");
                write(e.getValue(), inner, s, out);
                if (out != null && s.length() > CHUNK) {
                    out.append(s);
                    s.setLength(0);
                }
            }
            s.append('\n').append(indent).append('}');
        } else if (v instanceof List<?> list) {
            boolean scalars = list.stream().noneMatch(e -> e instanceof Map || e instanceof List);
            if (list.isEmpty() || scalars) {
                s.append('[');
                for (int k = 0; k < list.size(); k++) {
                    s.append(k > 0 ? ", " : "");
                    write(list.get(k), indent, s, out);
                }
                s.append(']');
                return;
            }
            String inner = indent + "  ";
            s.append("[\n");
            for (int k = 0; k < list.size(); k++) {
                s.append(k > 0 ? ",\n" : "").append(inner);
                write(list.get(k), inner, s, out);
            }
            s.append('\n').append(indent).append(']');
        } else if (v instanceof String str) {
            string(str, s);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            s.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v == null || v instanceof Number || v instanceof Boolean) {
            s.append(v);
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }

    /** A JSON string: quotes, backslashes, control characters and lone surrogates escaped. */
    static void string(String str, StringBuilder s) {
        s.append('"');
        for (int k = 0; k < str.length(); k++) {
            char c = str.charAt(k);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                default -> {
                    boolean pairedHigh = Character.isHighSurrogate(c) && k + 1 < str.length()
                            && Character.isLowSurrogate(str.charAt(k + 1));
                    if (pairedHigh) {
                        s.append(c).append(str.charAt(++k));
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        // A lone surrogate cannot be encoded as UTF-8: keep it as an escape.
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
