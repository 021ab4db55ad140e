package dev.lagrange.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of the example programs through the command, in-process: whatever the text, the
 * command ends with 0, 2 (the program is wrong) or 3 (a numerical failure), never with an internal
 * error or a stack trace, and every exit 2 points at its place as FILE:LINE:COLUMN (or names the
 * command-line problem). A failure prints the seed and the mutated text, so it can be replayed.
 */
class FuzzTest {
    private static final long SEED = 20261204L;
    private static final int RUNS = 5000;
    private static final String[] COMMANDS = {"solve", "adjoint", "graph"};
    /** Fragments a mutation inserts: tokens of the language, edge numbers and half-constructs. */
    private static final String[] FRAGMENTS = {
        "+", "-", "*", "/", "^", "@", "(", ")", "[", "]", "{", "}", ",", ":", "=", "..", "%1", "%", "#",
        "\n", " ", "x", "z", "h", "u", "w[1]", "z[0]", "W", "0", "1", "-1", "0.5", "1e400", "1e-400", "1e308",
        "Infinity", "NaN", "pi", "9999999", "100000", "2147483648", "input ", "output ", "for t in 1..3 { ",
        "solve u { ", "init u = ", "declare ", "implicit(", "implicit(u, ", "sum(i in 1..4: ", "sum(",
        "dot(", "softmax(", "outer(", "exp(", "log(", "sqrt(", "tanh(", "sigmoid(", "max(", "pow(", "wsum(",
        "step(", "\"", "'", "\t", "é", "λ", "\u0000",
    };
    private static final Pattern LOCATED = Pattern.compile("(?m)^.*\\.lag:\\d+:\\d+: error: .+");

    @TempDir
    Path dir;

    @Test
    void mutatedProgramsEndIn0Or2Or3WithMessagesThatSayWhere() throws IOException {
        List<String> corpus = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("../examples/programs"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".lag")).sorted().toList()) {
                corpus.add(Files.readString(p));
            }
        }
        assertTrue(corpus.size() >= 10, "the example programs are the corpus");
        Random rng = new Random(SEED);
        int[] byStatus = new int[4];
        long start = System.nanoTime();
        for (int run = 0; run < RUNS; run++) {
            String source = corpus.get(rng.nextInt(corpus.size()));
            int mutations = 1 + rng.nextInt(3);
            for (int k = 0; k < mutations; k++) {
                source = mutate(source, rng);
            }
            Path file = dir.resolve("fuzz" + run + ".lag");
            Files.writeString(file, source, StandardCharsets.UTF_8);
            String command = COMMANDS[rng.nextInt(COMMANDS.length)];
            String[] args = command.equals("solve") && rng.nextBoolean()
                    ? new String[] {command, file.toString(), "--json"} : new String[] {command, file.toString()};

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err));
            String replay = "run " + run + " (seed " + SEED + "), " + String.join(" ", args) + "\n--- program\n" + source
                    + "\n--- stderr\n" + err;
            assertTrue(status == 0 || status == 2 || status == 3, "exit " + status + ": " + replay);
            assertTrue(!err.toString().contains("\tat ") && !err.toString().contains("Exception"),
                    "a stack trace: " + replay);
            if (status == 2) {
                assertTrue(LOCATED.matcher(err.toString()).find(), "an exit 2 without FILE:LINE:COLUMN: " + replay);
            }
            if (status == 3) {
                assertTrue(err.toString().contains("error:"), "an exit 3 without a message: " + replay);
            }
            byStatus[status]++;
            Files.delete(file);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        // The mutations must reach all three outcomes, or the test would prove little.
        assertTrue(byStatus[0] > 100 && byStatus[2] > 100 && byStatus[3] > 10,
                "outcomes 0/2/3: " + byStatus[0] + "/" + byStatus[2] + "/" + byStatus[3]);
        System.out.printf("fuzz: %d runs in %d s, exit 0/2/3: %d/%d/%d%n", RUNS, seconds, byStatus[0], byStatus[2],
                byStatus[3]);
    }

    /** One random edit: insert, delete or replace a span, duplicate or drop a line, or change a number. */
    static String mutate(String s, Random rng) {
        if (s.isEmpty()) {
            return FRAGMENTS[rng.nextInt(FRAGMENTS.length)];
        }
        int at = rng.nextInt(s.length());
        int len = Math.min(s.length() - at, 1 + rng.nextInt(6));
        String[] lines = s.split("\n", -1);
        int line = rng.nextInt(lines.length);
        switch (rng.nextInt(8)) {
            case 0:
                return s.substring(0, at) + FRAGMENTS[rng.nextInt(FRAGMENTS.length)] + s.substring(at);
            case 1:
                return s.substring(0, at) + s.substring(at + len);
            case 2:
                return s.substring(0, at) + FRAGMENTS[rng.nextInt(FRAGMENTS.length)] + s.substring(at + len);
            case 3:
                lines[line] = lines[line] + "\n" + lines[rng.nextInt(lines.length)];
                return String.join("\n", lines);
            case 4:
                lines[line] = "";
                return String.join("\n", lines);
            case 5: {
                // a number made extreme: a huge loop bound, an overflow, zero, a negative
                java.util.regex.Matcher m = Pattern.compile("\\d+(\\.\\d+)?").matcher(s);
                List<int[]> spans = new ArrayList<>();
                while (m.find()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
                if (spans.isEmpty()) {
                    return s;
                }
                int[] span = spans.get(rng.nextInt(spans.size()));
                String[] numbers = {"0", "1e400", "100000000", "5000", "1e-320", "2", "0.0", "-3", "1e15"};
                return s.substring(0, span[0]) + numbers[rng.nextInt(numbers.length)] + s.substring(span[1]);
            }
            case 6: {
                int other = rng.nextInt(lines.length);
                String t = lines[line];
                lines[line] = lines[other];
                lines[other] = t;
                return String.join("\n", lines);
            }
            default:
                return s.substring(0, at); // truncated
        }
    }
}
