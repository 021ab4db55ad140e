package dev.lagrange.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executes every notebook in {@code notebooks/}: a cell that is rejected or throws fails the build (the
 * notebooks check their own numbers against closed forms). The executed copies go to
 * {@code target/executed/}, and over the committed notebooks with {@code -Dnotebooks.writeBack=true}.
 * Each executed notebook is checked against the nbformat 4 structure and read back.
 */
class NotebooksTest {
    private static final Path NOTEBOOKS = Path.of("notebooks");
    private static final Path EXECUTED = Path.of("target", "executed");
    private static final Pattern CELL_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static Stream<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
            assertFalse(list.isEmpty(), "no notebooks in " + NOTEBOOKS.toAbsolutePath());
            return list.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("notebooks")
    void executesAndWritesValidNotebook(Path notebook) throws IOException {
        Map<String, Object> executed = NotebookRunner.onThisClassPath().execute(notebook);
        Path copy = EXECUTED.resolve(notebook.getFileName());
        NotebookRunner.write(executed, copy);
        if (Boolean.getBoolean("notebooks.writeBack")) {
            NotebookRunner.write(executed, notebook);
        }
        Map<String, Object> written = NotebookRunner.read(copy);
        assertEquals(executed, written, "the written notebook reads back as executed");
        validate(notebook.toString(), written);
    }

    /** The parts of the nbformat 4.5 schema a notebook viewer relies on. */
    static void validate(String name, Map<String, Object> nb) {
        assertEquals(4L, nb.get("nbformat"), name);
        assertEquals(5L, nb.get("nbformat_minor"), name);
        Map<?, ?> metadata = assertInstanceOf(Map.class, nb.get("metadata"), name);
        Map<?, ?> kernelspec = assertInstanceOf(Map.class, metadata.get("kernelspec"), name);
        assertEquals("java", kernelspec.get("language"), name);
        assertEquals("java", kernelspec.get("name"), name);
        assertInstanceOf(Map.class, metadata.get("language_info"), name);
        List<?> cells = assertInstanceOf(List.class, nb.get("cells"), name);
        long count = 0;
        int images = 0;
        for (int k = 0; k < cells.size(); k++) {
            String where = name + ", cell " + (k + 1);
            Map<?, ?> cell = assertInstanceOf(Map.class, cells.get(k), where);
            assertTrue(CELL_ID.matcher(String.valueOf(cell.get("id"))).matches(), where + ": id " + cell.get("id"));
            assertInstanceOf(Map.class, cell.get("metadata"), where);
            assertText(cell.get("source"), where + " source");
            String type = String.valueOf(cell.get("cell_type"));
            assertTrue(Set.of("code", "markdown", "raw").contains(type), where + ": cell_type " + type);
            if (!type.equals("code")) {
                assertFalse(cell.containsKey("outputs"), where + ": only code cells have outputs");
                continue;
            }
            assertEquals(++count, cell.get("execution_count"), where);
            for (Object o : assertInstanceOf(List.class, cell.get("outputs"), where)) {
                Map<?, ?> output = assertInstanceOf(Map.class, o, where);
                String kind = String.valueOf(output.get("output_type"));
                switch (kind) {
                    case "stream" -> {
                        assertTrue(Set.of("stdout", "stderr").contains(output.get("name")), where);
                        assertText(output.get("text"), where + " stream");
                    }
                    case "execute_result", "display_data" -> {
                        if (kind.equals("execute_result")) {
                            assertEquals(count, output.get("execution_count"), where);
                        }
                        assertInstanceOf(Map.class, output.get("metadata"), where);
                        Map<?, ?> data = assertInstanceOf(Map.class, output.get("data"), where);
                        assertText(data.get("text/plain"), where + " text/plain");
                        if (data.containsKey("image/png")) {
                            byte[] png = Base64.getMimeDecoder().decode((String) data.get("image/png"));
                            assertTrue(png.length > 1000 && java.util.Arrays.equals(PNG_SIGNATURE,
                                    java.util.Arrays.copyOf(png, 8)), where + ": not a PNG image");
                            images++;
                        }
                    }
                    default -> throw new AssertionError(where + ": output_type " + kind);
                }
            }
        }
        assertTrue(count > 0, name + " has no code cell");
        assertTrue(images > 0, name + " shows no chart");
    }

    /** nbformat multiline text: a string, or a list of strings each ending in a newline but the last. */
    private static void assertText(Object text, String where) {
        if (text instanceof String) {
            return;
        }
        List<?> lines = assertInstanceOf(List.class, text, where);
        for (int k = 0; k < lines.size(); k++) {
            String line = assertInstanceOf(String.class, lines.get(k), where);
            if (k + 1 < lines.size()) {
                assertTrue(line.endsWith("\n"), where + ": line " + (k + 1) + " does not end in a newline");
            }
        }
    }
}
