package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.check.GradientCheck;
import dev.lagrange.program.Program;
import dev.lagrange.solve.multiplier.IterativeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's methods all reach the network-loss gradient, checked against forward mode
 * (commons-math3 DerivativeStructure), and its main writes the histories.
 */
class MultiplierMethodsTest {
    @Test
    void everyMethodReachesTheFiniteDifferenceGradient() {
        Program p = MultiplierMethods.network();
        Map<String, IterativeResult> results = MultiplierMethods.runProgram(p);
        double[] x = p.inputDefaults();
        double[] fd = GradientCheck.of(p).forwardMode(x);
        for (Map.Entry<String, IterativeResult> e : results.entrySet()) {
            IterativeResult r = e.getValue();
            assertTrue(r.result().isConverged(), e.getKey() + ": " + r.result().message());
            // Boyd's default ADMM tolerances (eps_rel 1e-2) stop far from the KKT point: 0.2 absolute
            double tol = e.getKey().contains("0.01") ? 0.2 : e.getKey().startsWith("admm") ? 1e-6 : 1e-8;
            for (int k = 0; k < x.length; k++) {
                assertEquals(fd[k], r.result().gradient()[k], tol, e.getKey() + ", input " + k);
            }
        }
    }

    @Test
    void mainWritesTheHistories(@TempDir Path dir) throws IOException {
        String out = StandardOutput.of(() -> MultiplierMethods.main(new String[] {dir.toString()}));
        assertTrue(out.contains("gauss-seidel"), out);
        for (String f : List.of("program-history.csv", "lasso-history.csv", "program-history.png", "lasso-history.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 100, f);
        }
        List<String> lines = Files.readAllLines(dir.resolve("program-history.csv"));
        assertEquals("method,iteration,constraint_residual,stationarity_residual,objective,seconds", lines.get(0));
    }
}
