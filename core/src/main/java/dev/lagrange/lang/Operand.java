package dev.lagrange.lang;

import dev.lagrange.primitive.Primitive;
import dev.lagrange.program.Var;

/**
 * What an expression evaluates to while it is parsed: a constant (folded, no node yet), an existing
 * node, or a pending application {@code f(args)} whose node is not created yet, so that a statement
 * {@code name = f(...)} can create that node under its name instead of naming a copy.
 */
final class Operand {
    final double c;
    final Var var;
    final Primitive f;
    final double[] p;
    final Var[] args;
    /** Whether {@link #var} is a node the expression itself just made, which a definition may name in place. */
    final boolean made;

    private Operand(double c, Var var, Primitive f, double[] p, Var[] args, boolean made) {
        this.c = c;
        this.var = var;
        this.f = f;
        this.p = p;
        this.args = args;
        this.made = made;
    }

    static Operand constant(double c) {
        return new Operand(c, null, null, null, null, false);
    }

    static Operand node(Var v) {
        return new Operand(0, v, null, null, null, false);
    }

    /**
     * A vector operation's node, made by the expression (the builder's vector methods create their
     * node at once): {@code h = tanh(a)} names that node {@code h} instead of copying it.
     */
    static Operand made(Var v) {
        return new Operand(0, v, null, null, null, true);
    }

    /**
     * {@code f(args)} with parameters {@code p}.
     *
     * @param p Not modified (kept).
     * @param args Not modified (kept).
     */
    static Operand pending(Primitive f, double[] p, Var... args) {
        return new Operand(0, null, f, p, args, false);
    }

    boolean isConstant() {
        return var == null && f == null;
    }

    boolean isPending() {
        return f != null;
    }
}
