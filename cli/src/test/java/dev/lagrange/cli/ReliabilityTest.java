package dev.lagrange.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.cli.LagEndToEndTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions of the defects a fuzzing campaign found (issue 12), through the command with the real
 * parser: each was an internal error (exit 70), a late refusal or a message without a place.
 */
class ReliabilityTest {
    @TempDir
    Path dir;

    String file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p.toString();
    }

    @Test
    void implicitOutsideItsOwnDefinitionIsAProgramErrorWithItsPlace() throws IOException {
        Run r = LagEndToEndTest.run("adjoint", file("imp.lag", "input x = 1\nf = implicit(x, x)\noutput f\n"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().matches("(?s).*imp\\.lag:2:5: error: .*implicit.*"), r.err());
        assertTrue(r.err().contains("'f'"), r.err());

        Run nested = LagEndToEndTest.run("solve", file("nest.lag", "input x = 1\nu = 1 + implicit(u, u - x)\noutput u\n"));
        assertEquals(2, nested.status(), nested.err());
        assertTrue(nested.err().contains("nest.lag:2:9: error:"), nested.err());
    }

    @Test
    void anImplicitDefinitionStillSolves() throws IOException {
        Run r = LagEndToEndTest.run("solve", file("ok.lag", "input x = 2\nu = implicit(u, u^3 + u - x)\noutput u\n"), "--json");
        assertEquals(0, r.status(), r.err());
        // u^3 + u = 2 at u = 1; du/dx = 1 / (3u^2 + 1) by the implicit function theorem
        assertEquals(1.0, (Double) MiniJson.object(r.out()).get("value"), 1e-15);
        assertEquals(0.25, (Double) r.json("gradient").get("x"), 1e-15);
    }

    @Test
    void anOutputThatIsAVectorIsExit2NamingItsWidth() {
        Run r = LagEndToEndTest.run("solve", "../examples/programs/tanh-layer.lag", "--output", "h");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("'h' is a vector of 3 entries"), r.err());
    }

    @Test
    void nestedLoopsOverTheBudgetAreRefusedAtTheOuterLoop() throws IOException {
        String source = "input x = 1\nfor i in 1..10000 {\n  for j in 1..10000 {\n    a[i, j] = x\n  }\n}\noutput x\n";
        long start = System.nanoTime();
        Run r = LagEndToEndTest.run("solve", file("nest.lag", source));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("nest.lag:2:1: error: the program unrolls to more than 10000000"), r.err());
        // Not a timing test: a refusal after building would take tens of seconds, far past this bound.
        assertTrue(millis < 10_000, "refused after " + millis + " ms");
    }

    @Test
    void aHugeInputFamilyIsRefusedAtTheDeclarationThatPassesTheBudget() throws IOException {
        Run r = LagEndToEndTest.run("solve", file("inp.lag", "input w[1..9999999] = 1, b[1..2] = 0\ns = sum(w)\noutput s\n"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("inp.lag:1:26: error: the program unrolls to more than 10000000"), r.err());
    }

    @Test
    void aLiteralTooLargeForADoubleIsNamedAtItsPlace() throws IOException {
        Run r = LagEndToEndTest.run("solve", file("inf.lag", "input x = 1\ny = x * 1e400\noutput y\n"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("inf.lag:2:9: error: the number 1e400 is too large for a double"), r.err());
    }

    @Test
    void anInfiniteConstantWrittenAsSuchIsANumericalFailureThatSaysSo() throws IOException {
        Run r = LagEndToEndTest.run("solve", file("inf.lag", "input x = 1\ny = x * Infinity\nz = y - y\noutput z\n"));
        assertEquals(3, r.status(), r.err());
        assertTrue(r.err().contains("Infinity"), r.err());
        assertTrue(!r.err().contains("'%"), "an internal name leaked: " + r.err());
    }

    @Test
    void anEmptyFileNameAndADirectoryGetTheirOwnMessages() {
        Run empty = LagEndToEndTest.run("solve", "");
        assertEquals(2, empty.status(), empty.err());
        assertTrue(empty.err().contains("the file name is empty"), empty.err());

        Run directory = LagEndToEndTest.run("solve", dir.toString());
        assertEquals(2, directory.status(), directory.err());
        assertTrue(directory.err().contains("is a directory, not a .lag file"), directory.err());
    }
}
