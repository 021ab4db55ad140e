package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.CARET;
import static dev.lagrange.lang.Lexer.COLON;
import static dev.lagrange.lang.Lexer.COMMA;
import static dev.lagrange.lang.Lexer.DOTDOT;
import static dev.lagrange.lang.Lexer.EOF;
import static dev.lagrange.lang.Lexer.EQUALS;
import static dev.lagrange.lang.Lexer.ERROR;
import static dev.lagrange.lang.Lexer.IDENT;
import static dev.lagrange.lang.Lexer.LBRACE;
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
import dev.lagrange.program.Program;
import dev.lagrange.program.ProgramException;
import dev.lagrange.program.Var;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the {@code .lag} language (see {@code docs/lag-language.md}) into the {@link Program} the
 * Java builder would build for it: every expression is decomposed into primitive constraints
 * {@code z_i = f_i(z_alpha(i))}, named variables keep their names and temporaries stay unnamed.
 *
 * <p>A hand-written lexer and recursive-descent parser, one pass over the tokens: a name used before
 * its definition is declared at its first use ({@link Program.Builder#declare}) and filled in by its
 * definition, which is how cycles are written. {@code for} loops and {@code sum} are unrolled by
 * parsing their bodies once per index value. Expressions nest at most {@value #MAX_DEPTH} levels
 * and loops {@value #MAX_LOOP_DEPTH} levels, so no input can overflow the call stack; at most
 * {@value #MAX_UNROLLED} statements, loop iterations and sum terms are unrolled, so no input can
 * run away. Time O(unrolled tokens), memory O(nodes).
 *
 * <p>Errors do not stop the parse: each statement in error is reported and skipped, undefined names
 * are reported at the end, all in source order (at most {@value Diagnostics#LIMIT}).
 */
public final class LagParser {
    /** The deepest nesting of parentheses, function calls and exponents in one expression. */
    public static final int MAX_DEPTH = 256;
    /** The deepest nesting of {@code for} loops. */
    public static final int MAX_LOOP_DEPTH = 64;
    /** The most statements, loop iterations and sum terms one program may unroll to. */
    public static final long MAX_UNROLLED = 10_000_000;

    private static final double[] NONE = new double[0];
    private static final Map<String, Primitive> FUNCTIONS = new HashMap<>();

    static {
        for (Primitive f : new Primitive[] {Primitive.EXP, Primitive.LOG, Primitive.SIN, Primitive.COS,
                Primitive.TAN, Primitive.TANH, Primitive.SIGMOID, Primitive.SQRT, Primitive.ABS, Primitive.RELU,
                Primitive.SOFTPLUS, Primitive.POW, Primitive.MAX, Primitive.MIN, Primitive.IMPLICIT,
                Primitive.WEIGHTED_SUM}) {
            FUNCTIONS.put(f.symbol(), f);
        }
    }

    /** A variable name or temporary label as the parser tracks it. */
    private static final class Sym {
        Var var;
        int defTok = -1;
        int useTok = -1;
        boolean declaredTemp;

        Sym(Var var) {
            this.var = var;
        }
    }

    /** The target of a definition: a name, or a temporary label {@code %12}. */
    private record Target(String name, boolean temp, int tok) {
    }

    /** Aborts the current statement after its error was reported; carries no stack trace. */
    private static final class Syntax extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Syntax() {
            super(null, null, false, false);
        }
    }

    private final Lexer lex;
    private final Diagnostics diag;
    private final Program.Builder b = Program.builder();
    private final Map<String, Sym> names = new LinkedHashMap<>();
    private final Map<String, Sym> temps = new LinkedHashMap<>();
    private final Map<Integer, Integer> initTok = new HashMap<>();
    private final List<String> loopNames = new ArrayList<>();
    private final List<Double> loopValues = new ArrayList<>();
    private int pos;
    private int depth;
    private int loopDepth;
    private long unrolled;
    private boolean hasOutput;

    private LagParser(String source, Diagnostics diagnostics) {
        diag = diagnostics;
        lex = new Lexer(source, diag);
    }

    /**
     * Parses {@code source} into the program the Java builder would build for it.
     *
     * @param file the name used in diagnostics
     * @throws LagException listing every error found
     */
    public static Program parse(String source, String file) {
        Diagnostics diagnostics = new Diagnostics(file, source);
        Program program = null;
        try {
            program = new LagParser(source, diagnostics).program();
        } catch (Diagnostics.Stop stop) {
            // the error limit was reached; what was found is reported below
        } catch (StackOverflowError e) {
            diagnostics = new Diagnostics(file, source);
            diagnostics.error(0, "the program is nested too deeply to parse");
        }
        if (!diagnostics.isEmpty() || program == null) {
            throw new LagException(diagnostics.sorted());
        }
        return program;
    }

    /**
     * Reads and parses a UTF-8 file; diagnostics name it as given.
     *
     * @throws LagException listing every error found
     * @throws IOException when the file cannot be read
     */
    public static Program parse(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    private Program program() {
        statements(lex.count - 1);
        for (Map.Entry<String, Sym> e : names.entrySet()) {
            if (e.getValue().defTok < 0) {
                report(e.getValue().useTok, "undefined name '" + e.getKey() + "'");
            }
        }
        for (Map.Entry<String, Sym> e : temps.entrySet()) {
            if (e.getValue().defTok < 0) {
                report(e.getValue().useTok, "temporary " + e.getKey() + " is declared but never defined");
            }
        }
        if (!hasOutput) {
            report(lex.count - 1, "the program has no output: add a line 'output NAME'");
        }
        if (!diag.isEmpty()) {
            return null;
        }
        try {
            return b.build();
        } catch (ProgramException e) {
            report(lex.count - 1, e.getMessage());
            return null;
        }
    }

    // ---------------------------------------------------------------- statements

    /** Parses statements up to token {@code end} (exclusive): a block's '}' or the end of file. */
    private void statements(int end) {
        while (true) {
            while (pos < end && kind() == NEWLINE) {
                pos++;
            }
            if (pos >= end) {
                return;
            }
            statement(end);
        }
    }

    private void statement(int end) {
        int first = pos;
        depth = 0;
        count(1, first);
        try {
            if (kind() == IDENT && lex.is(pos, "input")) {
                inputStatement();
            } else if (kind() == IDENT && lex.is(pos, "output")) {
                outputStatement();
            } else if (kind() == IDENT && lex.is(pos, "init")) {
                initStatement();
            } else if (kind() == IDENT && lex.is(pos, "declare")) {
                declareStatement();
            } else if (kind() == IDENT && lex.is(pos, "for")) {
                forStatement();
            } else if (kind() == IDENT && lex.is(pos, "solve")) {
                solveStatement();
            } else if (kind() == IDENT || kind() == QUOTED || kind() == TEMP) {
                assignment();
            } else {
                fail(pos, "expected a statement but found " + lex.describe(pos));
            }
            if (pos < end && kind() != NEWLINE) {
                fail(pos, "expected end of line but found " + lex.describe(pos));
            }
        } catch (Syntax e) {
            skipLine(end);
        } catch (ProgramException | IllegalArgumentException e) {
            report(first, e.getMessage());
            skipLine(end);
        }
    }

    /** Skips to the end of the line, over any '{ ... }' block that starts on it. */
    private void skipLine(int end) {
        while (pos < end && kind() != NEWLINE) {
            if (kind() == LBRACE) {
                pos = Math.min(end, closingBrace(pos, false) + 1);
            } else {
                pos++;
            }
        }
    }

    private void assignment() {
        Target t = target();
        try {
            expect(EQUALS, "'='");
            define(t, expression());
        } catch (Syntax e) {
            markDefined(t);
            throw e;
        }
    }

    /** {@code name = expr}: the top-level operation becomes the named node; a bare operand is copied. */
    private void define(Target t, Operand r) {
        if (t.temp) {
            Sym s = temps.get(t.name);
            if (s != null) {
                duplicate(t, s);
                return;
            }
            Var v;
            if (r.isPending()) {
                v = b.apply(r.f, r.p, r.args);
            } else if (r.var != null) {
                v = b.apply(Primitive.IDENTITY, r.var);
            } else {
                v = b.constant(r.c);
            }
            s = new Sym(v);
            s.defTok = t.tok;
            temps.put(t.name, s);
            return;
        }
        Sym s = names.get(t.name);
        if (s != null && s.defTok >= 0) {
            duplicate(t, s);
            return;
        }
        Var v = r.isPending() ? b.define(t.name, r.f, r.p, r.args)
                : b.define(t.name, Primitive.IDENTITY, NONE, materialize(r));
        if (s == null) {
            s = new Sym(v);
            names.put(t.name, s);
        }
        s.defTok = t.tok;
    }

    /** After an error in a definition: the name counts as defined, so its uses are not reported too. */
    private void markDefined(Target t) {
        if (t.temp) {
            temps.computeIfAbsent(t.name, k -> new Sym(b.constant(Double.NaN))).defTok = t.tok;
        } else {
            Sym s = names.get(t.name);
            if (s == null) {
                s = new Sym(b.declare(t.name));
                names.put(t.name, s);
            }
            if (s.defTok < 0) {
                s.defTok = t.tok;
            }
        }
    }

    private void duplicate(Target t, Sym s) {
        String what = t.temp ? "temporary " + t.name : "'" + t.name + "'";
        if (s.declaredTemp && s.defTok < 0) {
            report(t.tok, what + " is declared; only 'input " + t.name + "' can define a declared temporary");
        } else if (s.defTok == t.tok) {
            report(t.tok, what + " is assigned more than once: in every iteration of its loop"
                    + " (give it an index, e.g. " + t.name + "[t])");
        } else {
            report(t.tok, what + " is assigned more than once (first at " + diag.where(lex.start[s.defTok]) + ")");
        }
    }

    private void inputStatement() {
        pos++;
        do {
            int tok = pos;
            Target base = target(false);
            List<int[]> ranges = new ArrayList<>();
            while (kind() == LBRACKET && !base.temp) {
                pos++;
                int lo = integer("an index");
                int hi = lo;
                if (kind() == DOTDOT) {
                    pos++;
                    hi = integer("an index");
                }
                expect(RBRACKET, "']'");
                ranges.add(new int[] {lo, hi});
            }
            double value = Double.NaN;
            if (kind() == EQUALS) {
                pos++;
                value = constant("an input's default value");
            }
            if (ranges.isEmpty()) {
                input(base, value);
                continue;
            }
            long total = 1;
            for (int[] r : ranges) {
                total *= Math.max(0, (long) r[1] - r[0] + 1);
                count(total, tok);
            }
            int[] at = new int[ranges.size()];
            for (int k = 0; k < at.length; k++) {
                at[k] = ranges.get(k)[0];
            }
            StringBuilder name = new StringBuilder();
            for (long m = 0; m < total; m++) {
                name.setLength(0);
                name.append(base.name);
                for (int k : at) {
                    name.append('[').append(k).append(']');
                }
                input(new Target(name.toString(), false, tok), value);
                for (int k = at.length - 1; k >= 0; k--) { // row-major: the last index runs fastest
                    if (at[k] < ranges.get(k)[1]) {
                        at[k]++;
                        break;
                    }
                    at[k] = ranges.get(k)[0];
                }
            }
        } while (accept(COMMA));
    }

    private void input(Target t, double value) {
        Map<String, Sym> table = t.temp ? temps : names;
        Sym s = table.get(t.name);
        if (s != null && s.defTok >= 0) {
            duplicate(t, s);
            return;
        }
        if (s != null) {
            b.input(s.var, value);
        } else {
            s = new Sym(b.input(t.temp ? null : t.name, value));
            table.put(t.name, s);
        }
        s.defTok = t.tok;
    }

    private void outputStatement() {
        pos++;
        do {
            b.output(reference());
            hasOutput = true;
        } while (accept(COMMA));
    }

    private void initStatement() {
        pos++;
        do {
            int tok = pos;
            Var v = reference();
            expect(EQUALS, "'='");
            double value = constant("an init value");
            Integer first = initTok.putIfAbsent(v.id(), tok);
            if (first != null) {
                report(tok, "init of " + lex.describe(tok) + " is given more than once (first at "
                        + diag.where(lex.start[first]) + ")");
            } else {
                b.init(v, value);
            }
        } while (accept(COMMA));
    }

    /** {@code declare a, %3}: creates the variables now, to be defined later (the printer's node order). */
    private void declareStatement() {
        pos++;
        do {
            Target t = target();
            Map<String, Sym> table = t.temp ? temps : names;
            if (table.containsKey(t.name)) {
                report(t.tok, (t.temp ? "temporary " + t.name : "'" + t.name + "'")
                        + " is already in use; declare it before its first use");
                continue;
            }
            Sym s = new Sym(b.declare(t.temp ? null : t.name));
            s.useTok = t.tok;
            s.declaredTemp = t.temp;
            table.put(t.name, s);
        } while (accept(COMMA));
    }

    private void forStatement() {
        int forTok = pos++;
        if (loopDepth == MAX_LOOP_DEPTH) {
            fail(forTok, "loops are nested more than " + MAX_LOOP_DEPTH + " deep");
        }
        String name = loopVariable();
        expectWord("in");
        int lo = integer("a loop bound");
        expect(DOTDOT, "'..'");
        int hi = integer("a loop bound");
        int open = pos;
        expect(LBRACE, "'{'");
        int close = closingBrace(open, true);
        count(Math.max(0, (long) hi - lo + 1), forTok);
        loopDepth++;
        bind(name);
        try {
            for (long t = lo; t <= hi; t++) {
                loopValues.set(loopValues.size() - 1, (double) t);
                pos = open + 1;
                statements(close);
            }
        } finally {
            unbind();
            loopDepth--;
        }
        pos = kindAt(close) == RBRACE ? close + 1 : close;
    }

    private void solveStatement() {
        int solveTok = pos++;
        List<Target> unknowns = new ArrayList<>();
        do {
            Target t = target();
            if (t.temp) {
                fail(t.tok, "an unknown of a solve block needs a name, not " + t.name);
            }
            unknowns.add(t);
        } while (accept(COMMA));
        int open = pos;
        expect(LBRACE, "'{'");
        int close = closingBrace(open, true);
        List<Sym> syms = new ArrayList<>();
        for (Target t : unknowns) {
            Sym s = names.get(t.name);
            if (s != null && s.defTok >= 0) {
                duplicate(t, s);
                syms.add(null);
                continue;
            }
            if (s == null) {
                s = new Sym(b.declare(t.name));
                s.useTok = t.tok;
                names.put(t.name, s);
            }
            s.defTok = t.tok;
            syms.add(s);
        }
        List<Var> residuals = new ArrayList<>();
        pos = open + 1;
        while (true) {
            while (pos < close && kind() == NEWLINE) {
                pos++;
            }
            if (pos >= close) {
                break;
            }
            depth = 0;
            count(1, pos);
            try {
                Operand lhs = early(expression());
                expect(EQUALS, "'=' (an equation is lhs = rhs)");
                Operand rhs = expression();
                residuals.add(rhs.isConstant() && rhs.c == 0 ? materialize(lhs)
                        : materialize(combine(MINUS, lhs, rhs)));
                if (pos < close && kind() != NEWLINE) {
                    fail(pos, "expected end of line but found " + lex.describe(pos));
                }
            } catch (Syntax e) {
                skipLine(close);
                residuals.add(null);
            }
        }
        pos = kindAt(close) == RBRACE ? close + 1 : close;
        if (residuals.size() != unknowns.size()) {
            StringBuilder list = new StringBuilder();
            for (Target t : unknowns) {
                list.append(list.length() == 0 ? "" : ", ").append(t.name);
            }
            report(solveTok, "solve block has " + plural(unknowns.size(), "unknown") + " (" + list + ") but "
                    + plural(residuals.size(), "equation"));
            return;
        }
        for (int k = 0; k < unknowns.size(); k++) {
            Sym s = syms.get(k);
            if (s != null && residuals.get(k) != null) {
                b.define(unknowns.get(k).name, Primitive.IMPLICIT, NONE, s.var, residuals.get(k));
            }
        }
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** The index of the '}' that closes the '{' at {@code open}, or of the end of file. */
    private int closingBrace(int open, boolean reportUnclosed) {
        int d = 0;
        for (int i = open; ; i++) {
            byte k = lex.kind[i];
            if (k == LBRACE) {
                d++;
            } else if (k == RBRACE && --d == 0) {
                return i;
            } else if (k == EOF) {
                if (reportUnclosed) {
                    report(open, "'{' is not closed by a '}'");
                }
                return i;
            }
        }
    }

    // ---------------------------------------------------------------- names

    private Target target() {
        return target(true);
    }

    /**
     * A definition target: {@code name}, {@code name[i][j]}, {@code `quoted name`} or {@code %12};
     * without {@code indices} the brackets are left for the caller (input ranges).
     */
    private Target target(boolean indices) {
        int tok = pos;
        if (kind() == TEMP) {
            pos++;
            return new Target(lex.text(tok), true, tok);
        }
        if (kind() == QUOTED) {
            pos++;
            return new Target(unquote(tok), false, tok);
        }
        if (kind() != IDENT) {
            fail(tok, "expected a name but found " + lex.describe(tok));
        }
        String base = lex.text(tok);
        if (Names.RESERVED.contains(base)) {
            fail(tok, "'" + base + "' is a reserved word and cannot name a variable (write `" + base + "` to use it)");
        }
        pos++;
        if (kind() == LBRACKET) {
            return new Target(indices ? indexed(base) : base, false, tok);
        }
        if (loopIndex(base) >= 0) {
            fail(tok, "'" + base + "' is a loop variable, not a program variable");
        }
        return new Target(base, false, tok);
    }

    private String unquote(int tok) {
        String name = lex.unquote(tok);
        if (name == null) {
            fail(tok, "malformed escape in quoted name " + lex.describe(tok));
        }
        if (name.isEmpty()) {
            fail(tok, "a quoted name must not be empty");
        }
        return name;
    }

    /** {@code base[i][j]...}: the name of an indexed variable, indices evaluated. */
    private String indexed(String base) {
        StringBuilder name = new StringBuilder(base);
        while (kind() == LBRACKET) {
            pos++;
            name.append('[').append(integer("an index")).append(']');
            expect(RBRACKET, "']'");
        }
        return name.toString();
    }

    /** A use of a program variable (output, init): forward uses are declared. */
    private Var reference() {
        Target t = target();
        return t.temp ? temporary(t) : use(t.name, t.tok);
    }

    private Var use(String name, int tok) {
        Sym s = names.get(name);
        if (s == null) {
            s = new Sym(b.declare(name));
            s.useTok = tok;
            names.put(name, s);
        }
        return s.var;
    }

    private Var temporary(Target t) {
        Sym s = temps.get(t.name);
        if (s == null) {
            fail(t.tok, "temporary " + t.name + " is used before it is defined");
        }
        return s.var;
    }

    private String loopVariable() {
        int tok = pos;
        if (kind() != IDENT || Names.RESERVED.contains(lex.text(tok))) {
            fail(tok, "expected a loop variable name but found " + lex.describe(tok));
        }
        String name = lex.text(tok);
        if (loopIndex(name) >= 0) {
            fail(tok, "loop variable '" + name + "' is already in use by an enclosing loop");
        }
        pos++;
        return name;
    }

    private void bind(String name) {
        loopNames.add(name);
        loopValues.add(0.0);
    }

    private void unbind() {
        loopNames.remove(loopNames.size() - 1);
        loopValues.remove(loopValues.size() - 1);
    }

    private int loopIndex(String name) {
        for (int k = loopNames.size() - 1; k >= 0; k--) {
            if (loopNames.get(k).equals(name)) {
                return k;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- expressions

    /** expression := term (('+' | '-') term)* */
    private Operand expression() {
        enter();
        Operand left = term();
        while (kind() == PLUS || kind() == MINUS) {
            byte op = kind();
            pos++;
            left = early(left);
            left = combine(op, left, term());
        }
        depth--;
        return left;
    }

    /** One level deeper into an expression; the depth is reset at each statement, so errors need not unwind it. */
    private void enter() {
        if (++depth > MAX_DEPTH) {
            fail(pos, "expression is nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    /** term := unary (('*' | '/') unary)* */
    private Operand term() {
        Operand left = unary();
        while (kind() == STAR || kind() == SLASH) {
            byte op = kind();
            pos++;
            left = early(left);
            left = combine(op, left, unary());
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
        Operand r = power();
        for (int k = 0; k < negations; k++) {
            r = r.isConstant() ? Operand.constant(-r.c) : Operand.pending(Primitive.NEG, NONE, materialize(r));
        }
        return r;
    }

    /** power := primary ('^' unary)?, right-associative through unary. */
    private Operand power() {
        Operand base = primary();
        if (kind() != CARET) {
            return base;
        }
        pos++;
        base = early(base);
        enter();
        Operand exponent = unary();
        depth--;
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
                return sum(tok);
            }
            default -> {
            }
        }
        if (FUNCTIONS.containsKey(word)) {
            return call(tok, FUNCTIONS.get(word));
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
            return Operand.node(use(indexed(word), tok));
        }
        int loop = loopIndex(word);
        if (loop >= 0) {
            return Operand.constant(loopValues.get(loop));
        }
        return Operand.node(use(word, tok));
    }

    private List<Operand> arguments() {
        expect(LPAREN, "'('");
        List<Operand> args = new ArrayList<>();
        if (kind() != RPAREN) {
            do {
                args.add(early(expression()));
            } while (accept(COMMA));
        }
        expect(RPAREN, "')'");
        return args;
    }

    private Operand call(int tok, Primitive f) {
        if (kind() != LPAREN) {
            fail(tok, "'" + f.symbol() + "' is a function: call it as " + f.symbol() + "(...)");
        }
        List<Operand> args = arguments();
        int n = args.size();
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
    private Operand combine(byte op, Operand left, Operand right) {
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
     * Creates a pending operation's node as a temporary, so that the left operand's nodes come
     * before the right operand's (the order of a Java builder call).
     */
    private Operand early(Operand r) {
        return r.isPending() ? Operand.node(b.apply(r.f, r.p, r.args)) : r;
    }

    private Var materialize(Operand r) {
        if (r.isPending()) {
            return b.apply(r.f, r.p, r.args);
        }
        return r.var != null ? r.var : b.constant(r.c);
    }

    /** An integer-valued constant expression of numbers and loop variables (an index or a bound). */
    private int integer(String what) {
        int tok = pos;
        double v = constant(what);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            fail(tok, what + " must be an integer, got " + v);
        }
        return (int) v;
    }

    /** A constant expression (numbers, pi, loop variables, functions of them). */
    private double constant(String what) {
        int tok = pos;
        Operand r = expression();
        if (!r.isConstant()) {
            fail(tok, what + " must be a constant expression of numbers and loop variables");
        }
        return r.c;
    }

    /** Charges {@code n} units of unrolling to the budget; past it, parsing stops. */
    private void count(long n, int tok) {
        unrolled += n;
        if (unrolled > MAX_UNROLLED || n > MAX_UNROLLED) {
            report(tok, "the program unrolls to more than " + MAX_UNROLLED
                    + " statements, loop iterations and sum terms");
            throw new Diagnostics.Stop();
        }
    }

    // ---------------------------------------------------------------- tokens

    private byte kind() {
        return lex.kind[pos];
    }

    private byte kindAt(int t) {
        return lex.kind[t];
    }

    private boolean accept(byte k) {
        if (kind() == k) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(byte k, String what) {
        if (kind() != k) {
            fail(pos, "expected " + what + " but found " + lex.describe(pos));
        }
        pos++;
    }

    private void expectWord(String word) {
        if (!lex.is(pos, word)) {
            fail(pos, "expected '" + word + "' but found " + lex.describe(pos));
        }
        pos++;
    }

    private void report(int tok, String message) {
        diag.error(lex.start[Math.max(0, tok)], message);
    }

    /** Reports an error at token {@code tok} and abandons the statement (an ERROR token was reported already). */
    private void fail(int tok, String message) {
        if (lex.kind[tok] != ERROR) {
            report(tok, message);
        }
        throw new Syntax();
    }
}
