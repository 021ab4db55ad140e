package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lagrange.program.Program;
import dev.lagrange.program.Sweeps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Helpers shared by the language tests. */
final class Lag {
    private Lag() {
    }

    static Program parse(String source) {
        return LagParser.parse(source, "test.lag");
    }

    /** The diagnostics of a program that must fail, each as {@code FILE:LINE:COLUMN: error: message}. */
    static List<String> errors(String source) {
        LagException e = assertThrows(LagException.class, () -> parse(source));
        return e.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.toList());
    }

    /** The examples directory, found from the module or the repository root. */
    static Path examples() {
        for (Path p : List.of(Path.of("..", "examples", "programs"), Path.of("examples", "programs"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("examples/programs not found from " + Path.of("").toAbsolutePath());
    }

    static String read(String example) {
        try {
            return Files.readString(examples().resolve(example));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The values z of an acyclic program at its default inputs, by the forward pass. */
    static double[] values(Program p) {
        double[] z = new double[p.slotCount()];
        Sweeps.forward(p, p.inputDefaults(), z);
        return z;
    }

    static double value(Program p, String name) {
        return values(p)[p.slot(p.nodeNamed(name))];
    }

    /** d(objective)/d(inputs) at the default inputs by back-substitution (the reverse sweep). */
    static double[] gradient(Program p) {
        double[] z = values(p);
        double[] lambda = new double[p.slotCount()];
        lambda[p.slot(p.objective())] = 1;
        Sweeps.reverse(p, z, lambda, lambda, 0, p.size());
        double[] g = new double[p.inputCount()];
        for (int k = 0; k < g.length; k++) {
            g[k] = lambda[p.inputSlot(k)];
        }
        return g;
    }
}
