package dev.lagrange.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotebookRunnerTest {
    @TempDir
    Path dir;

    private Path notebook(String... cells) throws IOException {
        List<Object> list = new ArrayList<>();
        for (String c : cells) {
            Map<String, Object> cell = new LinkedHashMap<>();
            boolean markdown = c.startsWith("# ");
            cell.put("cell_type", markdown ? "markdown" : "code");
            cell.put("metadata", new LinkedHashMap<>());
            cell.put("source", NotebookRunner.lines(c));
            if (!markdown) {
                cell.put("outputs", new ArrayList<>());
                cell.put("execution_count", null);
            }
            list.add(cell);
        }
        Map<String, Object> nb = new LinkedHashMap<>();
        nb.put("cells", list);
        nb.put("metadata", Map.of("kernelspec", Map.of("name", "java", "language", "java", "display_name", "Java")));
        nb.put("nbformat", 4L);
        nb.put("nbformat_minor", 4L);
        Path file = dir.resolve("t.ipynb");
        NotebookRunner.write(nb, file);
        return file;
    }

    private static List<?> outputs(Map<String, Object> nb, int cell) {
        return (List<?>) ((Map<?, ?>) ((List<?>) nb.get("cells")).get(cell)).get("outputs");
    }

    @Test
    void cellsShareStateAndProduceStreamDisplayAndResult() throws IOException {
        Path file = notebook("# A title", "%jars ignored.jar\nint a = 6;\nSystem.out.println(\"a = \" + a);\n"
                + "display(\"shown\"); System.out.print(\"x\");", "String s = \"q\";\n a * 7 // the answer",
                "display(new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB));");
        Map<String, Object> nb = NotebookRunner.onThisClassPath().execute(file);
        List<?> first = outputs(nb, 1);
        assertEquals(List.of(Map.of("output_type", "stream", "name", "stdout", "text", List.of("a = 6\n")),
                Map.of("output_type", "display_data", "data", Map.of("text/plain", List.of("shown")), "metadata", Map.of()),
                Map.of("output_type", "stream", "name", "stdout", "text", List.of("x"))), first);
        assertEquals(List.of(Map.of("output_type", "execute_result", "execution_count", 2L,
                "data", Map.of("text/plain", List.of("42")), "metadata", Map.of())), outputs(nb, 2));
        Map<?, ?> image = (Map<?, ?>) ((Map<?, ?>) outputs(nb, 3).get(0)).get("data");
        assertEquals(List.of("<image 4x3>"), image.get("text/plain"));
        assertTrue(((String) image.get("image/png")).startsWith("iVBORw0KGgo"), "base64 of the PNG signature");
        assertEquals(5L, nb.get("nbformat_minor"), "ids were added, so the notebook is 4.5");
        assertEquals("cell-1", ((Map<?, ?>) ((List<?>) nb.get("cells")).get(0)).get("id"));
    }

    @Test
    void rejectedSnippetNamesNotebookCellLineAndSnippet() throws IOException {
        Path file = notebook("int a = 1;", "int b = 2;\nint c = a + missing;\nint d = 4;");
        NotebookException e = assertThrows(NotebookException.class, () -> NotebookRunner.onThisClassPath().execute(file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": cell 2 of 2 (In [2]): rejected: line 2 of the cell: cannot find symbol"), m);
        assertTrue(m.contains("in snippet: int c = a + missing;"), m);
    }

    @Test
    void exceptionNamesItsClassAndMessage() throws IOException {
        Path file = notebook("System.out.println(1);\nif (true) throw new IllegalStateException(\"boom\");");
        NotebookException e = assertThrows(NotebookException.class, () -> NotebookRunner.onThisClassPath().execute(file));
        assertTrue(e.getMessage().contains("cell 1 of 1 (In [1]): threw java.lang.IllegalStateException: boom"),
                e.getMessage());
    }

    @Test
    void incompleteCodeFails() throws IOException {
        Path file = notebook("for (int i = 0; i < 2; i++) {");
        NotebookException e = assertThrows(NotebookException.class, () -> NotebookRunner.onThisClassPath().execute(file));
        assertTrue(e.getMessage().contains("incomplete code"), e.getMessage());
    }

    @Test
    void jsonRoundTripsEscapesNumbersAndNesting() {
        String text = "{\"b\": [1, -2.5, 1.0E20, true, false, null, \"\\\"q\\\\ \\n\\t\\u00e9 \\u0001 \u03bb\"],"
                + " \"a\": {}, \"c\": []}";
        Object parsed = Json.parse(text);
        assertEquals(Arrays.asList(1L, -2.5, 1.0e20, true, false, null, "\"q\\ \n\té \u0001 λ"),
                ((Map<?, ?>) parsed).get("b"));
        assertEquals(parsed, Json.parse(Json.write(parsed)));
        assertTrue(Json.write(parsed).startsWith("{\n \"a\": {},\n \"b\": [\n  1,\n"), "keys sorted, one-space indent");
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x"));
    }
}
