package dev.lagrange.notebooks;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Executes a Jupyter notebook (nbformat 4) whose code cells are Java, the way a Java kernel would:
 * one JShell per notebook, in this JVM (so snippets see this module's class path), cells in order,
 * each cell split into snippets by {@link SourceCodeAnalysis#analyzeCompletion}. Every code cell gets
 * its execution count and its outputs: the text it printed ({@code stream}), what it passed to
 * {@code display(...)} ({@code display_data}, images as {@code image/png}) and the value of its last
 * snippet when that is an expression ({@code execute_result}). Lines of a cell that start with
 * {@code %} are kernel magics (IJava's {@code %jars}, {@code %maven}) and are skipped: the class path
 * here is the runner's.
 *
 * <p>A snippet the compiler rejects, one with unresolved names, or one that throws stops the notebook
 * with a {@link NotebookException} naming the notebook, the cell and the snippet. Time is that of the
 * cells themselves plus about a compilation per snippet.
 *
 * <p>Command line: {@code NotebookRunner [--out DIR] NOTEBOOK.ipynb|FOLDER...} executes each notebook
 * (every {@code .ipynb} file of a folder) and writes it back with its outputs (into DIR when given); exit status 1 with a message on failure.
 */
public final class NotebookRunner {
    private static final Pattern CELL_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final int STACK_FRAMES = 6;

    private final String classPath;

    /** A runner whose snippets compile against {@code classPath} (entries separated by the path separator). */
    public NotebookRunner(String classPath) {
        this.classPath = classPath;
    }

    /**
     * A runner on this JVM's class path: the system property {@code notebooks.classpath}, else the test
     * class path a Maven Surefire fork announces, else {@code java.class.path}.
     */
    public static NotebookRunner onThisClassPath() {
        String cp = System.getProperty("notebooks.classpath");
        if (cp == null) {
            cp = System.getProperty("surefire.test.class.path");
        }
        if (cp == null) {
            cp = System.getProperty("java.class.path");
        }
        return new NotebookRunner(cp);
    }

    /** Reads a notebook file. */
    public static Map<String, Object> read(Path file) throws IOException {
        Object json;
        try {
            json = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new NotebookException(file + ": " + e.getMessage());
        }
        if (!(json instanceof Map)) {
            throw new NotebookException(file + ": a notebook is a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> notebook = (Map<String, Object>) json;
        return notebook;
    }

    /** Writes a notebook as Jupyter does (one-space indent, sorted keys). */
    public static void write(Map<String, Object> notebook, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, Json.write(notebook), StandardCharsets.UTF_8);
    }

    /**
     * Executes every code cell of the notebook at {@code file}.
     *
     * @return the notebook with fresh outputs and execution counts (the file is not written)
     * @throws NotebookException when a cell fails or the file is not an nbformat 4 notebook
     */
    public Map<String, Object> execute(Path file) throws IOException {
        Map<String, Object> notebook = read(file);
        String name = file.toString();
        if (!Long.valueOf(4).equals(notebook.get("nbformat")) || !(notebook.get("cells") instanceof List)) {
            throw new NotebookException(name + ": not an nbformat 4 notebook (no \"nbformat\": 4 or no \"cells\")");
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<?> cells = (List<?>) notebook.get("cells");
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (JShell shell = JShell.builder()
                .executionEngine(SnippetLoader.provider(NotebookRunner.class.getClassLoader()), Map.of())
                .build()) {
            shell.addToClasspath(classPath);
            Cell prelude = new Cell(name, 0, 0, cells.size());
            prelude.eval(shell, "void display(Object value) { " + Display.class.getName() + ".show(value); }");
            long count = 0;
            for (int k = 0; k < cells.size(); k++) {
                if (!(cells.get(k) instanceof Map)) {
                    throw new NotebookException(name + ": cell " + (k + 1) + " is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> cell = (Map<String, Object>) cells.get(k);
                if (!(cell.get("id") instanceof String id) || !CELL_ID.matcher(id).matches()) {
                    cell.put("id", "cell-" + (k + 1));
                }
                if (!"code".equals(cell.get("cell_type"))) {
                    continue;
                }
                count++;
                Cell run = new Cell(name, k + 1, count, cells.size());
                ByteArrayOutputStream outBuffer = new ByteArrayOutputStream();
                ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
                System.setOut(new PrintStream(outBuffer, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(errBuffer, true, StandardCharsets.UTF_8));
                run.stdout = outBuffer;
                run.stderr = errBuffer;
                Display.attach(run::display);
                try {
                    run.execute(shell, source(cell, name, k));
                } finally {
                    Display.attach(null);
                    System.setOut(out);
                    System.setErr(err);
                }
                cell.put("execution_count", count);
                cell.put("outputs", run.outputs);
                cell.putIfAbsent("metadata", new LinkedHashMap<>());
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        if (notebook.get("nbformat_minor") instanceof Long minor && minor < 5) {
            notebook.put("nbformat_minor", 5L); // cell ids, which 4.5 requires, are now present
        }
        return notebook;
    }

    private static String source(Map<String, Object> cell, String name, int k) {
        Object source = cell.get("source");
        String text;
        if (source instanceof String s) {
            text = s;
        } else if (source instanceof List<?> lines) {
            text = lines.stream().map(String::valueOf).collect(Collectors.joining());
        } else {
            throw new NotebookException(name + ": cell " + (k + 1) + " has no \"source\"");
        }
        // Kernel magics are lines of their own; blanking them keeps the other lines where they were.
        return text.lines().map(l -> l.stripLeading().startsWith("%") ? "" : l).collect(Collectors.joining("\n"));
    }

    /** Text as nbformat stores it: lines, each but the last ending in a newline. */
    static List<Object> lines(String text) {
        List<Object> lines = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < text.length(); k++) {
            if (text.charAt(k) == '\n') {
                lines.add(text.substring(start, k + 1));
                start = k + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /** One code cell being executed: its position for messages, and the outputs it has produced. */
    private static final class Cell {
        final String notebook;
        final int index;
        final long count;
        final int cells;
        final List<Object> outputs = new ArrayList<>();
        ByteArrayOutputStream stdout;
        ByteArrayOutputStream stderr;
        /** The cell's source and where in it the current snippet starts: for line numbers in messages. */
        private String source = "";
        private int offset;

        Cell(String notebook, int index, long count, int cells) {
            this.notebook = notebook;
            this.index = index;
            this.count = count;
            this.cells = cells;
        }

        void execute(JShell shell, String source) {
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            this.source = source;
            String remaining = source;
            String value = null;
            while (!remaining.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    break;
                }
                if (!info.completeness().isComplete()) {
                    throw fail(remaining, "incomplete code (" + info.completeness().name().toLowerCase(Locale.ROOT)
                            .replace('_', ' ') + ")");
                }
                offset = source.length() - remaining.length();
                value = eval(shell, info.source());
                remaining = info.remaining();
            }
            flushText();
            if (value != null) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("output_type", "execute_result");
                result.put("execution_count", count);
                result.put("data", Map.of("text/plain", lines(value)));
                result.put("metadata", new LinkedHashMap<>());
                outputs.add(result);
            }
        }

        /** Evaluates one snippet; returns its value when it is an expression, else null. */
        String eval(JShell shell, String snippet) {
            String value = null;
            for (SnippetEvent e : shell.eval(snippet)) {
                if (e.causeSnippet() != null) {
                    continue; // an earlier snippet updated because of this one
                }
                Snippet s = e.snippet();
                if (e.status() == Snippet.Status.REJECTED) {
                    String diagnostics = shell.diagnostics(s).map(this::describe)
                            .collect(Collectors.joining("; "));
                    throw fail(snippet, "rejected: " + (diagnostics.isEmpty() ? "no diagnostic" : diagnostics));
                }
                if (e.exception() != null) {
                    throw fail(snippet, describe(e.exception()));
                }
                if (e.status() == Snippet.Status.RECOVERABLE_DEFINED
                        || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                    String missing = s instanceof jdk.jshell.DeclarationSnippet d
                            ? shell.unresolvedDependencies(d).collect(Collectors.joining(", ")) : "?";
                    throw fail(snippet, "refers to undefined " + missing);
                }
                Snippet.SubKind kind = s.subKind();
                boolean expression = kind == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                        || kind == Snippet.SubKind.VAR_VALUE_SUBKIND
                        || kind == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND;
                if (expression && !(s instanceof VarSnippet v && "void".equals(v.typeName()))) {
                    value = e.value();
                }
            }
            return value;
        }

        /** Receives what the cell passes to {@code display(...)}, after the text printed before it. */
        void display(Object value) {
            flushText();
            Map<String, Object> data = new LinkedHashMap<>();
            if (value instanceof Chart<?, ?> chart) {
                data.put("image/png", base64(Charts.png(chart)));
                data.put("text/plain", List.of("<chart: " + chart.getTitle() + ">"));
            } else if (value instanceof RenderedImage image) {
                data.put("image/png", base64(Charts.png(image)));
                data.put("text/plain", List.of("<image " + image.getWidth() + "x" + image.getHeight() + ">"));
            } else {
                data.put("text/plain", lines(String.valueOf(value)));
            }
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("output_type", "display_data");
            output.put("data", data);
            output.put("metadata", new LinkedHashMap<>());
            outputs.add(output);
        }

        private void flushText() {
            flush(stdout, "stdout");
            flush(stderr, "stderr");
        }

        private void flush(ByteArrayOutputStream buffer, String stream) {
            if (buffer == null || buffer.size() == 0) {
                return;
            }
            String text = buffer.toString(StandardCharsets.UTF_8);
            buffer.reset();
            // Consecutive prints between displays are one stream output, as Jupyter merges them.
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("output_type", "stream");
            output.put("name", stream);
            output.put("text", lines(text));
            outputs.add(output);
        }

        private NotebookException fail(String snippet, String what) {
            String where = index == 0 ? "the runner's prelude"
                    : "cell " + index + " of " + cells + " (In [" + count + "])";
            String shown = snippet.strip();
            if (shown.length() > 400) {
                shown = shown.substring(0, 400) + " ...";
            }
            return new NotebookException(notebook + ": " + where + ": " + what + "\n  in snippet: " + shown);
        }

        private String describe(Diag d) {
            long end = Math.min(source.length(), offset + Math.max(0, d.getStartPosition()));
            long line = 1 + source.substring(0, (int) end).chars().filter(c -> c == '\n').count();
            return "line " + line + " of the cell: " + d.getMessage(Locale.ROOT).replaceAll("\\s*\n\\s*", " ");
        }

        private static String describe(Exception e) {
            StringBuilder s = new StringBuilder("threw ");
            Throwable t = e;
            for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause()) {
                if (depth > 0) {
                    s.append("\n  caused by ");
                }
                if (t instanceof EvalException ev) {
                    s.append(ev.getExceptionClassName());
                } else if (t instanceof UnresolvedReferenceException u) {
                    s.append("an unresolved reference to ").append(u.getSnippet().source().strip());
                } else {
                    s.append(t.getClass().getName());
                }
                if (t.getMessage() != null) {
                    s.append(": ").append(t.getMessage());
                }
                StackTraceElement[] frames = t.getStackTrace();
                for (int k = 0; k < Math.min(STACK_FRAMES, frames.length); k++) {
                    s.append("\n    at ").append(frames[k]);
                }
            }
            return s.toString();
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes) + "\n";
    }

    public static void main(String... args) {
        Path outDir = null;
        List<Path> notebooks = new ArrayList<>();
        for (int k = 0; k < args.length; k++) {
            if (args[k].equals("--out") && k + 1 < args.length) {
                outDir = Path.of(args[++k]);
            } else if (args[k].startsWith("-")) {
                System.err.println("usage: NotebookRunner [--out DIR] NOTEBOOK.ipynb|FOLDER...");
                System.exit(2);
            } else if (Files.isDirectory(Path.of(args[k]))) {
                try (var files = Files.list(Path.of(args[k]))) {
                    files.filter(f -> f.toString().endsWith(".ipynb")).sorted().forEach(notebooks::add);
                } catch (IOException e) {
                    System.err.println("error: " + args[k] + ": " + e.getMessage());
                    System.exit(1);
                }
            } else {
                notebooks.add(Path.of(args[k]));
            }
        }
        if (notebooks.isEmpty()) {
            System.err.println("usage: NotebookRunner [--out DIR] NOTEBOOK.ipynb|FOLDER...");
            System.exit(2);
        }
        NotebookRunner runner = onThisClassPath();
        for (Path file : notebooks) {
            try {
                long start = System.nanoTime();
                Map<String, Object> executed = runner.execute(file);
                Path target = outDir == null ? file : outDir.resolve(file.getFileName());
                write(executed, target);
                System.out.printf(Locale.ROOT, "%s: executed in %.1f s, written to %s%n", file,
                        (System.nanoTime() - start) / 1e9, target);
            } catch (NotebookException e) {
                System.err.println("error: " + e.getMessage());
                System.exit(1);
            } catch (IOException e) {
                System.err.println("error: " + file + ": " + e.getMessage());
                System.exit(1);
            }
        }
    }
}
