package dev.lagrange.lang;

import static dev.lagrange.lang.Lexer.DOTDOT;
import static dev.lagrange.lang.Lexer.EOF;
import static dev.lagrange.lang.Lexer.IDENT;
import static dev.lagrange.lang.Lexer.LBRACE;
import static dev.lagrange.lang.Lexer.LBRACKET;
import static dev.lagrange.lang.Lexer.NEWLINE;
import static dev.lagrange.lang.Lexer.QUOTED;
import static dev.lagrange.lang.Lexer.RBRACE;
import static dev.lagrange.lang.Lexer.RBRACKET;
import static dev.lagrange.lang.Lexer.RPAREN;
import static dev.lagrange.lang.Lexer.TEMP;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order in which the width pass reads a file's top-level statements: each after the statements
 * defining the names it uses, statements of one cycle in source order. Read so, a vector's definition
 * comes before its uses wherever the dependencies allow, and one pass learns the widths of
 * vectors written in any order ({@code J = sum(a)} above {@code a = tanh(b)} above {@code b = ...}).
 *
 * <p>Dependencies are read from the tokens alone, before anything is parsed: a statement defines the
 * names at the start of its lines ({@code name = ...}, also inside {@code for} and {@code solve}
 * blocks), the unknowns of {@code solve} and every name of an {@code input} line; it uses every other
 * name it mentions. A name written with brackets ({@code h[t] = ...}) is a scalar and is left out,
 * except that {@code h[2]} also uses {@code h} (the entry of a vector {@code h}). The reading
 * over-approximates (a loop variable counts as a use): a wrong dependency changes only the order, and
 * so how much one width pass learns, never what the build pass makes. Time and memory O(tokens):
 * the strongly connected components are found on the graph of statements and names (Tarjan's
 * algorithm, iterative, so that no file can overflow the stack).
 */
final class StatementOrder {
    private static final Set<String> KEYWORDS = Set.of("input", "output", "init", "declare", "for", "solve");

    /** The first token of each top-level statement, in reading order. */
    final int[] starts;
    /** Whether a statement uses a name that it or a later statement defines: widths may have to be learned. */
    final boolean forwardUses;

    private StatementOrder(int[] starts, boolean forwardUses) {
        this.starts = starts;
        this.forwardUses = forwardUses;
    }

    static StatementOrder of(Lexer lex) {
        List<Integer> starts = new ArrayList<>();
        Map<String, Integer> nameIds = new HashMap<>();
        List<int[]> uses = new ArrayList<>();
        List<int[]> defines = new ArrayList<>();
        IntList used = new IntList();
        IntList defined = new IntList();
        int i = 0;
        while (lex.kind[i] != EOF) {
            if (lex.kind[i] == NEWLINE) {
                i++;
                continue;
            }
            starts.add(i);
            used.clear();
            defined.clear();
            boolean input = lex.is(i, "input");
            boolean solve = lex.is(i, "solve");
            boolean lineStart = true;
            int braces = 0;
            for (; lex.kind[i] != EOF && !(lex.kind[i] == NEWLINE && braces == 0); i++) {
                byte k = lex.kind[i];
                boolean atStart = lineStart;
                lineStart = k == NEWLINE || k == LBRACE;
                if (k == LBRACE) {
                    braces++;
                    solve = false;
                } else if (k == RBRACE) {
                    braces = Math.max(0, braces - 1);
                }
                if (k != IDENT && k != QUOTED && k != TEMP || k == IDENT && KEYWORDS.contains(lex.text(i))) {
                    continue;
                }
                String text = lex.text(i);
                boolean entry = lex.kind[i + 1] == LBRACKET;
                if (input || solve) {
                    defined.add(id(nameIds, text));
                } else if (atStart && !entry) {
                    defined.add(id(nameIds, text));
                } else if (!atStart) {
                    used.add(id(nameIds, text)); // h[2] uses h too: the entry of a vector h
                }
            }
            uses.add(used.toArray());
            defines.add(defined.toArray());
        }
        return order(starts, nameIds.size(), uses, defines);
    }

