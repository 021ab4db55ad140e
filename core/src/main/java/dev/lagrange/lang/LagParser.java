package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.AT;
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
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * here, so that a mismatch is a diagnostic naming both operands' text and shapes. A name used as a
 * vector before its definition (a cycle {@code v = r + 0.9 * P @ v}) is first taken for a scalar;
 * the pass that meets the use implying its width records that width and the file is parsed again,
 * with the name declared as a vector of that width ({@link Program.Builder#declareVector}), at most
 * {@value #MAX_PASSES} times. Programs without such names are parsed once.
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
    /** The most passes over one file: each pass after the first knows more vectors used before their definitions. */
    static final int MAX_PASSES = 8;

    private static final String TOO_LARGE = "the program unrolls to more than " + MAX_UNROLLED
            + " statements, loop iterations and sum terms";
    private static final double[] NONE = new double[0];
    private static final Map<String, Primitive> FUNCTIONS = new HashMap<>();

    static {
        for (Primitive f : Primitive.values()) {
            if (f.isFunction()) {
                FUNCTIONS.put(f.symbol(), f);
            }
        }
    }

    /** The functions of vectors, by name: their argument count (elementwise maps reuse exp, tanh, ...). */
    private static final Map<String, Integer> VECTOR_FUNCTIONS = Map.of(
            "dot", 2, "softmax", 1, "logsumexp", 1, "squared_loss", 2, "cross_entropy", 2, "sum", 1, "outer", 2,
            "step", 1);
    /** The scalar functions that apply to each entry of a vector argument ({@link Program.Builder#map}). */
    private static final java.util.Set<Primitive> MAPS = java.util.EnumSet.copyOf(
            java.util.Arrays.stream(Primitive.values()).filter(Primitive::isElementwise).toList());

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
    // Not linked: diagnostics are sorted by position, and a program may have millions of names.
    private final Map<String, Sym> names = new HashMap<>();
    private final Map<String, Sym> temps = new HashMap<>();
    private final Map<Integer, Integer> initTok = new HashMap<>();
    /** {rows, columns} of each matrix input, by builder id; every other node is a vector of its width. */
    private final Map<Integer, int[]> matrices = new HashMap<>();
    /** {row base, column base} of each input block, by builder id; other vectors count entries from 1. */
    private final Map<Integer, int[]> bases = new HashMap<>();
    /** Families of scalar inputs declared in one statement, {@code input x[1..4]}: {lo, hi} by base name. */
    private final Map<String, int[]> families = new HashMap<>();
    /** Where a family's bare name was first used as the vector of its inputs, by base name. */
    private final Map<String, Integer> familyUses = new HashMap<>();
    private final List<String> loopNames = new ArrayList<>();
    private final List<Double> loopValues = new ArrayList<>();
    private final java.util.function.ToDoubleFunction<String> loopValue = this::loopValue;
    private int pos;
    /** The definition being parsed and the first token of its right-hand side (an {@code implicit} must be all of it). */
    private Target defining;
    private int definitionStart = -1;
    private int depth;
    private int loopDepth;
    private long unrolled;
    private boolean hasOutput;
    private Var objective;
    private int objectiveTok;

    /** Widths of the vectors used before their definitions, learned by an earlier pass. */
    private final Map<String, Integer> widths;
    /** Widths learned by this pass: vectors it took for scalars at their first use. */
    private final Map<String, Integer> learned = new HashMap<>();
    /**
     * For a scalar node made from one operand by an operation that keeps widths ({@link #KEEPS_WIDTH}):
     * the variable its width follows, so that {@code 0.5 * v + [1, 2]} teaches v's width.
     */
    private final Map<Integer, Var> widthSource = new HashMap<>();
    /** Names whose definition failed (and was reported): they count as defined, and errors about them are not repeated. */
    private final Set<String> failed = new HashSet<>();

    private LagParser(String source, Diagnostics diagnostics, Map<String, Integer> widths) {
        diag = diagnostics;
        lex = new Lexer(source, diag);
        this.widths = widths;
    }

    /**
     * Parses {@code source} into the program the Java builder would build for it.
     *
     * @param file the name used in diagnostics
     * @throws LagException listing every error found
     */
    public static Program parse(String source, String file) {
        Map<String, Integer> widths = new HashMap<>();
        Diagnostics diagnostics;
        Program program;
        int pass = 0;
        while (true) {
            diagnostics = new Diagnostics(file, source);
            program = null;
            LagParser parser = null;
            try {
                parser = new LagParser(source, diagnostics, widths);
                program = parser.program();
            } catch (Diagnostics.Stop stop) {
                // the error limit was reached; what was found is reported below
            } catch (StackOverflowError e) {
                diagnostics = new Diagnostics(file, source);
                diagnostics.error(0, "the program is nested too deeply to parse");
            }
            // A vector used before its definition was taken for a scalar: parse again, declaring it
            // with the width its definition showed (a cycle v = r + 0.9 * P @ v). Each pass learns at
            // least one name, and a program has few such names.
            if (parser == null || parser.learned.isEmpty() || ++pass > MAX_PASSES) {
                break;
            }
            widths.putAll(parser.learned);
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
        if (t.temp) {
            Sym s = temps.get(t.name);
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
            s.defTok = t.tok;
            temps.put(t.name, s);
            return;
        }
        Sym s = names.get(t.name);
        if (s != null && s.defTok >= 0) {
            duplicate(t, s);
            return;
        }
        Integer familyUse = familyUses.get(t.name);
        if (familyUse != null && s == null) {
            int[] range = families.get(t.name);
            report(t.tok, "'" + t.name + "' stands for the inputs " + t.name + "[" + range[0] + ".." + range[1]
                    + "] (used so at "
                    + diag.where(lex.start[familyUse]) + ") and cannot be assigned");
            return;
        }
        int bracket = t.name.indexOf('[');
        Sym vector = bracket > 0 ? names.get(t.name.substring(0, bracket)) : null;
        if (vector != null && isVector(Operand.node(vector.var))) {
            report(t.tok, "'" + t.name + "' is an entry of the vector '" + t.name.substring(0, bracket)
                    + "', which cannot be assigned entry by entry");
            return;
        }
        Var v;
        if (s != null && b.width(s.var) > 1 && !(r.var != null && b.width(r.var) > 1)) {
            report(t.tok, "'" + t.name + "' is used as a vector of " + b.width(s.var) + " entries (at "
                    + diag.where(lex.start[s.useTok]) + ") but defined as a scalar");
            s.defTok = t.tok;
            return;
        }
        if (r.isPending()) {
            v = b.define(t.name, r.f, r.p, r.args);
        } else if (r.var != null && b.width(r.var) > 1) {
            if (s != null && b.width(s.var) == 1) {
                learned.put(t.name, b.width(r.var));
                report(t.tok, "'" + t.name + "' is a vector of " + b.width(r.var) + " entries but is used before"
                        + " this definition (at " + diag.where(lex.start[s.useTok]) + ") as a scalar");
                s.defTok = t.tok;
                return;
            }
            if (s != null && b.width(s.var) > 1 && b.width(s.var) != b.width(r.var)) {
                report(t.tok, "'" + t.name + "' is used as a vector of " + entries(b.width(s.var)) + " (at "
                        + diag.where(lex.start[s.useTok]) + ") but defined as a vector of " + entries(b.width(r.var)));
                s.defTok = t.tok;
                return;
            }
            v = s != null ? b.defineVector(s.var, r.var) : r.made ? b.let(t.name, r.var) : vectorCopy(t.name, r.var);
        } else if (r.made && s == null) {
            v = b.let(t.name, r.var); // a reduction (dot, sum, a loss): its node takes the name
        } else {
            v = b.define(t.name, Primitive.IDENTITY, NONE, materialize(r));
        }
        if (s == null) {
            s = new Sym(v);
            names.put(t.name, s);
        }
        s.defTok = t.tok;
    }

    /** {@code name = v} for a vector v: one copy node of v's width ({@code name} null for a temporary). */
    private Var vectorCopy(String name, Var value) {
        Var v = b.declareVector(name, b.width(value));
        b.defineVector(v, value);
        return v;
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
                failed.add(t.name);
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
            boolean matrix = false;
            while (kind() == LBRACKET && !base.temp && !matrix) {
                pos++;
                ranges.add(indexRange());
                if (accept(COMMA)) {
                    if (ranges.size() > 1) {
                        fail(pos - 1, "a matrix input takes one pair of brackets: " + base.name + "[rows, columns]");
                    }
                    matrix = true;
                    ranges.add(indexRange());
                }
                expect(RBRACKET, "']'");
            }
            if (matrix && kind() == LBRACKET) {
                fail(pos, "a matrix input takes one pair of brackets: " + base.name + "[rows, columns]");
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
                    values = defaultList(base.name, total);
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
                families.putIfAbsent(base.name, ranges.get(0));
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
            fail(t.tok, "matrix input '" + t.name + "' has no entries (" + rows[0] + ".." + rows[1] + ", "
                    + cols[0] + ".." + cols[1] + ")");
        }
        Sym s = names.get(t.name);
        if (s != null) {
            if (s.defTok >= 0) {
                duplicate(t, s);
            } else {
                report(t.tok, "matrix input '" + t.name + "' is used before its declaration (at "
                        + diag.where(lex.start[s.useTok]) + "): declare it first");
                s.defTok = t.tok;
            }
            return;
        }
        Var v = b.inputMatrix(t.name, m, n, values, rows[0], cols[0]);
        if (n > 1) {
            matrices.put(v.id(), new int[] {m, n});
        }
        bases.put(v.id(), new int[] {rows[0], n == 1 ? 1 : cols[0]});
        s = new Sym(v);
        s.defTok = t.tok;
        names.put(t.name, s);
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
            Map<String, Sym> table = t.temp ? temps : names;
            if (table.containsKey(t.name)) {
                report(t.tok, (t.temp ? "temporary " + t.name : "'" + t.name + "'")
                        + " is already in use; declare it before its first use");
                continue;
            }
            Sym s = new Sym(placeholder(t.temp ? null : t.name));
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

    private static String entries(long n) {
        return n + (n == 1 ? " entry" : " entries");
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
        StringBuilder name = new StringBuilder(base.length() + 16);
        name.append(base);
        while (kind() == LBRACKET) {
            pos++;
            name.append('[').append(index()).append(']');
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
            s = new Sym(placeholder(name));
            s.useTok = tok;
            names.put(name, s);
        }
        return s.var;
    }

    /** A variable used before its definition: a vector of the width an earlier pass learned, or a scalar. */
    private Var placeholder(String name) {
        Integer w = name == null ? null : widths.get(name);
        return w != null ? b.declareVector(name, w) : b.declare(name);
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
        if (++depth > MAX_DEPTH) {
            fail(pos, "expression is nested more than " + MAX_DEPTH + " levels deep");
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
            int w0 = b.width(args.get(0).var);
            int w1 = b.width(args.get(1).var);
            if (w0 != w1) {
                fail(tok, "'" + f.symbol() + "(" + text.get(0) + ", " + text.get(1) + ")': '" + text.get(0) + "' has "
                        + entries(w0) + " but '" + text.get(1) + "' has " + entries(w1));
            }
            return Operand.made(b.zip(f, args.get(0).var, args.get(1).var)); // max(v, w): entry by entry
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
        Sym s = t == null ? null : (t.temp ? temps : names).get(t.name);
        if (!whole || s == null || unknown.var == null || unknown.var != s.var) {
            String u = t == null ? "u" : t.name;
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
        if (y != null && !name.equals("outer") && b.width(a) != b.width(y)
                && !learn(args.get(0), b.width(y)) && !learn(args.get(1), b.width(a))) {
            fail(tok, "'" + span(tok, pos) + "': '" + text.get(0) + "' has " + entries(b.width(a)) + " but '"
                    + text.get(1) + "' has " + entries(b.width(y)));
        }
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
     * {@code left op right} where an operand is a vector or the operator is {@code @}: {@code @} is
     * a matrix-vector product, {@code + - * /} act entry by entry on vectors of one width, and a
     * constant or scalar variable times a vector (or a vector divided by a constant) scales it.
     */
    private Operand vectorBinary(byte op, Operand left, Operand right, String whole, String l, String r, int tok) {
        String where = "'" + whole + "': ";
        boolean lv = isVector(left);
        boolean rv = isVector(right);
        if (op == AT) {
            return matvec(left, right, where, l, r, tok);
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
        int wl = b.width(left.var);
        int wr = b.width(right.var);
        if (wl != wr) {
            fail(tok, where + l + " has " + entries(wl) + " but " + r + " has " + entries(wr));
        }
        return Operand.made(switch (op) {
            case PLUS -> b.vectorAdd(left.var, right.var);
            case MINUS -> b.vectorSub(left.var, right.var);
            case SLASH -> b.zip(Primitive.DIV, left.var, right.var);
            default -> b.hadamard(left.var, right.var);
        });
    }

    /** {@code m @ x}: m a matrix input (or an n-vector, an n x 1 matrix) and x of m's column count. */
    private Operand matvec(Operand m, Operand x, String where, String l, String r, int tok) {
        if (isVector(m) && !isMatrix(m) && isMatrix(x)) {
            // y @ W: the transposed product W^T y, y of W's row count
            int[] shape = shapeOf(x);
            if (b.width(m.var) != shape[0]) {
                fail(tok, where + r + " is " + shape[0] + "x" + shape[1] + " but " + l + " has " + entries(b.width(m.var))
                        + " (y @ W needs as many as W has rows)");
            }
            return Operand.made(b.matvecTransposed(x.var, m.var));
        }
        if (!isVector(m)) {
            fail(tok, where + "'@' needs a matrix on its left but '" + l + "' " + describeShape(m));
        }
        int[] shape = shapeOf(m);
        Var v = materialize(x);
        if (b.width(v) != shape[1] && !learn(x, shape[1])) {
            fail(tok, where + l + " is " + shape[0] + "x" + shape[1] + " but " + r + " "
                    + (isVector(x) ? "has " + entries(b.width(v)) : "is a scalar"));
        }
        return Operand.made(b.matvec(m.var, v));
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
        return matvec(m, x, "'" + text + " @ " + span(second, pos) + "': ", text, span(second, pos), tok);
    }

    /** Scalar operations of one argument whose vector form keeps the argument's width. */
    private static final Set<Primitive> KEEPS_WIDTH = EnumSet.of(Primitive.WEIGHTED_SUM, Primitive.NEG,
            Primitive.IDENTITY);

    static {
        KEEPS_WIDTH.addAll(MAPS);
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
    private void learnEntry(String name) {
        int open = name.indexOf('[');
        Sym vector = open > 0 ? names.get(name.substring(0, open)) : null;
        if (vector != null && vector.defTok >= 0 && b.width(vector.var) > 1 && !matrices.containsKey(vector.var.id())
                && !widths.containsKey(name.substring(0, open))) {
            learned.put(name.substring(0, open), b.width(vector.var));
        }
    }

    /** Whether {@code r} is a matrix input. */
    private boolean isMatrix(Operand r) {
        return r.var != null && matrices.containsKey(r.var.id());
    }

    /** Whether {@code r} is a vector or matrix node (a node wider than one slot). */
    private boolean isVector(Operand r) {
        return r.var != null && (b.width(r.var) > 1 || !matrices.isEmpty() && matrices.containsKey(r.var.id()));
    }

    /** {rows, columns}: a matrix input's shape, else a vector's width by 1. */
    private int[] shapeOf(Operand r) {
        int[] shape = r.var == null ? null : matrices.get(r.var.id());
        return shape != null ? shape : new int[] {r.var == null ? 1 : b.width(r.var), 1};
    }

    private String shape(Operand r) {
        int[] shape = shapeOf(r);
        return shape[0] + "x" + shape[1];
    }

    /** How a message describes an operand's shape: "is a scalar", "has 3 entries", "is a 3x4 matrix". */
    private String describeShape(Operand r) {
        if (!isVector(r)) {
            return "is a scalar";
        }
        return matrices.containsKey(r.var.id()) ? "is a " + shape(r) + " matrix" : "has " + entries(b.width(r.var));
    }

    /** The source text of tokens {@code from .. to - 1}, shortened to 40 characters for messages. */
    private String span(int from, int to) {
        if (to <= from) {
            return lex.describe(from);
        }
        String text = lex.source.substring(lex.start[from], lex.end[to - 1]);
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /**
     * Creates a pending operation's node as a temporary, so that the left operand's nodes come
     * before the right operand's (the order of a Java builder call).
     */
    private Operand early(Operand r) {
        return r.isPending() ? Operand.node(apply(r)) : r;
    }

    private Var materialize(Operand r) {
        if (r.isPending()) {
            return apply(r);
        }
        return r.var != null ? r.var : b.constant(r.c);
    }

    /** The node of a pending operation. */
    private Var apply(Operand r) {
        Var v = b.apply(r.f, r.p, r.args);
        if (r.args.length == 1 && KEEPS_WIDTH.contains(r.f)) {
            // 0.9 * v, -v, tanh(v) of a name not defined yet: the node has v's width if v turns out
            // to be a vector. Only such nodes are recorded, so that scalar programs pay no map entry.
            Var arg = r.args[0];
            Var source = widthSource.isEmpty() ? null : widthSource.get(arg.id());
            if (source == null && arg.name() != null) {
                Sym s = names.get(arg.name());
                source = s != null && s.defTok < 0 && s.var == arg ? arg : null;
            }
            if (source != null) {
                widthSource.put(v.id(), source);
            }
        }
        return v;
    }

    /**
     * An index: an integer constant expression, which ends at ']', '..' or ','. Written with numbers,
     * loop variables and arithmetic ({@code t-1}, {@code 2*i+1}) it is read off the tokens without
     * making operands; anything else goes through {@link #integer}, which reports what is wrong.
     */
    private int index() {
        int end = pos;
        for (int depth = 0; end < lex.count; end++) {
            byte k = kindAt(end);
            if (depth == 0 && (k == RBRACKET || k == DOTDOT || k == COMMA) || k == NEWLINE || k == EOF) {
                break;
            }
            depth += k == LPAREN ? 1 : k == RPAREN ? -1 : 0;
        }
        double v = TokenArithmetic.value(lex, pos, end, loopValue);
        if (v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE) {
            pos = end;
            return (int) v;
        }
        return integer("an index");
    }

    /** The value of loop variable {@code name}, NaN when no enclosing loop binds it. */
    private double loopValue(String name) {
        int k = loopIndex(name);
        return k < 0 ? Double.NaN : loopValues.get(k);
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
            report(tok, TOO_LARGE);
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
