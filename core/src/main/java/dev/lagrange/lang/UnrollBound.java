package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.COLON;
import static dev.lagrange.lang.Lexer.COMMA;
import static dev.lagrange.lang.Lexer.DOTDOT;
import static dev.lagrange.lang.Lexer.IDENT;
import static dev.lagrange.lang.Lexer.LBRACE;
import static dev.lagrange.lang.Lexer.LBRACKET;
import static dev.lagrange.lang.Lexer.LPAREN;
import static dev.lagrange.lang.Lexer.NEWLINE;
import static dev.lagrange.lang.Lexer.RBRACE;
import static dev.lagrange.lang.Lexer.RBRACKET;
import static dev.lagrange.lang.Lexer.RPAREN;

/**
 * A lower bound on what a file unrolls to, read off its tokens before anything is built, so that a
 * program over the parser's budget is refused at once ({@code for i in 1..10000 { for j in 1..10000
 * { ... } }} used to be refused only after 10^7 nodes had been made).
 *
 * <p>It charges what the parser charges, where it can be known without parsing: one unit per
 * statement, a loop's trip count at its entry plus its body once per iteration, the entries of an
 * {@code input} declaration with indices, and the terms of {@code sum(i in A..B: ...)}. Bounds that
 * are constant expressions of numbers ({@code + - * / ^}, parentheses, {@code pi}) are evaluated;
 * a bound that names anything else (an enclosing loop's variable) is unknown, and its loop or sum
 * counts as empty. So the bound never exceeds the parser's own count, which stays the exact check.
 * O(tokens x loop depth), no allocation.
 */
final class UnrollBound {
    private final Lexer lex;
    private final long limit;
    /**
     * The first token of the innermost construct (a sum, a loop, an input declaration, a statement)
     * whose own units passed the limit, or -1.
     */
    private int overflowAt = -1;

    private UnrollBound(Lexer lex, long limit) {
        this.lex = lex;
        this.limit = limit;
    }

    /**
     * The first token of the innermost construct by which the file certainly unrolls to more than
     * {@code limit} units ({@code sum} of a sum with too many terms, {@code for} of a loop whose trips
     * times body pass it, the first statement at which the running count does), or -1 when the bound
     * stays within it.
     */
    static int overflow(Lexer lex, long limit) {
        UnrollBound bound = new UnrollBound(lex, limit);
        bound.statements(0, lex.count - 1);
        return bound.overflowAt;
    }

    /** The units of the statements in tokens {@code [from, to)}, saturating just above the limit. */
    private long statements(int from, int to) {
        long total = 0;
        int t = from;
        while (t < to) {
            if (lex.kind[t] == NEWLINE) {
                t++;
                continue;
            }
            int end = statementEnd(t, to);
            total = add(total, statement(t, end));
            if (total > limit) {
                return over(total, t);
            }
            t = end;
        }
        return total;
    }

    private long statement(int t, int end) {
        long units = 1;
        if (lex.is(t, "for")) {
            return add(units, loop(t, end));
        }
        if (lex.is(t, "input")) {
            return add(units, inputEntries(t + 1, end));
        }
        if (lex.is(t, "solve")) {
            return units;
        }
        return add(units, sums(t, end));
    }

    /** {@code for NAME in A..B { body }}: the trip count plus the body once per iteration. */
    private long loop(int t, int end) {
        if (t + 3 >= end || lex.kind[t + 1] != IDENT || !lex.is(t + 2, "in")) {
            return 0;
        }
        int dots = find(DOTDOT, t + 3, end);
        int open = dots < 0 ? -1 : find(LBRACE, dots + 1, end);
        if (open < 0) {
            return 0;
        }
        long trip = trip(t + 3, dots, open);
        if (trip <= 0) {
            return 0;
        }
        int close = closing(open, end);
        long body = statements(open + 1, close);
        return over(add(trip, multiply(trip, body)), t);
    }

