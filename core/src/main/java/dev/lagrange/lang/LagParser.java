package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.COMMA;
import static dev.lagrange.lang.Lexer.DOTDOT;
import static dev.lagrange.lang.Lexer.EQUALS;
import static dev.lagrange.lang.Lexer.IDENT;
import static dev.lagrange.lang.Lexer.LBRACE;
import static dev.lagrange.lang.Lexer.LBRACKET;
import static dev.lagrange.lang.Lexer.MINUS;
import static dev.lagrange.lang.Lexer.NEWLINE;
import static dev.lagrange.lang.Lexer.QUOTED;
import static dev.lagrange.lang.Lexer.RBRACE;
import static dev.lagrange.lang.Lexer.RBRACKET;
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
import java.util.Arrays;
import java.util.HashMap;
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
 * <p>Vector forms ({@code input W[1..3, 1..4]}, {@code W @ x}, elementwise {@code + - *}, scaling,
 * {@code tanh(v)}, {@code dot}, {@code sum(v)}, losses, entries {@code h[2]}, slices and families of
 * scalar inputs) map onto the builder's vector methods one node per operation; shapes are checked
 * here, so that a mismatch is a diagnostic naming both operands' text and shapes.
 *
 * <p>Two passes when a file that can make vectors uses a name before its definition, one otherwise
 * (a scalar cycle is read once). A vector used before its definition (a cycle
 * {@code v = r + 0.9 * P @ v}) must be declared with its width at that use. The <em>width pass</em> learns those widths: it reads the statements in {@link StatementOrder}
 * (definitions before their uses, the statements of one cycle in source order) into a program it
 * throws away; where a definition shows a name taken for a scalar to be a vector ({@code P @ v}),
 * the name is declared again with that width and the definition read again. The <em>build pass</em>
 * then reads the file in source order, each such name declared as a vector of its width
 * ({@link Program.Builder#declareVector}), and reports every error. Should the build pass still
 * learn a width (a width the tokens' dependencies did not lead to), the two passes run again with
 * it; every round learns a new name, so the rounds end.
 *
 * <p>Errors do not stop the parse: each statement in error is reported and skipped, undefined names
 * are reported at the end, all in source order (at most {@value Diagnostics#LIMIT}).
 *
 * <p>Three rooms: {@link ParseContext} holds one pass's state (tokens, position, symbol tables,
 * diagnostics) and the token helpers; {@link ExpressionParser} reads expressions, calls and the
 * vector forms; {@link StatementOrder} orders the width pass; this class reads statements, runs
 * the passes and is the public entry point. About 860 lines: the statements (input, output, init,
 * declare, for, solve blocks and definitions, each with its diagnostics) and the two passes.
 */
public final class LagParser extends ExpressionParser {
    /** The deepest nesting of parentheses, function calls and exponents in one expression. */
    public static final int MAX_DEPTH = 256;
    /** The deepest nesting of {@code for} loops. */
    public static final int MAX_LOOP_DEPTH = 64;
    /** The most statements, loop iterations and sum terms one program may unroll to. */
    public static final long MAX_UNROLLED = 10_000_000;
    private LagParser(String source, Diagnostics diagnostics, Map<String, Integer> widths) {
        super(source, diagnostics, widths);
    }

    /**
     * Parses {@code source} into the program the Java builder would build for it.
     *
     * @param file the name used in diagnostics
     * @throws LagException listing every error found
     */
    public static Program parse(String source, String file) {
        return parse(source, file, new int[1]);
    }

    /** {@link #parse(String, String)}, counting the passes over the file in {@code passes[0]}: the tests' view. */
    static Program parse(String source, String file, int[] passes) {
        Map<String, Integer> widths = new HashMap<>();
        StatementOrder order = null;
        while (true) {
            Diagnostics diagnostics = new Diagnostics(file, source);
            Program program = null;
            LagParser parser = null;
            try {
                parser = new LagParser(source, diagnostics, widths);
                passes[0]++;
                if (passes[0] == 1 && StatementOrder.mayMakeVectors(parser.lex)) {
                    order = StatementOrder.of(parser.lex);
                    if (order.forwardUses) { // the width pass, before the build pass reads the widths
                        widths.putAll(learnWidths(source, file, widths, order));
                        passes[0]++;
                    }
                }
                program = parser.program();
            } catch (Diagnostics.Stop stop) {
                // the error limit was reached; what was found is reported below
            } catch (StackOverflowError e) {
                diagnostics = new Diagnostics(file, source);
                diagnostics.error(0, "the program is nested too deeply to parse");
            }
            // The width pass's order did not reach a width the build needed (a cycle whose vectors
            // take their width from a use inside it): learn from what this pass found, and build again.
            // Every round adds a name to the widths, so the rounds end.
            if (parser == null || widths.keySet().containsAll(parser.learned.keySet())) {
                if (!diagnostics.isEmpty() || program == null) {
                    throw new LagException(diagnostics.sorted());
                }
                return program;
            }
            widths.putAll(parser.learned);
            if (order == null) {
                order = StatementOrder.of(parser.lex);
            }
            widths.putAll(learnWidths(source, file, widths, order));
            passes[0]++;
        }
    }

    /**
     * The width pass: parses the statements in {@code order} (definitions before uses) into a program
     * that is thrown away, and returns the widths of the vectors it defined or saw used before their
     * definitions, the names in {@code known} declared with theirs. Its diagnostics are dropped: the
     * build pass reports every error in source order.
     */
    private static Map<String, Integer> learnWidths(String source, String file, Map<String, Integer> known,
            StatementOrder order) {
        LagParser parser = new LagParser(source, new Diagnostics(file, source), new HashMap<>(known));
        try {
            if (UnrollBound.overflow(parser.lex, MAX_UNROLLED) < 0) {
                for (int start : order.starts) {
                    parser.learnFrom(start);
                }
            }
        } catch (Diagnostics.Stop | StackOverflowError e) {
            // the build pass meets the same error and reports it
        }
        Map<String, Integer> found = new HashMap<>(parser.learned);
        for (Map.Entry<String, Sym> e : parser.names.entrySet()) {
            Var v = e.getValue().var;
            if (e.getValue().defTok >= 0 && !parser.failed.contains(e.getKey()) && parser.b.width(v) > 1
                    && !parser.matrices.containsKey(v.id())) {
                found.putIfAbsent(e.getKey(), parser.b.width(v));
            }
        }
        for (Map.Entry<String, Sym> e : undefined(parser.names)) {
            parser.learnEntry(e.getKey());
        }
        found.putAll(parser.learned);
        found.keySet().removeAll(known.keySet());
        return found;
    }

    /**
     * Reads the statement at {@code start} for the width pass. When a definition teaches the width of
     * a name taken for a scalar ({@code v = r + 0.9 * P @ v}, {@code c = r + P @ d}), the name is
     * declared again as a vector of that width and the definition read again, so that it defines a
     * vector for the statements after it. Each reading learns a new name, so the readings end.
     */
    private void learnFrom(int start) {
        String target = definitionTarget(start);
        Sym before = target == null ? null : names.get(target);
        int definedAt = before == null ? -1 : before.defTok;
        while (true) {
            Map<String, Integer> known = new HashMap<>(learned);
            pos = start;
            statement(lex.count - 1);
            if (target == null || known.size() == learned.size()) {
                return;
            }
            if (before == null) { // undo what the failed definition marked
                names.remove(target);
            } else {
                before.defTok = definedAt;
            }
            failed.remove(target);
            for (Map.Entry<String, Integer> e : learned.entrySet()) {
                Sym s = names.get(e.getKey());
                if (!known.containsKey(e.getKey()) && (s == null || s.defTok < 0)) {
                    Sym vector = new Sym(b.declareVector(null, e.getValue()));
                    vector.useTok = s == null ? start : s.useTok;
                    names.put(e.getKey(), vector);
                }
            }
            if (before == null && names.containsKey(target)) {
                before = names.get(target);
                definedAt = before.defTok;
            }
        }
    }

    /** The name a statement {@code name = ...} defines, or null for any other statement. */
    private String definitionTarget(int start) {
        if (lex.kind[start] != IDENT && lex.kind[start] != QUOTED || lex.kind[start] == IDENT
                && (lex.is(start, "input") || lex.is(start, "output") || lex.is(start, "init")
                || lex.is(start, "declare") || lex.is(start, "for") || lex.is(start, "solve"))) {
            return null;
        }
        pos = start;
        try {
            Target t = target();
            return kind() == EQUALS ? t.name() : null;
        } catch (Syntax e) {
            return null;
        }
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
        int over = UnrollBound.overflow(lex, MAX_UNROLLED);
        if (over >= 0) {
            report(over, TOO_LARGE); // certain before anything is built: refused at once
            return null;
        }
        statements(lex.count - 1);
        for (Map.Entry<String, Sym> e : undefined(names)) {
            learnEntry(e.getKey());
            report(e.getValue().useTok, "undefined name '" + e.getKey() + "'" + familyHint(e.getKey()));
        }
        for (Map.Entry<String, Sym> e : undefined(temps)) {
            report(e.getValue().useTok, "temporary " + e.getKey() + " is declared but never defined");
        }
        reportEntryNameClashes();
        if (!hasOutput) {
            report(lex.count - 1, "the program has no output: add a line 'output NAME'");
        } else if (b.width(objective) > 1) {
            report(objectiveTok, "the objective '" + objective + "' is a vector of " + b.width(objective)
                    + " entries: reduce it to a scalar (sum, dot, a loss)");
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

    /**
     * A hint for an undefined name: a vector function's name used without '(' (a variable then), or a
     * bare {@code h} when scalars {@code h[...]} exist: how to use them as a vector (only a family of
     * inputs declared in one statement stands for its vector by name).
     */
    private String familyHint(String name) {
        if (VECTOR_FUNCTIONS.containsKey(name)) {
            return " (" + name + " is a variable here; the function is called as " + name + "(...))";
        }
        if (name.indexOf('[') >= 0) {
            return "";
        }
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (String other : names.keySet()) {
            if (other.startsWith(name + "[") && other.indexOf('[', name.length() + 1) < 0 && other.endsWith("]")) {
                try {
                    int k = Integer.parseInt(other.substring(name.length() + 1, other.length() - 1));
                    lo = Math.min(lo, k);
                    hi = Math.max(hi, k);
                } catch (NumberFormatException notAnIndex) {
                    // h[1,2] or h[i]: not a family of one index
                }
            }
        }
        return lo > hi ? "" : "; the scalars " + name + "[" + lo + "]..." + name + "[" + hi + "] form a vector as the slice "
                + name + "[" + lo + ".." + hi + "]";
    }

    /**
     * A vector's entries are shown as {@code h[1], h[2], ...} (values, multipliers, {@code --set}):
     * a scalar variable named {@code h[...]} beside a vector {@code h} would be confused with them.
     */
    private void reportEntryNameClashes() {
        boolean vectors = false;
        for (Sym s : names.values()) {
            vectors |= isVector(Operand.node(s.var));
        }
        if (!vectors) {
            return; // a scalar program: no entry labels to confuse
        }
        Map<String, String> scalarEntry = new HashMap<>(); // base name -> its first scalar variable base[...]
        for (String name : names.keySet()) {
            int bracket = name.indexOf('[');
            if (bracket > 0) {
                scalarEntry.merge(name.substring(0, bracket), name,
                        (first, other) -> earlier(names.get(other), names.get(first)) ? other : first);
            }
        }
        for (Map.Entry<String, Sym> e : names.entrySet()) {
            String clash = scalarEntry.get(e.getKey());
            Sym vector = e.getValue();
            if (clash != null && vector.defTok >= 0 && isVector(Operand.node(vector.var))) {
                int at = firstToken(names.get(clash));
                report(vector.defTok, "'" + e.getKey() + "' is a vector, whose entries are named " + e.getKey()
                        + "[1], " + e.getKey() + "[2], ...; the variable '" + clash + "' (at "
                        + diag.where(lex.start[at]) + ") would be confused with them: rename one");
            }
        }
    }

    /** The names used but not defined, in source order of their first use. */
    private static List<Map.Entry<String, Sym>> undefined(Map<String, Sym> table) {
        List<Map.Entry<String, Sym>> undefined = new ArrayList<>();
        for (Map.Entry<String, Sym> e : table.entrySet()) {
            if (e.getValue().defTok < 0) {
                undefined.add(e);
            }
        }
        undefined.sort(java.util.Comparator.comparingInt(e -> e.getValue().useTok));
        return undefined;
    }

    /** The token where a name first appears: its first use, or its definition if it came first. */
    /** Whether {@code a} appears before {@code b}: by first token, then (entries of one declaration) by creation. */
    private static boolean earlier(Sym a, Sym b) {
        int ta = firstToken(a);
        int tb = firstToken(b);
        return ta != tb ? ta < tb : a.var.id() < b.var.id();
    }

    private static int firstToken(Sym s) {
        return s.useTok >= 0 && (s.defTok < 0 || s.useTok < s.defTok) ? s.useTok : s.defTok;
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
            if (!(e instanceof ProgramException pe && aboutUndefined(pe))) {
                report(first, e.getMessage());
            }
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
            defining = t;
            definitionStart = pos;
            define(t, expression());
        } catch (Syntax | ProgramException | IllegalArgumentException e) {
            markDefined(t);
            throw e;
        }
    }

    /**
     * Whether the builder's complaint is about a variable whose definition failed or that is not
     * defined yet (its width is unknown): the error is, or will be, reported where that is decided
     * (the failed definition, "undefined name", or a width learned for the next pass).
     */
    private boolean aboutUndefined(ProgramException e) {
        for (String name : e.names()) {
            Sym s = names.get(name);
            if (failed.contains(name) || s != null && s.defTok < 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code name = expr}: the top-level operation becomes the named node; a bare operand is copied. */
    private void define(Target t, Operand r) {
        if (t.temp()) {
            Sym s = temps.get(t.name());
            if (s != null) {
                duplicate(t, s);
                return;
            }
            Var v;
            if (r.isPending()) {
                v = b.apply(r.f, r.p, r.args);
            } else if (r.made) {
                v = r.var;
            } else if (r.var != null && b.width(r.var) > 1) {
                v = vectorCopy(null, r.var);
            } else if (r.var != null) {
                v = b.apply(Primitive.IDENTITY, r.var);
            } else {
                v = b.constant(r.c);
            }
            s = new Sym(v);
            s.defTok = t.tok();
            temps.put(t.name(), s);
            return;
        }
        Sym s = names.get(t.name());
        if (s != null && s.defTok >= 0) {
            duplicate(t, s);
            return;
        }
        Integer familyUse = familyUses.get(t.name());
        if (familyUse != null && s == null) {
            int[] range = families.get(t.name());
            report(t.tok(), "'" + t.name() + "' stands for the inputs " + t.name() + "[" + range[0] + ".." + range[1]
                    + "] (used so at "
                    + diag.where(lex.start[familyUse]) + ") and cannot be assigned");
            return;
        }
        int bracket = t.name().indexOf('[');
        Sym vector = bracket > 0 ? names.get(t.name().substring(0, bracket)) : null;
        if (vector != null && isVector(Operand.node(vector.var))) {
            report(t.tok(), "'" + t.name() + "' is an entry of the vector '" + t.name().substring(0, bracket)
                    + "', which cannot be assigned entry by entry");
            return;
        }
        Var v;
        if (s != null && b.width(s.var) > 1 && !(r.var != null && b.width(r.var) > 1)) {
            report(t.tok(), "'" + t.name() + "' is used as a vector of " + b.width(s.var) + " entries (at "
                    + diag.where(lex.start[s.useTok]) + ") but defined as a scalar");
            s.defTok = t.tok();
            return;
        }
        if (r.isPending()) {
            v = b.define(t.name(), r.f, r.p, r.args);
        } else if (r.var != null && b.width(r.var) > 1) {
            if (s != null && b.width(s.var) == 1) {
                learned.put(t.name(), b.width(r.var));
                report(t.tok(), "'" + t.name() + "' is a vector of " + b.width(r.var) + " entries but is used before"
                        + " this definition (at " + diag.where(lex.start[s.useTok]) + ") as a scalar");
                s.defTok = t.tok();
                return;
            }
            if (s != null && b.width(s.var) > 1 && b.width(s.var) != b.width(r.var)) {
                report(t.tok(), "'" + t.name() + "' is used as a vector of " + entries(b.width(s.var)) + " (at "
                        + diag.where(lex.start[s.useTok]) + ") but defined as a vector of " + entries(b.width(r.var)));
                s.defTok = t.tok();
                return;
            }
            v = s != null ? b.defineVector(s.var, r.var) : r.made ? b.let(t.name(), r.var) : vectorCopy(t.name(), r.var);
        } else if (r.made && s == null) {
            v = b.let(t.name(), r.var); // a reduction (dot, sum, a loss): its node takes the name
        } else {
            v = b.define(t.name(), Primitive.IDENTITY, NONE, materialize(r));
        }
        if (s == null) {
            s = new Sym(v);
            names.put(t.name(), s);
        }
        s.defTok = t.tok();
    }

    /** {@code name = v} for a vector v: one copy node of v's width ({@code name} null for a temporary). */
    private Var vectorCopy(String name, Var value) {
        Var v = b.declareVector(name, b.width(value));
        b.defineVector(v, value);
        return v;
    }

    /** After an error in a definition: the name counts as defined, so its uses are not reported too. */
    private void markDefined(Target t) {
        if (t.temp()) {
            temps.computeIfAbsent(t.name(), k -> new Sym(b.constant(Double.NaN))).defTok = t.tok();
        } else {
            Sym s = names.get(t.name());
            if (s == null) {
                s = new Sym(b.declare(t.name()));
                names.put(t.name(), s);
            }
            if (s.defTok < 0) {
                s.defTok = t.tok();
                failed.add(t.name());
            }
        }
    }

    private void duplicate(Target t, Sym s) {
        String what = t.temp() ? "temporary " + t.name() : "'" + t.name() + "'";
        if (s.declaredTemp && s.defTok < 0) {
            report(t.tok(), what + " is declared; only 'input " + t.name() + "' can define a declared temporary");
        } else if (s.defTok == t.tok()) {
            report(t.tok(), what + " is assigned more than once: in every iteration of its loop"
                    + " (give it an index, e.g. " + t.name() + "[t])");
        } else {
            report(t.tok(), what + " is assigned more than once (first at " + diag.where(lex.start[s.defTok]) + ")");
        }
    }

    private void inputStatement() {
        pos++;
        do {
            int tok = pos;
            Target base = target(false);
            List<int[]> ranges = new ArrayList<>();
            boolean matrix = false;
            while (kind() == LBRACKET && !base.temp() && !matrix) {
                pos++;
                ranges.add(indexRange());
                if (accept(COMMA)) {
                    if (ranges.size() > 1) {
                        fail(pos - 1, "a matrix input takes one pair of brackets: " + base.name() + "[rows, columns]");
                    }
                    matrix = true;
                    ranges.add(indexRange());
                }
                expect(RBRACKET, "']'");
            }
            if (matrix && kind() == LBRACKET) {
                fail(pos, "a matrix input takes one pair of brackets: " + base.name() + "[rows, columns]");
            }
            long total = 1;
            for (int[] r : ranges) {
                total *= Math.max(0, (long) r[1] - r[0] + 1);
                count(total, tok);
            }
            double value = Double.NaN;
            double[] values = null;
            if (kind() == EQUALS) {
                pos++;
                if (kind() == LBRACKET && !ranges.isEmpty()) {
                    values = defaultList(base.name(), total);
                } else {
                    value = constant("an input's default value");
                }
            }
            if (ranges.isEmpty()) {
                input(base, value);
                continue;
            }
            if (values == null) {
                values = new double[(int) total];
                Arrays.fill(values, value);
            }
            if (matrix) {
                inputMatrix(base, ranges.get(0), ranges.get(1), values);
                continue;
            }
            if (ranges.size() == 1 && total > 0) {
                families.putIfAbsent(base.name(), ranges.get(0));
            }
            int[] at = new int[ranges.size()];
            for (int k = 0; k < at.length; k++) {
                at[k] = ranges.get(k)[0];
            }
            StringBuilder name = new StringBuilder();
            for (long m = 0; m < total; m++) {
                name.setLength(0);
                name.append(base.name());
                for (int k : at) {
                    name.append('[').append(k).append(']');
                }
                input(new Target(name.toString(), false, tok), values[(int) m]);
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

    /** {@code A..B} or a single index {@code A} (the range A..A) in an input declaration. */
    private int[] indexRange() {
        int lo = integer("an index");
        int hi = lo;
        if (kind() == DOTDOT) {
            pos++;
            hi = integer("an index");
        }
        return new int[] {lo, hi};
    }

    /** {@code [v1, v2, ...]}: one default value per declared entry, in order (row-major). */
    private double[] defaultList(String name, long entries) {
        int open = pos++;
        List<Double> list = new ArrayList<>();
        do {
            list.add(constant("an input's default value"));
        } while (accept(COMMA));
        expect(RBRACKET, "']'");
        if (list.size() != entries) {
            fail(open, "'" + name + "' declares " + entries(entries) + " but the list has "
                    + plural(list.size(), "value"));
        }
        double[] values = new double[list.size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = list.get(k);
        }
        return values;
    }

    /** {@code input W[r0..r1, c0..c1]}: one matrix input node, row-major, labelled from r0 and c0. */
    private void inputMatrix(Target t, int[] rows, int[] cols, double[] values) {
        int m = rows[1] - rows[0] + 1;
        int n = cols[1] - cols[0] + 1;
        if (m < 1 || n < 1) {
            fail(t.tok(), "matrix input '" + t.name() + "' has no entries (" + rows[0] + ".." + rows[1] + ", "
                    + cols[0] + ".." + cols[1] + ")");
        }
        Sym s = names.get(t.name());
        if (s != null) {
            if (s.defTok >= 0) {
                duplicate(t, s);
            } else {
                report(t.tok(), "matrix input '" + t.name() + "' is used before its declaration (at "
                        + diag.where(lex.start[s.useTok]) + "): declare it first");
                s.defTok = t.tok();
            }
            return;
        }
        Var v = b.inputMatrix(t.name(), m, n, values, rows[0], cols[0]);
        if (n > 1) {
            matrices.put(v.id(), new int[] {m, n});
        }
        bases.put(v.id(), new int[] {rows[0], n == 1 ? 1 : cols[0]});
        s = new Sym(v);
        s.defTok = t.tok();
        names.put(t.name(), s);
    }

    private void input(Target t, double value) {
        Map<String, Sym> table = t.temp() ? temps : names;
        Sym s = table.get(t.name());
        if (s != null && s.defTok >= 0) {
            duplicate(t, s);
            return;
        }
        if (s != null) {
            b.input(s.var, value);
        } else {
            s = new Sym(b.input(t.temp() ? null : t.name(), value));
            table.put(t.name(), s);
        }
        s.defTok = t.tok();
    }

    private void outputStatement() {
        pos++;
        do {
            int tok = pos;
            Var v = reference();
            b.output(v);
            if (!hasOutput) {
                objective = v;
                objectiveTok = tok;
            }
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
            Map<String, Sym> table = t.temp() ? temps : names;
            if (table.containsKey(t.name())) {
                report(t.tok(), (t.temp() ? "temporary " + t.name() : "'" + t.name() + "'")
                        + " is already in use; declare it before its first use");
                continue;
            }
            Sym s = new Sym(placeholder(t.temp() ? null : t.name()));
            s.useTok = t.tok();
            s.declaredTemp = t.temp();
            table.put(t.name(), s);
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
            if (t.temp()) {
                fail(t.tok(), "an unknown of a solve block needs a name, not " + t.name());
            }
            unknowns.add(t);
        } while (accept(COMMA));
        int open = pos;
        expect(LBRACE, "'{'");
        int close = closingBrace(open, true);
        List<Sym> syms = new ArrayList<>();
        for (Target t : unknowns) {
            Sym s = names.get(t.name());
            if (s != null && s.defTok >= 0) {
                duplicate(t, s);
                syms.add(null);
                continue;
            }
            if (s == null) {
                s = new Sym(b.declare(t.name()));
                s.useTok = t.tok();
                names.put(t.name(), s);
            }
            s.defTok = t.tok();
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
                int first = pos;
                Operand lhs = early(expression());
                int equals = pos;
                expect(EQUALS, "'=' (an equation is lhs = rhs)");
                Operand rhs = expression();
                if (isVector(lhs) || isVector(rhs)) {
                    fail(first, "an equation of a solve block must be scalar but '"
                            + (isVector(lhs) ? span(first, equals) : span(equals + 1, pos)) + "' "
                            + describeShape(isVector(lhs) ? lhs : rhs));
                }
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
                list.append(list.length() == 0 ? "" : ", ").append(t.name());
            }
            report(solveTok, "solve block has " + plural(unknowns.size(), "unknown") + " (" + list + ") but "
                    + plural(residuals.size(), "equation"));
            return;
        }
        for (int k = 0; k < unknowns.size(); k++) {
            Sym s = syms.get(k);
            if (s != null && residuals.get(k) != null) {
                b.define(unknowns.get(k).name(), Primitive.IMPLICIT, NONE, s.var, residuals.get(k));
            }
        }
    }
}
