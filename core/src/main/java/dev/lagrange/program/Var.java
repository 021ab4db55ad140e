package dev.lagrange.program;

/**
 * A handle on a variable while a program is being built: an input, an intermediate or a temporary.
 * Handles are resolved to node indices of the built program with {@link Program#node(Var)}.
 */
public final class Var {
    final RecordedNodes owner;
    final int id;

    Var(RecordedNodes owner, int id) {
        this.owner = owner;
        this.id = id;
    }

    /** The builder's index of this variable (stable while building; see {@link Program#node(Var)}). */
    public int id() {
        return id;
    }

    /** The variable's name, or null for a temporary. */
    public String name() {
        return owner.nameOf(id);
    }

    @Override
    public String toString() {
        String name = name();
        return name != null ? name : "%" + id;
    }
}
