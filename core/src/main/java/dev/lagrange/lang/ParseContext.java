package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.COMMA;
import static dev.lagrange.lang.Lexer.DOTDOT;
import static dev.lagrange.lang.Lexer.EOF;
import static dev.lagrange.lang.Lexer.ERROR;
import static dev.lagrange.lang.Lexer.IDENT;
import static dev.lagrange.lang.Lexer.LBRACE;
import static dev.lagrange.lang.Lexer.LBRACKET;
import static dev.lagrange.lang.Lexer.LPAREN;
import static dev.lagrange.lang.Lexer.NEWLINE;
import static dev.lagrange.lang.Lexer.QUOTED;
import static dev.lagrange.lang.Lexer.RBRACE;
import static dev.lagrange.lang.Lexer.RBRACKET;
import static dev.lagrange.lang.Lexer.RPAREN;
import static dev.lagrange.lang.Lexer.TEMP;
import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state one pass of {@link LagParser} works on: the tokens and the position in them, the
 * diagnostics, the program being built, the symbol tables (names, temporaries, matrices, families of
 * scalar inputs, loop variables), what this pass learned of widths for the next, and the small
 * helpers every part of the parser uses (reading a token, a number, a name; reporting an error at a
 * token; the shape of an operand for messages).
 */
abstract class ParseContext {
    /** The scalar functions that apply to each entry of a vector argument ({@link Program.Builder#map}). */
    static final java.util.Set<Primitive> MAPS = java.util.EnumSet.copyOf(
            java.util.Arrays.stream(Primitive.values()).filter(Primitive::isElementwise).toList());

    /** Scalar operations of one argument whose vector form keeps the argument's width. */
    static final Set<Primitive> KEEPS_WIDTH = EnumSet.of(Primitive.WEIGHTED_SUM, Primitive.NEG,
            Primitive.IDENTITY);

    static {
        KEEPS_WIDTH.addAll(MAPS);
    }

    ParseContext(String source, Diagnostics diagnostics, Map<String, Integer> widths) {
        diag = diagnostics;
        lex = new Lexer(source, diag);
        this.widths = widths;
    }

    /** An expression, as {@link ExpressionParser} reads it (loop bounds and indices are expressions). */
    abstract Operand expression();

    static final String TOO_LARGE = "the program unrolls to more than " + LagParser.MAX_UNROLLED
            + " statements, loop iterations and sum terms";
    static final double[] NONE = new double[0];

    /** A variable name or temporary label as the parser tracks it. */
    static final class Sym {
        Var var;
        int defTok = -1;
        int useTok = -1;
        boolean declaredTemp;

        Sym(Var var) {
            this.var = var;
        }
    }

    /** The target of a definition: a name, or a temporary label {@code %12}. */
    record Target(String name, boolean temp, int tok) {
    }

