package dev.lagrange.lang;

import java.util.Arrays;

/**
 * Splits {@code .lag} source into tokens, kept in flat arrays (kind, start, end) so that a
 * 10^6-line program costs no object per token. Blank lines and comments leave one
 * {@link #NEWLINE} between statements; a character that starts no token is reported and becomes an
 * {@link #ERROR} token, which the parser skips without a second message. O(length of the source).
 */
final class Lexer {
    static final byte IDENT = 0;
    static final byte QUOTED = 1;
    static final byte TEMP = 2;
    static final byte NUMBER = 3;
    static final byte PLUS = 4;
    static final byte MINUS = 5;
    static final byte STAR = 6;
    static final byte SLASH = 7;
    static final byte CARET = 8;
    static final byte LPAREN = 9;
    static final byte RPAREN = 10;
    static final byte LBRACKET = 11;
    static final byte RBRACKET = 12;
    static final byte LBRACE = 13;
    static final byte RBRACE = 14;
    static final byte COMMA = 15;
    static final byte COLON = 16;
    static final byte EQUALS = 17;
    static final byte DOTDOT = 18;
    static final byte NEWLINE = 19;
    static final byte ERROR = 20;
    static final byte EOF = 21;
    static final byte AT = 22;

    final String source;
    byte[] kind = new byte[256];
    int[] start = new int[256];
    int[] end = new int[256];
    /**
     * Per token: the identifier's text as one shared String per distinct word (so that a loop body's
     * names are not cut out of the source, and hashed, once per iteration), or a number's value.
     */
    Object[] literal = new Object[256];
    int count;
    private final java.util.HashMap<String, String> words = new java.util.HashMap<>();

