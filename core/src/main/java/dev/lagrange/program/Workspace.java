package dev.lagrange.program;

/**
 * The evaluation state of one program: inputs {@code x}, values {@code z} and multipliers
 * {@code lambda}, as flat arrays indexed by input and by value slot. A workspace belongs to one
 * thread at a time; many workspaces may share one program.
 */
public final class Workspace {
    private final Program program;
    private final double[] x;
    private final double[] z;
    private final double[] lambda;

    /** A workspace whose inputs hold the program's defaults (NaN where there is none). */
    public Workspace(Program program) {
        this.program = program;
        this.x = program.inputDefaults();
        this.z = new double[program.slotCount()];
        this.lambda = new double[program.slotCount()];
    }

    public Program program() {
        return program;
    }

    /** The inputs x_1..x_d, live: <i>modified</i> by callers that set inputs. */
    public double[] x() {
        return x;
    }

    /** The values, one per slot, live: <i>modified</i> by the z-step. */
    public double[] z() {
        return z;
    }

    /** The multipliers, one per slot, live: <i>modified</i> by the lambda-step. */
    public double[] lambda() {
        return lambda;
    }

    /** Sets input {@code name}. */
    public Workspace set(String name, double value) {
        int node = program.nodeNamed(name);
        int k = node < 0 ? -1 : program.inputIndex(node);
        if (k < 0) {
            throw new IllegalArgumentException("no input named '" + name + "'");
        }
        if (program.width(node) != 1) {
            throw new IllegalArgumentException("input '" + name + "' is a block of " + program.width(node)
                    + " entries: set x[" + k + " .. " + (k + program.width(node)) + ") directly");
        }
        x[k] = value;
        return this;
    }

    /** Sets all inputs. */
    public Workspace setInputs(double... values) {
        if (values.length != x.length) {
            throw new IllegalArgumentException("expected " + x.length + " inputs, got " + values.length);
        }
        System.arraycopy(values, 0, x, 0, x.length);
        return this;
    }

    /** The value of the variable named {@code name}. */
    public double value(String name) {
        return z[program.slot(nodeOf(name))];
    }

    /** The multiplier of the variable named {@code name}. */
    public double multiplier(String name) {
        return lambda[program.slot(nodeOf(name))];
    }

    private int nodeOf(String name) {
        int node = program.nodeNamed(name);
        if (node < 0) {
            throw new IllegalArgumentException("no variable named '" + name + "'");
        }
        return node;
    }
}
