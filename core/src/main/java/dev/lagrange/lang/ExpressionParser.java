package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.AT;
import static dev.lagrange.lang.Lexer.CARET;
import static dev.lagrange.lang.Lexer.COLON;
import static dev.lagrange.lang.Lexer.COMMA;
import static dev.lagrange.lang.Lexer.DOTDOT;
import static dev.lagrange.lang.Lexer.EOF;
import static dev.lagrange.lang.Lexer.ERROR;
import static dev.lagrange.lang.Lexer.IDENT;
import static dev.lagrange.lang.Lexer.LBRACKET;
import static dev.lagrange.lang.Lexer.LPAREN;
import static dev.lagrange.lang.Lexer.MINUS;
import static dev.lagrange.lang.Lexer.NEWLINE;
import static dev.lagrange.lang.Lexer.NUMBER;
import static dev.lagrange.lang.Lexer.PLUS;
import static dev.lagrange.lang.Lexer.QUOTED;
import static dev.lagrange.lang.Lexer.RBRACE;
import static dev.lagrange.lang.Lexer.RBRACKET;
import static dev.lagrange.lang.Lexer.RPAREN;
import static dev.lagrange.lang.Lexer.SLASH;
import static dev.lagrange.lang.Lexer.STAR;
import static dev.lagrange.lang.Lexer.TEMP;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.ShapeException;
import dev.lagrange.program.Var;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The expression half of {@link LagParser}: operators by precedence, calls of the scalar functions
 * (derived from {@link Primitive}'s declarations) and of the vector functions, entries, slices and
 * lists, {@code sum(i in A..B: e)}, constant folding, and the vector forms with their shape checks
 * (each mismatch a diagnostic naming both operands' text and shapes). A vector used before its
 * definition is learned here ({@link #learn}) for the next pass.
 *
 * <p>About 770 lines: the expression grammar is one recursive descent, each level calling the next,
 * and the vector forms share its operand handling.
 */
abstract class ExpressionParser extends ParseContext {
    ExpressionParser(String source, Diagnostics diagnostics, Map<String, Integer> widths) {
        super(source, diagnostics, widths);
    }

    private static final Map<String, Primitive> FUNCTIONS = new HashMap<>();

    static {
        for (Primitive f : Primitive.values()) {
            if (f.isFunction()) {
                FUNCTIONS.put(f.symbol(), f);
            }
        }
    }

    /** The functions of vectors, by name: their argument count (elementwise maps reuse exp, tanh, ...). */
    static final Map<String, Integer> VECTOR_FUNCTIONS = Map.of(
            "dot", 2, "softmax", 1, "logsumexp", 1, "squared_loss", 2, "cross_entropy", 2, "sum", 1, "outer", 2,
            "step", 1);

    // ---------------------------------------------------------------- expressions

    /** expression := term (('+' | '-') term)* */
    @Override
    Operand expression() {
        enter();
        int first = pos;
        Operand left = term();
        while (kind() == PLUS || kind() == MINUS) {
            int opTok = pos++;
            left = early(left);
            int second = pos;
            left = binary(opTok, left, term(), first, second);
        }
        depth--;
        return left;
    }

    /**
     * {@code left op right}, where {@code left} spans tokens {@code first .. opTok - 1} and
     * {@code right} starts at {@code second} and ends before {@code pos}: scalars fold and combine,
     * vectors go to the builder's vector operations, with the operands' text in any error.
     */
    private Operand binary(int opTok, Operand left, Operand right, int first, int second) {
        byte op = kindAt(opTok);
        if (op == AT || isVector(left) || isVector(right)) {
            return vectorBinary(op, left, right, span(first, pos), span(first, opTok), span(second, pos), first);
        }
        return combine(op, left, right);
    }

    /** One level deeper into an expression; the depth is reset at each statement, so errors need not unwind it. */
    private void enter() {
        if (++depth > LagParser.MAX_DEPTH) {
            fail(pos, "expression is nested more than " + LagParser.MAX_DEPTH + " levels deep");
        }
    }

    /** term := unary (('*' | '/') unary)* */
    private Operand term() {
        int first = pos;
        Operand left = unary();
        while (kind() == STAR || kind() == SLASH || kind() == AT) {
            int opTok = pos++;
            left = early(left);
            int second = pos;
            left = binary(opTok, left, unary(), first, second);
        }
        return left;
    }

    /** unary := ('-' | '+')* power; '^' binds tighter, so -x^2 = -(x^2). */
    private Operand unary() {
        int negations = 0;
        while (kind() == MINUS || kind() == PLUS) {
            negations += kind() == MINUS ? 1 : 0;
            pos++;
        }
        int first = pos;
        Operand r = power();
        if (negations > 0 && isVector(r)) {
            r = productAhead(r, span(first, pos), first);
            for (int k = 0; k < negations; k++) {
                r = Operand.made(b.scale(-1, r.var));
            }
            return r;
        }
        for (int k = 0; k < negations; k++) {
            r = r.isConstant() ? Operand.constant(-r.c) : Operand.pending(Primitive.NEG, NONE, materialize(r));
        }
        return r;
    }

    /** power := primary ('^' unary)?, right-associative through unary. */
    private Operand power() {
        int first = pos;
        Operand base = primary();
        while (kind() == LBRACKET && isVector(base)) {
            base = entry(base, span(first, pos), first);
        }
        if (kind() != CARET) {
            return base;
        }
        int opTok = pos++;
        base = early(base);
        enter();
        int second = pos;
        Operand exponent = unary();
        depth--;
        if (isVector(base) && exponent.isConstant()) {
            return Operand.made(b.map(Primitive.POWC, exponent.c, base.var)); // entry by entry
        }
        if (isVector(exponent)) {
            fail(opTok, "'" + span(first, pos) + "': the exponent of '^' is a scalar but '" + span(second, pos) + "' "
                    + describeShape(exponent));
        }
        if (isVector(base)) {
            fail(opTok, "'" + span(first, pos) + "': '^' of a vector takes a constant exponent, but '" + span(second, pos)
                    + "' is a variable");
        }
        return combine(CARET, base, exponent);
    }

    private Operand primary() {
        int tok = pos;
        switch (kind()) {
            case NUMBER -> {
                pos++;
                return Operand.constant(lex.number(tok));
            }
            case LPAREN -> {
                pos++;
                Operand r = expression();
                expect(RPAREN, "')'");
                return r;
            }
            case TEMP -> {
                pos++;
                return Operand.node(temporary(new Target(lex.text(tok), true, tok)));
            }
            case LBRACKET -> {
                return vectorLiteral(tok);
            }
            case QUOTED -> {
                pos++;
                return Operand.node(use(unquote(tok), tok));
            }
            case IDENT -> {
                return identifier(tok);
            }
            case ERROR -> throw new Syntax();
            default -> {
                fail(tok, "expected an expression but found " + lex.describe(tok));
                return null;
            }
        }
    }

    private Operand identifier(int tok) {
        String word = lex.text(tok);
        pos++;
        switch (word) {
            case "pi" -> {
                return Operand.constant(Math.PI);
            }
            case "NaN" -> {
                return Operand.constant(Double.NaN);
            }
            case "Infinity" -> {
                return Operand.constant(Double.POSITIVE_INFINITY);
            }
            case "sum" -> {
                boolean loop = kind() != LPAREN || kindAt(pos + 1) == IDENT && lex.is(pos + 2, "in");
                return loop ? sum(tok) : vectorCall(tok, word);
            }
            default -> {
            }
        }
        if (FUNCTIONS.containsKey(word)) {
            return call(tok, FUNCTIONS.get(word));
        }
        if (VECTOR_FUNCTIONS.containsKey(word) && kind() == LPAREN) {
            return vectorCall(tok, word); // without '(' the word is a variable (see Names.RESERVED)
        }
        if (Names.RESERVED.contains(word)) {
            fail(tok, "unexpected " + lex.describe(tok));
        }
        if (kind() == LPAREN) {
            report(tok, "unknown function '" + word + "'");
            arguments();
            return Operand.constant(Double.NaN);
        }
        if (kind() == LBRACKET) {
            Sym vector = names.get(word);
            if (vector != null && isVector(Operand.node(vector.var)) || vector == null && widths.containsKey(word)) {
                return Operand.node(use(word, tok)); // its entry h[2] is read by power()
            }
            return indexedUse(word, tok);
        }
        int loop = loopIndex(word);
        if (loop >= 0) {
            return Operand.constant(loopValues.get(loop));
        }
        int[] family = families.get(word);
        if (family != null && !names.containsKey(word)) {
            familyUses.putIfAbsent(word, tok);
            return slice(word, family[0], family[1], tok);
        }
        return Operand.node(use(word, tok));
    }

    private List<Operand> arguments() {
        return arguments(new Spans());
    }

    /** The source text of a call's arguments, for messages: token bounds kept, text cut only when asked. */
    private final class Spans {
        private int[] bounds = new int[4];
        private int count;

        void add(int from, int to) {
            if (2 * count + 2 > bounds.length) {
                bounds = Arrays.copyOf(bounds, 2 * bounds.length);
            }
            bounds[2 * count] = from;
            bounds[2 * count + 1] = to;
            count++;
        }

        String get(int k) {
            return span(bounds[2 * k], bounds[2 * k + 1]);
        }
    }

    /** The arguments of a call; {@code text} receives each argument's source span, for messages. */
    private List<Operand> arguments(Spans text) {
        expect(LPAREN, "'('");
        List<Operand> args = new ArrayList<>(2);
        if (kind() != RPAREN) {
            do {
                int first = pos;
                args.add(early(expression()));
                text.add(first, pos);
            } while (accept(COMMA));
        }
        expect(RPAREN, "')'");
        return args;
    }

    private Operand call(int tok, Primitive f) {
        if (kind() != LPAREN) {
            fail(tok, "'" + f.symbol() + "' is a function: call it as " + f.symbol() + "(...)");
        }
        Spans text = new Spans();
        List<Operand> args = arguments(text);
        int n = args.size();
        if (n == 2 && f.arity() == 2 && f != Primitive.IMPLICIT && isVector(args.get(0)) && isVector(args.get(1))) {
            try {
                return Operand.made(b.zip(f, args.get(0).var, args.get(1).var)); // max(v, w): entry by entry
            } catch (ShapeException e) {
                throw located(tok, e, span(tok, pos), text.get(0), text.get(1));
            }
        }
        for (int k = 0; k < n; k++) {
            Operand a = args.get(k);
            if (!isVector(a)) {
                continue;
            }
            if (n == 1 && MAPS.contains(f)) {
                return Operand.made(b.map(f, a.var));
            }
            if (f == Primitive.WEIGHTED_SUM && n == 3 && k == 2 && args.get(0).isConstant() && args.get(1).isConstant()) {
                return Operand.made(b.vectorAffine(args.get(0).c, args.get(1).c, a.var)); // wsum(c0, c1, v)
            }
            fail(tok, f.symbol() + " takes scalars but '" + text.get(k) + "' " + describeShape(a)
                    + " (a function of one argument applies to each entry of a vector, one of two arguments to"
                    + " each pair of entries of two vectors of one width)");
        }
        if (f == Primitive.WEIGHTED_SUM) {
            return weightedSum(tok, args);
        }
        if (n != f.arity()) {
            report(tok, f.symbol() + " takes " + plural(f.arity(), "argument") + ", got " + n);
            return Operand.constant(Double.NaN);
        }
        if (f == Primitive.POW) {
            return combine(CARET, args.get(0), args.get(1));
        }
        if (f == Primitive.IMPLICIT) {
            checkImplicit(tok, args.get(0), text.get(0));
        }
        boolean constant = f != Primitive.IMPLICIT;
        for (Operand a : args) {
            constant &= a.isConstant();
        }
        if (constant) {
            return Operand.constant(f.value(args.get(0).c, n > 1 ? args.get(1).c : 0, 0));
        }
        Var[] v = new Var[n];
        for (int k = 0; k < n; k++) {
            v[k] = materialize(args.get(k));
        }
        return Operand.pending(f, NONE, v);
    }

    /**
     * {@code u = implicit(u, g)} is the constraint of an unknown u of a solve block, {@code g = 0}: it
     * must be the whole right-hand side of u's own definition, with u itself as its first argument;
     * anywhere else it would be a constraint that no solver can satisfy.
     */
    private void checkImplicit(int tok, Operand unknown, String text) {
        Target t = defining;
        boolean whole = t != null && tok == definitionStart && (kind() == NEWLINE || kind() == EOF || kind() == RBRACE);
        Sym s = t == null ? null : (t.temp() ? temps : names).get(t.name());
        if (!whole || s == null || unknown.var == null || unknown.var != s.var) {
            String u = t == null ? "u" : t.name();
            fail(tok, "implicit(u, g) defines an unknown u by the equation g = 0 and must be the whole definition "
                    + "'u = implicit(u, g)'" + (whole ? "; here its first argument is '" + text + "', not '" + u + "'"
                    : "") + " (or write a solve block: solve u { g = 0 })");
        }
    }

    /**
     * {@code dot(a, b)}, {@code sum(v)}, {@code softmax(v)}, {@code logsumexp(v)},
     * {@code squared_loss(yhat, y)}, {@code cross_entropy(logits, y)}: one vector node each.
     */
    private Operand vectorCall(int tok, String name) {
        if (kind() != LPAREN) {
            fail(tok, "'" + name + "' is a function: call it as " + name + "(...)");
        }
        Spans text = new Spans();
        List<Operand> args = arguments(text);
        int arity = VECTOR_FUNCTIONS.get(name);
        if (args.size() != arity) {
            report(tok, name + " takes " + plural(arity, "argument") + ", got " + args.size());
            return Operand.constant(Double.NaN);
        }
        Var a = materialize(args.get(0));
        Var y = arity == 2 ? materialize(args.get(1)) : null;
        if (y != null && !name.equals("outer") && b.width(a) != b.width(y)) {
            // a name used before its definition, taken for a scalar: learn its width for the next pass
            learn(args.get(0), b.width(y));
            learn(args.get(1), b.width(a));
        }
        try {
            return Operand.made(switch (name) {
                case "dot" -> b.dot(a, y);
                case "sum" -> b.vectorSum(a);
                case "softmax" -> b.softmax(a);
                case "logsumexp" -> b.logsumexp(a);
                case "outer" -> b.outer(a, y);
                case "step" -> b.step(a);
                case "squared_loss" -> b.squaredLoss(a, y);
                default -> b.crossEntropy(a, y);
            });
        } catch (ShapeException e) {
            throw located(tok, e, span(tok, pos), text.get(0), text.get(1));
        }
    }

    /**
     * {@code x[1]}, {@code w[i][j]}: a scalar variable; {@code x[1..4]}, {@code w[2][1..3]}: the slice,
     * the vector of those scalar variables (a range only in the last brackets).
     */
    private Operand indexedUse(String word, int tok) {
        StringBuilder name = new StringBuilder(word.length() + 16);
        name.append(word);
        while (kind() == LBRACKET) {
            pos++;
            int lo = index();
            if (kind() == DOTDOT) {
                pos++;
                int hi = index();
                expect(RBRACKET, "']'");
                if (kind() == LBRACKET) {
                    fail(pos, "a range must be the last index of a slice, as in w[2][1..3]");
                }
                return slice(name.toString(), lo, hi, tok);
            }
            name.append('[').append(lo).append(']');
            expect(RBRACKET, "']'");
        }
        return Operand.node(use(name.toString(), tok));
    }

    /** {@code x[lo..hi]}: the vector (one stack node) of the scalar variables x[lo], ..., x[hi]. */
    private Operand slice(String name, int lo, int hi, int tok) {
        if (hi < lo) {
            fail(tok, "the slice " + name + "[" + lo + ".." + hi + "] has no entries");
        }
        count((long) hi - lo + 1, tok);
        Var[] parts = new Var[hi - lo + 1];
        for (int k = lo; k <= hi; k++) {
            parts[k - lo] = scalar(use(name + "[" + k + "]", tok), name + "[" + k + "]", tok);
        }
        return Operand.made(b.stack(parts));
    }

    /** {@code [e1, e2, ...]}: the vector (one stack node) of scalar expressions. */
    private Operand vectorLiteral(int tok) {
        pos++;
        List<Var> parts = new ArrayList<>();
        do {
            int first = pos;
            Operand e = early(expression());
            parts.add(scalar(materialize(e), span(first, pos), first));
        } while (accept(COMMA));
        expect(RBRACKET, "']'");
        return Operand.made(b.stack(parts.toArray(new Var[0])));
    }

    private Var scalar(Var v, String text, int tok) {
        if (isVector(Operand.node(v))) {
            fail(tok, "a vector's entries must be scalars but '" + text + "' " + describeShape(Operand.node(v)));
        }
        return v;
    }

    /**
     * {@code h[2]}, {@code W[1, 3]}: one entry of a vector or matrix node, a scalar (an element node),
     * counted from the input block's index bases, or from 1 for a vector defined by {@code =}.
     */
    private Operand entry(Operand v, String text, int tok) {
        int open = pos++;
        int[] shape = shapeOf(v);
        int[] base = bases.getOrDefault(v.var.id(), new int[] {1, 1});
        boolean matrix = matrices.containsKey(v.var.id());
        int r = integer("an index");
        int c = base[1];
        if (!matrix && kind() == DOTDOT) { // h[2..3]: the stack of those entries
            pos++;
            int hi = integer("an index");
            expect(RBRACKET, "']'");
            if (r < base[0] || hi >= base[0] + shape[0] || hi < r) {
                fail(open, "'" + text + "[" + r + ".." + hi + "]' is out of range: " + text + " has entries " + text
                        + "[" + base[0] + ".." + (base[0] + shape[0] - 1) + "]");
            }
            Var[] parts = new Var[hi - r + 1];
            for (int k = r; k <= hi; k++) {
                parts[k - r] = b.element(v.var, k - base[0]);
            }
            return Operand.made(b.stack(parts));
        }
        if (matrix) {
            if (kind() != COMMA) {
                fail(pos, "'" + text + "' is a " + shape(v) + " matrix: an entry has two indices, " + text + "[row, column]");
            }
            pos++;
            c = integer("an index");
        }
        if (kind() == COMMA) {
            fail(pos, "'" + text + "' " + describeShape(v) + ": an entry has one index, " + text + "[k]");
        }
        expect(RBRACKET, "']'");
        int row = r - base[0];
        int col = c - base[1];
        if (row < 0 || row >= shape[0] || col < 0 || col >= shape[1]) {
            String range = "[" + base[0] + ".." + (base[0] + shape[0] - 1)
                    + (matrix ? ", " + base[1] + ".." + (base[1] + shape[1] - 1) : "") + "]";
            fail(open, "'" + text + "[" + (matrix ? r + ", " + c : "" + r) + "]' is out of range: " + text
                    + " has entries " + text + range);
        }
        return Operand.made(b.element(v.var, row * shape[1] + col));
    }

    /** {@code wsum(c0, c1, z1, ..., ck, zk)}, taken literally: one weighted-sum node, never folded. */
    private Operand weightedSum(int tok, List<Operand> args) {
        if (args.size() % 2 == 0) {
            report(tok, "wsum takes a constant and then pairs of coefficient and term, got "
                    + plural(args.size(), "argument"));
            return Operand.constant(Double.NaN);
        }
        for (int k = 0; k < args.size(); k += k == 0 ? 1 : 2) {
            if (!args.get(k).isConstant()) {
                report(tok, "wsum's coefficient " + (k + 1) / 2 + " must be a constant");
                return Operand.constant(Double.NaN);
            }
        }
        List<Double> c = new ArrayList<>();
        List<Var> z = new ArrayList<>();
        for (int k = 1; k < args.size(); k += 2) {
            c.add(args.get(k).c);
            z.add(materialize(args.get(k + 1)));
        }
        return weighted(args.get(0).c, c, z);
    }

    private static Operand weighted(double c0, List<Double> c, List<Var> z) {
        double[] p = new double[c.size() + 1];
        p[0] = c0;
        for (int k = 0; k < c.size(); k++) {
            p[k + 1] = c.get(k);
        }
        return Operand.pending(Primitive.WEIGHTED_SUM, p, z.toArray(new Var[0]));
    }

    /**
     * {@code sum(i in A..B: expr)}: one weighted sum over the terms; constant terms fold into its
     * constant, a term {@code c * z} contributes coefficient c.
     */
    private Operand sum(int tok) {
        expect(LPAREN, "'('");
        String name = loopVariable();
        expectWord("in");
        int lo = integer("a sum bound");
        expect(DOTDOT, "'..'");
        int hi = integer("a sum bound");
        expect(COLON, "':'");
        int body = pos;
        count(Math.max(0, (long) hi - lo + 1), tok);
        double c0 = 0;
        List<Double> c = new ArrayList<>();
        List<Var> z = new ArrayList<>();
        if (hi < lo) {
            skipToClosingParenthesis();
        } else {
            bind(name);
            try {
                for (long i = lo; i <= hi; i++) {
                    loopValues.set(loopValues.size() - 1, (double) i);
                    pos = body;
                    Operand term = expression();
                    if (isVector(term)) {
                        fail(body, "a sum term must be a scalar but '" + span(body, pos) + "' " + describeShape(term)
                                + " (sum(v) adds the entries of a vector)");
                    }
                    if (term.isConstant()) {
                        c0 += term.c;
                    } else if (term.isPending() && term.f == Primitive.WEIGHTED_SUM && term.args.length == 1
                            && term.p[0] == 0) {
                        c.add(term.p[1]);
                        z.add(term.args[0]);
                    } else {
                        c.add(1.0);
                        z.add(materialize(term));
                    }
                }
            } finally {
                unbind();
            }
        }
        expect(RPAREN, "')'");
        return z.isEmpty() ? Operand.constant(c0) : weighted(c0, c, z);
    }

    private void skipToClosingParenthesis() {
        int d = 0;
        while (kind() != EOF && kind() != NEWLINE && !(kind() == RPAREN && d == 0)) {
            d += kind() == LPAREN ? 1 : kind() == RPAREN ? -1 : 0;
            pos++;
        }
    }

    /**
     * {@code left op right} with folding: both constant gives a constant; a constant operand of
     * {@code + - *} gives a weighted sum, a constant exponent gives POWC.
     */
    Operand combine(byte op, Operand left, Operand right) {
        boolean lc = left.isConstant();
        boolean rc = right.isConstant();
        switch (op) {
            case PLUS -> {
                if (lc && rc) {
                    return Operand.constant(left.c + right.c);
                }
                if (lc || rc) {
                    return Operand.pending(Primitive.WEIGHTED_SUM, new double[] {lc ? left.c : right.c, 1},
                            materialize(lc ? right : left));
                }
                return Operand.pending(Primitive.ADD, NONE, materialize(left), materialize(right));
            }
            case MINUS -> {
                if (lc && rc) {
                    return Operand.constant(left.c - right.c);
                }
                if (rc) {
                    return Operand.pending(Primitive.WEIGHTED_SUM, new double[] {-right.c, 1}, materialize(left));
                }
                if (lc) {
                    return Operand.pending(Primitive.WEIGHTED_SUM, new double[] {left.c, -1}, materialize(right));
                }
                return Operand.pending(Primitive.SUB, NONE, materialize(left), materialize(right));
            }
            case STAR -> {
                if (lc && rc) {
                    return Operand.constant(left.c * right.c);
                }
                if (lc || rc) {
                    return Operand.pending(Primitive.WEIGHTED_SUM, new double[] {0, lc ? left.c : right.c},
                            materialize(lc ? right : left));
                }
                return Operand.pending(Primitive.MUL, NONE, materialize(left), materialize(right));
            }
            case SLASH -> {
                if (lc && rc) {
                    return Operand.constant(left.c / right.c);
                }
                return Operand.pending(Primitive.DIV, NONE, materialize(left), materialize(right));
            }
            default -> { // CARET
                if (lc && rc) {
                    return Operand.constant(Primitive.POWC.value(left.c, 0, right.c));
                }
                if (rc) {
                    return Operand.pending(Primitive.POWC, new double[] {right.c}, materialize(left));
                }
                return Operand.pending(Primitive.POW, NONE, materialize(left), materialize(right));
            }
        }
    }

    /**
     * {@code left op right} where an operand is a vector or the operator is {@code @}: {@code @} is
     * a matrix-vector product, {@code + - * /} act entry by entry on vectors of one width, and a
     * constant or scalar variable times a vector (or a vector divided by a constant) scales it.
     */
    private Operand vectorBinary(byte op, Operand left, Operand right, String whole, String l, String r, int tok) {
        String where = "'" + whole + "': ";
        boolean lv = isVector(left);
        boolean rv = isVector(right);
        if (op == AT) {
            return matvec(left, right, whole, l, r, tok);
        }
        if (op == STAR && lv != rv) {
            Operand c = lv ? right : left;
            Var s = c.isConstant() ? null : materialize(c);
            Var v = productAhead(lv ? left : right, lv ? l : r, tok).var;
            return Operand.made(s == null ? b.scale(c.c, v) : b.scale(s, v));
        }
        if (op == SLASH && lv && right.isConstant()) {
            return Operand.made(b.scale(1 / right.c, productAhead(left, l, tok).var));
        }
        if (op == SLASH && lv != rv) {
            fail(tok, where + "a vector can only be divided by a constant or, entry by entry, by a vector of its width; '"
                    + (lv ? r : l) + "' " + describeShape(lv ? right : left));
        }
        if (lv != rv && (op == PLUS || op == MINUS) && (lv ? right : left).isConstant()) {
            // c + v, v + c, v - c, c - v: one affine node, as x + c is one weighted sum for a scalar
            double c = (lv ? right : left).c;
            Var v = (lv ? left : right).var;
            return Operand.made(op == PLUS ? b.vectorAffine(c, 1, v) : lv ? b.vectorAffine(-c, 1, v)
                    : b.vectorAffine(c, -1, v));
        }
        if (lv != rv) {
            if (op != STAR) {
                learn(lv ? right : left, b.width((lv ? left : right).var));
            }
            fail(tok, where + "'" + (op == PLUS ? "+" : op == MINUS ? "-" : "*") + "' of a vector and a scalar: '" + l + "' " + describeShape(left)
                    + " but '" + r + "' " + describeShape(right));
        }
        try {
            return Operand.made(switch (op) {
                case PLUS -> b.vectorAdd(left.var, right.var);
                case MINUS -> b.vectorSub(left.var, right.var);
                case SLASH -> b.zip(Primitive.DIV, left.var, right.var);
                default -> b.hadamard(left.var, right.var);
            });
        } catch (ShapeException e) {
            throw located(tok, e, whole, l, r);
        }
    }

    /** {@code m @ x}: m a matrix input (or an n-vector, an n x 1 matrix) and x of m's column count. */
    private Operand matvec(Operand m, Operand x, String whole, String l, String r, int tok) {
        try {
            if (isVector(m) && !isMatrix(m) && isMatrix(x)) {
                return Operand.made(b.matvecTransposed(x.var, m.var)); // y @ W: the transposed product W^T y
            }
            if (!isVector(m)) {
                fail(tok, "'" + whole + "': '@' needs a matrix on its left but '" + l + "' " + describeShape(m));
            }
            Var v = materialize(x);
            if (b.width(v) != shapeOf(m)[1]) {
                learn(x, shapeOf(m)[1]); // a name used before its definition, taken for a scalar
            }
            return Operand.made(b.matvec(m.var, v));
        } catch (ShapeException e) {
            throw located(tok, e, whole, l, r);
        }
    }

    /**
     * After a matrix that is scaled or negated ({@code 0.9 * P}, {@code -W}): when {@code @} follows,
     * the product is taken first, so {@code 0.9 * P @ v} is {@code 0.9 * (P @ v)} (one matvec and one
     * scaling; a scaled matrix is never formed) and {@code -W @ x} is {@code -(W @ x)}.
     */
    private Operand productAhead(Operand m, String text, int tok) {
        if (m.var == null || !matrices.containsKey(m.var.id()) || kind() != AT) {
            return m;
        }
        pos++;
        int second = pos;
        Operand x = unary();
        return matvec(m, x, text + " @ " + span(second, pos), text, span(second, pos), tok);
    }

    /**
     * Reports the builder's shape mismatch at {@code tok}, the operation written as its source text
     * {@code whole} and its operands as {@code texts}: the builder's check, the parser's location.
     */
    private Syntax located(int tok, ShapeException e, String whole, String... texts) {
        fail(tok, e.describe(whole, texts));
        return new Syntax(); // not reached: fail throws
    }

    /**
     * When {@code r} is a name used before its definition, so far taken for a scalar, where a vector
     * of {@code w} entries is needed ({@code P @ v}, {@code r + v}): learns its width for the next
     * pass and reports the error that pass will not repeat.
     */
    private boolean learn(Operand r, int w) {
        Var v = r.var != null ? widthSource.getOrDefault(r.var.id(), r.var) : null;
        if (v == null && r.isPending() && r.args.length == 1 && KEEPS_WIDTH.contains(r.f)) {
            v = widthSource.getOrDefault(r.args[0].id(), r.args[0]); // 0.9 * v, -v, tanh(v)
        }
        String name = v == null || w < 2 ? null : v.name();
        Sym s = name == null ? null : names.get(name);
        if (s == null || s.defTok >= 0 || s.var != v || b.width(v) != 1 || learned.containsKey(name)) {
            return false;
        }
        learned.put(name, w);
        fail(s.useTok, "'" + name + "' is used as a vector of " + entries(w) + " before its definition");
        return true;
    }

    /**
     * An undefined {@code h[2]} where {@code h} is a vector defined later: the next pass declares
     * {@code h} as a vector at its first use, so that {@code h[2]} reads its entry.
     */
    void learnEntry(String name) {
        int open = name.indexOf('[');
        Sym vector = open > 0 ? names.get(name.substring(0, open)) : null;
        if (vector != null && vector.defTok >= 0 && b.width(vector.var) > 1 && !matrices.containsKey(vector.var.id())
                && !widths.containsKey(name.substring(0, open))) {
            learned.put(name.substring(0, open), b.width(vector.var));
        }
    }
}