    Lexer(String source, Diagnostics diagnostics) {
        this.source = source;
        char[] text = source.toCharArray();
        int n = text.length;
        int i = n > 0 && text[0] == '\uFEFF' ? 1 : 0; // a byte-order mark some editors write
        while (i < n) {
            char c = text[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                i++;
            } else if (c == '\n') {
                if (count > 0 && kind[count - 1] != NEWLINE) {
                    add(NEWLINE, i, i + 1);
                }
                i++;
            } else if (c == '#') {
                while (i < n && text[i] != '\n') {
                    i++;
                }
            } else if (isDigit(c) || c == '.' && i + 1 < n && isDigit(text[i + 1])) {
                i = number(i, diagnostics);
            } else if (Names.isIdentifierStart(c)) {
                int s = i;
                while (i < n && Names.isIdentifierPart(text[i])) {
                    i++;
                }
                add(IDENT, s, i);
                literal[count - 1] = words.computeIfAbsent(source.substring(s, i), w -> w);
            } else if (c == '`') {
                i = quoted(i, diagnostics);
            } else if (c == '%') {
                int s = i++;
                while (i < n && isDigit(text[i])) {
                    i++;
                }
                if (i == s + 1) {
                    diagnostics.error(s, "'%' must be followed by digits (a temporary such as %12)");
                    add(ERROR, s, i);
                } else {
                    add(TEMP, s, i);
                }
            } else if (c == '.' && i + 1 < n && text[i + 1] == '.') {
                add(DOTDOT, i, i + 2);
                i += 2;
            } else {
                byte k = switch (c) {
                    case '+' -> PLUS;
                    case '-' -> MINUS;
                    case '*' -> STAR;
                    case '/' -> SLASH;
                    case '^' -> CARET;
                    case '@' -> AT;
                    case '(' -> LPAREN;
                    case ')' -> RPAREN;
                    case '[' -> LBRACKET;
                    case ']' -> RBRACKET;
                    case '{' -> LBRACE;
                    case '}' -> RBRACE;
                    case ',' -> COMMA;
                    case ':' -> COLON;
                    case '=' -> EQUALS;
                    default -> ERROR;
                };
                if (k == ERROR) {
                    diagnostics.error(i, "unexpected character " + Names.describe(c));
                }
                add(k, i, i + 1);
                i++;
            }
        }
        add(EOF, n, n);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** digits [. digits] [(e|E) [+|-] digits], where a '.' followed by '.' ends the number (1..20). */
    private int number(int s, Diagnostics diagnostics) {
        int n = source.length();
        int i = s;
        while (i < n && isDigit(source.charAt(i))) {
            i++;
        }
        if (i < n && source.charAt(i) == '.' && !(i + 1 < n && source.charAt(i + 1) == '.')) {
            i++;
            while (i < n && isDigit(source.charAt(i))) {
                i++;
            }
        }
        if (i < n && (source.charAt(i) == 'e' || source.charAt(i) == 'E')) {
            int e = i + 1;
            if (e < n && (source.charAt(e) == '+' || source.charAt(e) == '-')) {
                e++;
            }
            if (e < n && isDigit(source.charAt(e))) {
                i = e;
                while (i < n && isDigit(source.charAt(i))) {
                    i++;
                }
            } else {
                diagnostics.error(s, "malformed number '" + source.substring(s, Math.min(n, e)) + "'");
                add(ERROR, s, e);
                return e;
            }
        }
        String text = source.substring(s, i);
        Double value = Double.valueOf(text);
        if (value.isInfinite()) {
            diagnostics.error(s, "the number " + text + " is too large for a double (it would be Infinity); write "
                    + "Infinity if that is meant");
            add(ERROR, s, i);
            return i;
        }
        add(NUMBER, s, i);
        literal[count - 1] = value;
        return i;
    }

    private int quoted(int s, Diagnostics diagnostics) {
        int n = source.length();
        int i = s + 1;
        while (i < n && source.charAt(i) != '`' && source.charAt(i) != '\n') {
            i += source.charAt(i) == '\\' && i + 1 < n && source.charAt(i + 1) != '\n' ? 2 : 1;
        }
        if (i >= n || source.charAt(i) != '`') {
            diagnostics.error(s, "quoted name is not closed by '`' on its line");
            add(ERROR, s, i);
            return i;
        }
        add(QUOTED, s, i + 1);
        return i + 1;
    }

    /** The text of token {@code t}. */
    String text(int t) {
        return kind[t] == IDENT ? (String) literal[t] : source.substring(start[t], end[t]);
    }

    /** Whether token {@code t} is the identifier {@code word}. */
    boolean is(int t, String word) {
        return kind[t] == IDENT && end[t] - start[t] == word.length() && source.startsWith(word, start[t]);
    }

    /** The value of NUMBER token {@code t}. */
    double number(int t) {
        return (Double) literal[t];
    }

    /**
     * The name a QUOTED token spells, escapes resolved; null when an escape is malformed.
     */
    String unquote(int t) {
        StringBuilder s = new StringBuilder();
        int last = end[t] - 1;
        for (int i = start[t] + 1; i < last; i++) {
            char c = source.charAt(i);
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = source.charAt(++i);
            switch (e) {
                case '\\', '`' -> s.append(e);
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (i + 4 >= last) {
                        return null;
                    }
                    try {
                        s.append((char) Integer.parseInt(source.substring(i + 1, i + 5), 16));
                    } catch (NumberFormatException ex) {
                        return null;
                    }
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
        return s.toString();
    }

    /** How a message names token {@code t}. */
    String describe(int t) {
        return switch (kind[t]) {
            case NEWLINE -> "end of line";
            case EOF -> "end of file";
            default -> {
                String text = text(t);
                yield "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
            }
        };
    }

    private void add(byte k, int s, int e) {
        if (count == kind.length) {
            int capacity = count * 2;
            kind = Arrays.copyOf(kind, capacity);
            start = Arrays.copyOf(start, capacity);
            end = Arrays.copyOf(end, capacity);
            literal = Arrays.copyOf(literal, capacity);
        }
        kind[count] = k;
        start[count] = s;
        end[count] = e;
        count++;
    }
}