    /** Aborts the current statement after its error was reported; carries no stack trace. */
    static final class Syntax extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Syntax() {
            super(null, null, false, false);
        }
    }

    final Lexer lex;
    final Diagnostics diag;
    final Program.Builder b = Program.builder();
    // Not linked: diagnostics are sorted by position, and a program may have millions of names.
    final Map<String, Sym> names = new HashMap<>();
    final Map<String, Sym> temps = new HashMap<>();
    final Map<Integer, Integer> initTok = new HashMap<>();
    /** {rows, columns} of each matrix input, by builder id; every other node is a vector of its width. */
    final Map<Integer, int[]> matrices = new HashMap<>();
    /** {row base, column base} of each input block, by builder id; other vectors count entries from 1. */
    final Map<Integer, int[]> bases = new HashMap<>();
    /** Families of scalar inputs declared in one statement, {@code input x[1..4]}: {lo, hi} by base name. */
    final Map<String, int[]> families = new HashMap<>();
    /** Where a family's bare name was first used as the vector of its inputs, by base name. */
    final Map<String, Integer> familyUses = new HashMap<>();
    private final List<String> loopNames = new ArrayList<>();
    final List<Double> loopValues = new ArrayList<>();
    private final java.util.function.ToDoubleFunction<String> loopValue = this::loopValue;
    int pos;
    /** The definition being parsed and the first token of its right-hand side (an {@code implicit} must be all of it). */
    Target defining;
    int definitionStart = -1;
    int depth;
    int loopDepth;
    private long unrolled;
    boolean hasOutput;
    Var objective;
    int objectiveTok;

    /** Widths of the vectors used before their definitions, learned by the width pass (or an earlier round). */
    final Map<String, Integer> widths;
    /** Widths learned by this pass: vectors it took for scalars at their first use. */
    final Map<String, Integer> learned = new HashMap<>();
    /**
     * For a scalar node made from one operand by an operation that keeps widths ({@link #KEEPS_WIDTH}):
     * the variable its width follows, so that {@code 0.5 * v + [1, 2]} teaches v's width.
     */
    final Map<Integer, Var> widthSource = new HashMap<>();
    /** Names whose definition failed (and was reported): they count as defined, and errors about them are not repeated. */
    final Set<String> failed = new HashSet<>();

    static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    static String entries(long n) {
        return n + (n == 1 ? " entry" : " entries");
    }

    /** The index of the '}' that closes the '{' at {@code open}, or of the end of file. */
    int closingBrace(int open, boolean reportUnclosed) {
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

    Target target() {
        return target(true);
    }

    /**
     * A definition target: {@code name}, {@code name[i][j]}, {@code `quoted name`} or {@code %12};
     * without {@code indices} the brackets are left for the caller (input ranges).
     */
    Target target(boolean indices) {
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

    String unquote(int tok) {
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
    Var reference() {
        Target t = target();
        return t.temp ? temporary(t) : use(t.name, t.tok);
    }

    Var use(String name, int tok) {
        Sym s = names.get(name);
        if (s == null) {
            s = new Sym(placeholder(name));
            s.useTok = tok;
            names.put(name, s);
        }
        return s.var;
    }

    /** A variable used before its definition: a vector of the width the width pass learned, or a scalar. */
    Var placeholder(String name) {
        Integer w = name == null ? null : widths.get(name);
        return w != null ? b.declareVector(name, w) : b.declare(name);
    }

    Var temporary(Target t) {
        Sym s = temps.get(t.name);
        if (s == null) {
            fail(t.tok, "temporary " + t.name + " is used before it is defined");
        }
        return s.var;
    }

    String loopVariable() {
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

    void bind(String name) {
        loopNames.add(name);
        loopValues.add(0.0);
    }

    void unbind() {
        loopNames.remove(loopNames.size() - 1);
        loopValues.remove(loopValues.size() - 1);
    }

    int loopIndex(String name) {
        for (int k = loopNames.size() - 1; k >= 0; k--) {
            if (loopNames.get(k).equals(name)) {
                return k;
            }
        }
        return -1;
    }

    /** Whether {@code r} is a matrix input. */
    boolean isMatrix(Operand r) {
        return r.var != null && matrices.containsKey(r.var.id());
    }

    /** Whether {@code r} is a vector or matrix node (a node wider than one slot). */
    boolean isVector(Operand r) {
        return r.var != null && (b.width(r.var) > 1 || !matrices.isEmpty() && matrices.containsKey(r.var.id()));
    }

    /** {rows, columns}: a matrix input's shape, else a vector's width by 1. */
    int[] shapeOf(Operand r) {
        int[] shape = r.var == null ? null : matrices.get(r.var.id());
        return shape != null ? shape : new int[] {r.var == null ? 1 : b.width(r.var), 1};
    }

    String shape(Operand r) {
        int[] shape = shapeOf(r);
        return shape[0] + "x" + shape[1];
    }

    /** How a message describes an operand's shape: "is a scalar", "has 3 entries", "is a 3x4 matrix". */
    String describeShape(Operand r) {
        if (!isVector(r)) {
            return "is a scalar";
        }
        return matrices.containsKey(r.var.id()) ? "is a " + shape(r) + " matrix" : "has " + entries(b.width(r.var));
    }

    /** The source text of tokens {@code from .. to - 1}, shortened to 40 characters for messages. */
    String span(int from, int to) {
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
    Operand early(Operand r) {
        return r.isPending() ? Operand.node(apply(r)) : r;
    }

    Var materialize(Operand r) {
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
    int index() {
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
    int integer(String what) {
        int tok = pos;
        double v = constant(what);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            fail(tok, what + " must be an integer, got " + v);
        }
        return (int) v;
    }

    /** A constant expression (numbers, pi, loop variables, functions of them). */
    double constant(String what) {
        int tok = pos;
        Operand r = expression();
        if (!r.isConstant()) {
            fail(tok, what + " must be a constant expression of numbers and loop variables");
        }
        return r.c;
    }

    /** Charges {@code n} units of unrolling to the budget; past it, parsing stops. */
    void count(long n, int tok) {
        unrolled += n;
        if (unrolled > LagParser.MAX_UNROLLED || n > LagParser.MAX_UNROLLED) {
            report(tok, TOO_LARGE);
            throw new Diagnostics.Stop();
        }
    }

    // ---------------------------------------------------------------- tokens

    byte kind() {
        return lex.kind[pos];
    }

    byte kindAt(int t) {
        return lex.kind[t];
    }

    boolean accept(byte k) {
        if (kind() == k) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(byte k, String what) {
        if (kind() != k) {
            fail(pos, "expected " + what + " but found " + lex.describe(pos));
        }
        pos++;
    }

    void expectWord(String word) {
        if (!lex.is(pos, word)) {
            fail(pos, "expected '" + word + "' but found " + lex.describe(pos));
        }
        pos++;
    }

    void report(int tok, String message) {
        diag.error(lex.start[Math.max(0, tok)], message);
    }

    /** Reports an error at token {@code tok} and abandons the statement (an ERROR token was reported already). */
    void fail(int tok, String message) {
        if (lex.kind[tok] != ERROR) {
            report(tok, message);
        }
        throw new Syntax();
    }
}