    /**
     * Whether the file can make a vector at all: a range or slice inside brackets ({@code input
     * W[1..3, 1..4]}, {@code w[1..3]}, {@code h[2..4]}) or a list ({@code [1, 2]}). Without one, every
     * name is a scalar, and a name used before its definition needs no width pass.
     */
    static boolean mayMakeVectors(Lexer lex) {
        int brackets = 0;
        for (int i = 0; lex.kind[i] != EOF; i++) {
            byte k = lex.kind[i];
            if (k == LBRACKET) {
                byte before = i == 0 ? NEWLINE : lex.kind[i - 1];
                if (before != IDENT && before != QUOTED && before != TEMP && before != RBRACKET && before != RPAREN) {
                    return true; // a list
                }
                brackets++;
            } else if (k == RBRACKET) {
                brackets = Math.max(0, brackets - 1);
            } else if (k == DOTDOT && brackets > 0) {
                return true;
            }
        }
        return false;
    }

    private static int id(Map<String, Integer> ids, String name) {
        return ids.computeIfAbsent(name, k -> ids.size());
    }

    /**
     * Statements 0..S-1 and names S..S+N-1 are the graph's vertices; a statement points to the names
     * it uses and a name to the statements defining it. Tarjan's algorithm emits a component after
     * every component it reaches, so definitions come out before their uses.
     */
    private static StatementOrder order(List<Integer> starts, int names, List<int[]> uses, List<int[]> defines) {
        int statements = starts.size();
        int vertices = statements + names;
        int[][] next = new int[vertices][];
        int[] lastDefinition = new int[names];
        Arrays.fill(lastDefinition, -1);
        List<IntList> definers = new ArrayList<>(names);
        for (int n = 0; n < names; n++) {
            definers.add(new IntList());
        }
        for (int s = 0; s < statements; s++) {
            for (int n : defines.get(s)) {
                definers.get(n).add(s);
                lastDefinition[n] = s;
            }
        }
        boolean forward = false;
        for (int s = 0; s < statements; s++) {
            int[] u = uses.get(s);
            next[s] = new int[u.length];
            for (int k = 0; k < u.length; k++) {
                next[s][k] = statements + u[k];
                forward |= lastDefinition[u[k]] >= s;
            }
        }
        for (int n = 0; n < names; n++) {
            next[statements + n] = definers.get(n).toArray();
        }
        int[] order = new int[statements];
        int emitted = tarjan(next, statements, order);
        assert emitted == statements;
        int[] result = new int[statements];
        for (int k = 0; k < statements; k++) {
            result[k] = starts.get(order[k]);
        }
        return new StatementOrder(result, forward);
    }

    /** Writes the statement vertices (those below {@code statements}) into {@code order}, components in emission order, each sorted. */
    private static int tarjan(int[][] next, int statements, int[] order) {
        int n = next.length;
        int[] index = new int[n];
        int[] low = new int[n];
        int[] edge = new int[n];
        boolean[] onStack = new boolean[n];
        Arrays.fill(index, -1);
        int[] stack = new int[n];
        int top = 0;
        int[] calls = new int[n];
        int depth = 0;
        int counter = 0;
        int emitted = 0;
        for (int root = 0; root < statements; root++) {
            if (index[root] >= 0) {
                continue;
            }
            calls[depth++] = root;
            index[root] = low[root] = counter++;
            stack[top++] = root;
            onStack[root] = true;
            while (depth > 0) {
                int v = calls[depth - 1];
                if (edge[v] < next[v].length) {
                    int w = next[v][edge[v]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack[top++] = w;
                        onStack[w] = true;
                        calls[depth++] = w;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                depth--;
                if (depth > 0) {
                    int parent = calls[depth - 1];
                    low[parent] = Math.min(low[parent], low[v]);
                }
                if (low[v] == index[v]) {
                    int first = emitted;
                    int w;
                    do {
                        w = stack[--top];
                        onStack[w] = false;
                        if (w < statements) {
                            order[emitted++] = w;
                        }
                    } while (w != v);
                    Arrays.sort(order, first, emitted); // one cycle's statements in source order
                }
            }
        }
        return emitted;
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[8];
        private int size;

        void add(int x) {
            if (size == a.length) {
                a = Arrays.copyOf(a, 2 * size);
            }
            a[size++] = x;
        }

        void clear() {
            size = 0;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
