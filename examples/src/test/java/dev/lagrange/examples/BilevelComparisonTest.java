package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.examples.BilevelComparison.Row;
import dev.lagrange.examples.RidgeBilevel.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison's structure: the implicit program does not grow with T, the unrolled one grows by 2p per step. */
class BilevelComparisonTest {
    @Test
    void unrolledProgramsGrowWithTheStepsAndTheImplicitOneDoesNot() {
        Split split = RidgeBilevel.standardisedSplit(RidgeBilevel.diabetes());
        int p = split.train().features();
        List<Row> rows = BilevelComparison.measure(split, 1, new int[] {10, 100});
        Row implicit = rows.get(0);
        Row t10 = rows.get(1);
        Row t100 = rows.get(2);
        assertEquals(2 * p * 90, t100.nodes() - t10.nodes());
        assertEquals(90L * p * (2 + (p + 1)), t100.edges() - t10.edges(), "a step: p products, p sums of p + 1 terms");
        assertTrue(t100.buildBytes() > 4 * t10.buildBytes(), t100.buildBytes() + " vs " + t10.buildBytes());
        assertTrue(implicit.nodes() < t10.nodes());
        assertTrue(Math.abs(t100.loss() - implicit.loss()) < Math.abs(t10.loss() - implicit.loss()),
                "more inner steps, closer to the implicit answer");
    }

    @Test
    void examplesRun() {
        String out = StandardOutput.of(() -> RidgeBilevel.main(new String[0]));
        assertTrue(out.contains("converged"), out);
        assertTrue(out.contains("| unrolled, T = 1000 |"), out);
    }
}
