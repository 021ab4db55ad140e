package dev.lagrange.cli;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.primitive.VectorPrimitive;
import dev.lagrange.program.Condensation;
import dev.lagrange.program.Program;
import dev.lagrange.solve.SolveResult;

/**
 * A solved program's constraint graph in Graphviz DOT: one node {@code n<i>} per variable z_i,
 * labelled with its name (or its primitive and {@code %i} for a temporary), its value and its
 * multiplier; one edge {@code j -> i} per argument j of i, labelled with the local derivative
 * {@code df_i/dz_j} at the solution (an argument used twice gives two edges). Inputs are boxes, the
 * objective has a double border, temporaries are dashed, constants are plain text, and each cyclic
 * block is a cluster. O(n + edges).
 */
final class Dot {
    private Dot() {
    }

    static String write(String file, SolveResult r) {
        Program p = r.program();
        double[] z = r.z();
        double[] lambda = r.lambda();
        StringBuilder s = new StringBuilder();
        s.append("digraph ").append(quote(file)).append(" {\n");
        s.append("  rankdir=LR;\n");
        s.append("  node [shape=ellipse, fontname=\"monospace\"];\n");
        s.append("  edge [fontname=\"monospace\", fontsize=10];\n");
        for (int i = 0; i < p.size(); i++) {
            if (p.isVector(i)) {
                vectorNode(p, i, z, lambda, s);
                continue;
            }
            Primitive f = p.primitive(i);
            double v = z[p.slot(i)];
            s.append("  n").append(i).append(" [");
            if (f == Primitive.CONSTANT) {
                s.append("shape=plaintext, label=").append(quote(Double.toString(v)));
            } else {
                String name = p.name(i) != null ? p.name(i) : f.symbol() + " (" + p.label(i) + ")";
                s.append("label=").append(quote(name + "\nvalue " + v + "\nmultiplier " + lambda[p.slot(i)]));
                if (f == Primitive.INPUT) {
                    s.append(", shape=box");
                }
                if (p.name(i) == null) {
                    s.append(", style=dashed");
                }
                if (i == p.objective()) {
                    s.append(", peripheries=2");
                }
            }
            s.append("];\n");
        }
        double[] d = new double[2];
        for (int i = 0; i < p.size(); i++) {
            int[] a = p.arguments(i);
            if (a.length == 0) {
                continue;
            }
            if (p.isVector(i)) {
                // A vector node's local derivative is a Jacobian block, not one number: the edge names its primitive.
                for (int j : a) {
                    s.append("  n").append(j).append(" -> n").append(i).append(" [label=")
                            .append(quote(p.symbol(i))).append("];\n");
                }
                continue;
            }
            Primitive f = p.primitive(i);
            double[] params = p.parameters(i);
            if (f != Primitive.WEIGHTED_SUM) {
                f.partials(z[p.slot(a[0])], a.length > 1 ? z[p.slot(a[1])] : 0, params.length > 0 ? params[0] : 0,
                        z[p.slot(i)], d);
            }
            for (int k = 0; k < a.length; k++) {
                double partial = f == Primitive.WEIGHTED_SUM ? params[k + 1] : d[k];
                s.append("  n").append(a[k]).append(" -> n").append(i).append(" [label=")
                        .append(quote(Double.toString(partial))).append("];\n");
            }
        }
        Condensation blocks = p.blocks();
        for (int k = 0; k < blocks.cyclicCount(); k++) {
            s.append("  subgraph cluster_").append(k).append(" {\n");
            s.append("    label=\"cyclic block\";\n    style=dashed;\n   ");
            for (int i = blocks.cyclicStart(k); i < blocks.cyclicEnd(k); i++) {
                s.append(" n").append(i).append(';');
            }
            s.append("\n  }\n");
        }
        s.append("}\n");
        return s.toString();
    }

    /** A vector node: its name, width, and its first values and multipliers. */
    private static void vectorNode(Program p, int i, double[] z, double[] lambda, StringBuilder s) {
        VectorPrimitive f = p.vectorPrimitive(i);
        String name = p.name(i) != null ? p.name(i) : f.symbol() + " (" + p.label(i) + ")";
        s.append("  n").append(i).append(" [label=").append(quote(name + " (" + p.width(i) + " entries)\nvalue "
                + entries(z, p.slot(i), p.width(i)) + "\nmultiplier " + entries(lambda, p.slot(i), p.width(i))));
        s.append(f == VectorPrimitive.INPUT ? ", shape=box3d" : ", shape=box");
        String style = (f == VectorPrimitive.INPUT ? "" : "rounded") + (p.name(i) == null ? ",dashed" : "");
        if (!style.isEmpty()) {
            s.append(", style=").append(quote(style.startsWith(",") ? style.substring(1) : style));
        }
        if (i == p.objective()) {
            s.append(", peripheries=2");
        }
        s.append("];\n");
    }

    /** {@code [v1, v2, v3, ...]}: at most four entries. */
    private static String entries(double[] v, int from, int w) {
        StringBuilder s = new StringBuilder("[");
        for (int k = 0; k < Math.min(w, 4); k++) {
            s.append(k == 0 ? "" : ", ").append(v[from + k]);
        }
        return s.append(w > 4 ? ", ...]" : "]").toString();
    }

    /** A DOT quoted string; a newline becomes DOT's centred line break {@code \n}. */
    static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> { }
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
