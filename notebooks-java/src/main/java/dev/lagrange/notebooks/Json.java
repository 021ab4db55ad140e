package dev.lagrange.notebooks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON subset of a notebook file (RFC 8259): objects are {@code Map<String, Object>} in file order,
 * arrays {@code List<Object>}, numbers {@code Long} when integral in the text and {@code Double}
 * otherwise, plus {@code String}, {@code Boolean} and null. Written the way Jupyter writes notebooks
 * (one-space indent, keys sorted, non-ASCII kept), so that a file executed here diffs cleanly against
 * one saved by Jupyter. Both directions are O(length of the text).
 *
 * <p>A hand-written reader and writer rather than a JSON library: a notebook needs these six value
 * types and nothing else, and the module then depends on XChart alone.
 */
final class Json {
    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON value.
     *
     * @throws IllegalArgumentException naming the offset of the first error
     */
    static Object parse(String text) {
        Json json = new Json(text);
        json.space();
        Object value = json.value();
        json.space();
        if (json.pos != text.length()) {
            throw json.error("unexpected text after the value");
        }
        return value;
    }

    /** The value as Jupyter writes it, ending with a newline. */
    static String write(Object value) {
        StringBuilder s = new StringBuilder();
        write(value, s, 0);
        return s.append('\n').toString();
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        space();
        if (peek('}')) {
            pos++;
            return map;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw error("expected a string key");
            }
            String key = string();
            space();
            expect(':');
            space();
            if (map.put(key, value()) != null) {
                throw error("duplicate key \"" + key + "\"");
            }
            space();
            if (peek(',')) {
                pos++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        pos++;
        space();
        if (peek(']')) {
            pos++;
            return list;
        }
        while (true) {
            space();
            list.add(value());
            space();
            if (peek(',')) {
                pos++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string() {
        pos++;
        StringBuilder s = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private Object number() {
        int start = pos;
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
            } else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
                break;
            }
            pos++;
        }
        String n = text.substring(start, pos);
        try {
            return integral ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number '" + n + "' at offset " + start);
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected word");
        }
        pos += word.length();
        return value;
    }

    private void space() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + pos);
    }

    private static void write(Object v, StringBuilder s, int indent) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof String str) {
            quote(str, s);
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            s.append(v);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            s.append(d); // Java's "1.0E20" is valid JSON
        } else if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                s.append("{}");
                return;
            }
            // Jupyter sorts keys, so that a notebook's bytes do not depend on who wrote it.
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, e) -> sorted.put((String) k, e));
            s.append("{\n");
            int k = 0;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                pad(s, indent + 1);
                quote(e.getKey(), s);
                s.append(": ");
                write(e.getValue(), s, indent + 1);
                s.append(++k < sorted.size() ? ",\n" : "\n");
            }
            pad(s, indent);
            s.append('}');
        } else if (v instanceof List<?> list) {
            if (list.isEmpty()) {
                s.append("[]");
                return;
            }
            s.append("[\n");
            for (int k = 0; k < list.size(); k++) {
                pad(s, indent + 1);
                write(list.get(k), s, indent + 1);
                s.append(k + 1 < list.size() ? ",\n" : "\n");
            }
            pad(s, indent);
            s.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static void pad(StringBuilder s, int indent) {
        for (int k = 0; k < indent; k++) {
            s.append(' ');
        }
    }

    private static void quote(String str, StringBuilder s) {
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
                    if (c < 0x20) {
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
