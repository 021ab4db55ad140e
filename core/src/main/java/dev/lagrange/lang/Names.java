package dev.lagrange.lang;

import dev.lagrange.primitive.Primitive;
import java.util.Set;

/**
 * The spelling of variable names in {@code .lag} source: which names are written bare
 * ({@code a}, {@code h[3]}), which are reserved words, and the back-quoted form {@code `any name`}
 * for every other name a program built in Java may carry. Shared by the lexer (which reads names)
 * and the printer (which must write every name so that it reads back unchanged).
 */
final class Names {
    /**
     * Words that cannot name a variable unless back-quoted. The functions that came with vector nodes
     * ({@code dot softmax logsumexp squared_loss cross_entropy outer step}) are not among them: they
     * are functions only where {@code (} follows, so programs that used those words as variable
     * names keep their meaning.
     */
    static final Set<String> RESERVED = reserved();

    /** The keywords and constants of the language, and every function name {@link Primitive} declares. */
    private static Set<String> reserved() {
        Set<String> words = new java.util.HashSet<>(Set.of(
                "input", "output", "init", "solve", "for", "in", "declare", "sum", "pi", "NaN", "Infinity"));
        for (Primitive f : Primitive.values()) {
            if (f.isFunction()) {
                words.add(f.symbol());
            }
        }
        return Set.copyOf(words);
    }

    private Names() {
    }

    static boolean isIdentifierStart(char c) {
        return c == '_' || Character.isLetter(c);
    }

    static boolean isIdentifierPart(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    /** The source spelling of {@code name}: bare where that reads back as the same name, else quoted. */
    static String format(String name) {
        return isBare(name) ? name : quote(name);
    }

    /** Whether {@code name} reads back unchanged when written bare: {@code ident ([int])*}. */
    static boolean isBare(String name) {
        int n = name.length();
        int i = 0;
        if (n == 0 || !isIdentifierStart(name.charAt(0))) {
            return false;
        }
        while (i < n && isIdentifierPart(name.charAt(i))) {
            i++;
        }
        if (RESERVED.contains(name.substring(0, i))) {
            return false;
        }
        while (i < n) {
            if (name.charAt(i) != '[') {
                return false;
            }
            int close = name.indexOf(']', i);
            if (close < 0) {
                return false;
            }
            String index = name.substring(i + 1, close);
            try {
                if (!Integer.toString(Integer.parseInt(index)).equals(index)) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
            i = close + 1;
        }
        return true;
    }

    /** {@code `name`} with {@code \\ \` \n \r \t} and {@code \}{@code uXXXX} escapes for other control characters. */
    static String quote(String name) {
        StringBuilder s = new StringBuilder(name.length() + 2).append('`');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '`' -> s.append("\\`");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('`').toString();
    }

    /** A character as a message shows it: itself when printable, else {@code U+XXXX}. */
    static String describe(char c) {
        if (c >= 0x20 && c < 0x7f || Character.isLetterOrDigit(c)) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