    /** The entries of {@code input a, w[1..3][0..1] = 0.5, W[1..2, 1..4] = [...]}. */
    private long inputEntries(int from, int end) {
        long units = 0;
        int t = from;
        while (t < end) {
            // one declaration: a name, its bracket groups, an optional default up to the next top-level comma
            int declaration = t++;
            long entries = 1;
            boolean indexed = false;
            while (t < end && lex.kind[t] == LBRACKET) {
                int close = closing(t, end);
                entries = multiply(entries, rangeEntries(t + 1, close));
                indexed = true;
                t = close + 1;
            }
            if (indexed) {
                units = over(add(units, entries), declaration);
            }
            int depth = 0;
            while (t < end && !(depth == 0 && lex.kind[t] == COMMA)) {
                depth += opens(lex.kind[t]) ? 1 : closes(lex.kind[t]) ? -1 : 0;
                t++;
            }
            t++;
        }
        return units;
    }

    /** {@code A..B}, {@code A} or {@code A..B, C..D} inside one pair of brackets of an input declaration. */
    private long rangeEntries(int from, int to) {
        int comma = find(COMMA, from, to);
        if (comma >= 0) {
            return multiply(rangeEntries(from, comma), rangeEntries(comma + 1, to));
        }
        int dots = find(DOTDOT, from, to);
        return dots < 0 ? (Double.isNaN(integer(from, to)) ? 0 : 1) : Math.max(0, trip(from, dots, to));
    }

    /** The terms of every {@code sum(i in A..B: ...)} of a statement whose bounds are constants. */
    private long sums(int from, int end) {
        long units = 0;
        for (int t = from; t + 4 < end; t++) {
            if (lex.is(t, "sum") && lex.kind[t + 1] == LPAREN && lex.kind[t + 2] == IDENT && lex.is(t + 3, "in")) {
                int dots = find(DOTDOT, t + 4, end);
                int colon = dots < 0 ? -1 : find(COLON, dots + 1, end);
                if (colon >= 0) {
                    units = over(add(units, Math.max(0, trip(t + 4, dots, colon))), t);
                }
            }
        }
        return units;
    }

    /** {@code hi - lo + 1} for bounds in tokens {@code [from, dots)} and {@code (dots, to)}; 0 when unknown. */
    private long trip(int from, int dots, int to) {
        double lo = integer(from, dots);
        double hi = integer(dots + 1, to);
        return Double.isNaN(lo) || Double.isNaN(hi) ? 0 : Math.max(0, (long) hi - (long) lo + 1);
    }

    /** The value of an integer constant expression in tokens {@code [from, to)}, NaN when it is not one. */
    private double integer(int from, int to) {
        double v = TokenArithmetic.value(lex, from, to, name -> Double.NaN);
        return v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE ? v : Double.NaN;
    }

    /** The token after the statement starting at {@code t}: its line's end, past any {@code { ... }}. */
    private int statementEnd(int t, int to) {
        while (t < to && lex.kind[t] != NEWLINE) {
            t = lex.kind[t] == LBRACE ? closing(t, to) + 1 : t + 1;
        }
        return Math.min(t, to);
    }

    /** The token that closes the bracket at {@code open} (or {@code to} when it is not closed). */
    private int closing(int open, int to) {
        int depth = 0;
        for (int t = open; t < to; t++) {
            if (opens(lex.kind[t])) {
                depth++;
            } else if (closes(lex.kind[t]) && --depth == 0) {
                return t;
            }
        }
        return to;
    }

    /** The first token of kind {@code k} in {@code [from, to)} outside brackets, or -1. */
    private int find(byte k, int from, int to) {
        int depth = 0;
        for (int t = from; t < to; t++) {
            byte kind = lex.kind[t];
            if (depth == 0 && kind == k) {
                return t;
            }
            depth += opens(kind) ? 1 : closes(kind) ? -1 : 0;
            if (depth < 0) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean opens(byte k) {
        return k == LPAREN || k == LBRACKET || k == LBRACE;
    }

    private static boolean closes(byte k) {
        return k == RPAREN || k == RBRACKET || k == RBRACE;
    }

    /** {@code units}, noting {@code tok} as the place of the overflow when they pass the limit first here. */
    private long over(long units, int tok) {
        if (units > limit && overflowAt < 0) {
            overflowAt = tok;
        }
        return units;
    }

    private long add(long a, long b) {
        return Math.min(a + b, limit + 1); // both operands are at most limit + 1
    }

    private long multiply(long a, long b) {
        return a == 0 || b == 0 ? 0 : a > (limit + 1) / b ? limit + 1 : Math.min(a * b, limit + 1);
    }
}
