package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.CARET;
import static dev.lagrange.lang.Lexer.IDENT;
import static dev.lagrange.lang.Lexer.LBRACKET;
import static dev.lagrange.lang.Lexer.LPAREN;
import static dev.lagrange.lang.Lexer.MINUS;
import static dev.lagrange.lang.Lexer.NUMBER;
import static dev.lagrange.lang.Lexer.PLUS;
import static dev.lagrange.lang.Lexer.RPAREN;
import static dev.lagrange.lang.Lexer.SLASH;
import static dev.lagrange.lang.Lexer.STAR;

import dev.lagrange.primitive.Primitive;
import java.util.function.ToDoubleFunction;

/**
 * The value of a constant expression read straight off the tokens: numbers, {@code pi}, names that
 * {@code variable} knows (loop variables), {@code + - * / ^} and parentheses, with the parser's
 * precedence and the parser's arithmetic (its folding computes the same doubles: {@code ^} through
 * {@link Primitive#POWC}). Anything else (a call, a program variable, {@code h[1]}) gives NaN, and
 * the caller takes the general path. Makes no object, so that an index {@code z[t-1]} in a loop
 * body run 10^7 times costs no allocation.
 */
final class TokenArithmetic {
    private final Lexer lex;
    private final int to;
    private final ToDoubleFunction<String> variable;
    private int pos;

    private TokenArithmetic(Lexer lex, int from, int to, ToDoubleFunction<String> variable) {
        this.lex = lex;
        this.pos = from;
        this.to = to;
        this.variable = variable;
    }

    /**
     * The value of tokens {@code [from, to)}, or NaN when they are not such an expression.
     *
     * @param variable the value of a bare name, NaN for a name that is not a constant
     */
    static double value(Lexer lex, int from, int to, ToDoubleFunction<String> variable) {
        TokenArithmetic a = new TokenArithmetic(lex, from, to, variable);
        double v = a.sum();
        return a.pos == to ? v : Double.NaN;
    }

    private double sum() {
        double v = product();
        while (pos < to && (lex.kind[pos] == PLUS || lex.kind[pos] == MINUS)) {
            boolean plus = lex.kind[pos++] == PLUS;
            double r = product();
            v = plus ? v + r : v - r;
        }
        return v;
    }

    private double product() {
        double v = unary();
        while (pos < to && (lex.kind[pos] == STAR || lex.kind[pos] == SLASH)) {
            boolean times = lex.kind[pos++] == STAR;
            double r = unary();
            v = times ? v * r : v / r;
        }
        return v;
    }

    private double unary() {
        if (pos < to && (lex.kind[pos] == MINUS || lex.kind[pos] == PLUS)) {
            boolean minus = lex.kind[pos++] == MINUS;
            double v = unary();
            return minus ? -v : v;
        }
        return power();
    }

    private double power() {
        double base = primary();
        if (pos < to && lex.kind[pos] == CARET) {
            pos++;
            return Primitive.POWC.value(base, 0, unary());
        }
        return base;
    }

    private double primary() {
        if (pos >= to) {
            return Double.NaN;
        }
        byte k = lex.kind[pos];
        if (k == NUMBER) {
            return lex.number(pos++);
        }
        boolean bare = pos + 1 >= lex.count || lex.kind[pos + 1] != LBRACKET && lex.kind[pos + 1] != LPAREN;
        if (k == IDENT && bare) {
            String word = lex.text(pos++);
            return word.equals("pi") ? Math.PI : variable.applyAsDouble(word);
        }
        if (k == LPAREN) {
            pos++;
            double v = sum();
            if (pos < to && lex.kind[pos] == RPAREN) {
                pos++;
                return v;
            }
        }
        pos = to + 1; // not a constant expression of this kind
        return Double.NaN;
    }
}
