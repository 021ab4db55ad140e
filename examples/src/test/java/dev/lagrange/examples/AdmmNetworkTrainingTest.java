package dev.lagrange.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison on a small configuration: every row is finite and the charts are readable PNGs. */
class AdmmNetworkTrainingTest {
    @Test
    void quickComparisonWritesItsCharts(@TempDir Path out) throws IOException {
        List<AdmmNetworkTraining.Row> rows = AdmmNetworkTraining.run(AdmmNetworkTraining.Config.quick(out));
        assertEquals(14, rows.size());
        for (AdmmNetworkTraining.Row r : rows) {
            assertTrue(Double.isFinite(r.loss()) && r.msPerIteration() >= 0, r.toString());
            assertTrue(r.testAccuracy() >= 0 && r.testAccuracy() <= 1, r.toString());
            assertTrue(!r.method().contains("["), "a run failed: " + r);
        }
        assertEquals(20, rows.get(0).iterations());
        assertEquals(30, rows.get(1).iterations());
        assertEquals(100, rows.get(6).iterations());
        for (String name : List.of("admm-two-moons-accuracy.png", "admm-two-moons-loss.png", "admm-xor-accuracy.png",
                "admm-xor-loss.png")) {
            BufferedImage image = ImageIO.read(out.resolve(name).toFile());
            assertEquals(800, image.getWidth(), name);
            assertEquals(500, image.getHeight(), name);
        }
    }

    @Test
    void mainPrintsTheTable() {
        String text = StandardOutput.of(() -> AdmmNetworkTraining.main(new String[] {"--quick"}));
        assertTrue(text.contains("two moons") && text.contains("gradient descent") && text.contains("charts:"), text);
    }
}
