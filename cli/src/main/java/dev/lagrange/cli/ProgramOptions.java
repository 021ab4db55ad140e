package dev.lagrange.cli;

import dev.lagrange.lang.LagException;
import dev.lagrange.lang.Diagnostic;
import dev.lagrange.program.Program;
import dev.lagrange.program.ProgramException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options every command shares: the program file, {@code --set} and {@code --output}; and the
 * steps that turn them into a program and its inputs, each failure a {@link Failure} with exit
 * status 2 and a message naming what is wrong.
 */
final class ProgramOptions {
    @Parameters(index = "0", paramLabel = "FILE",
            description = "The .lag program; - reads standard input (named <stdin> in messages).")
    String file;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Gives input NAME the value VALUE, overriding its default; repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--output", paramLabel = "NAME",
            description = "Takes variable NAME as the objective instead of the program's first output.")
    String output;

    /** A parsed program with the command line applied. */
    record Loaded(String file, String source, Program program) {
        /** The inputs x_1..x_d: the defaults after {@code --set} (a new array; NaN where none). */
        double[] inputs() {
            return program.inputDefaults();
        }
    }

    /**
     * Reads and parses the file, then applies {@code --output} and {@code --set}.
     *
     * @param requireValues whether every input must have a value (for a solve)
     */
    Loaded load(Main main, boolean requireValues) {
        String source = read(main.in);
        String name = file.equals("-") ? "<stdin>" : file;
        Program program;
        try {
            program = main.parser.parse(source, name);
        } catch (LagException e) {
            List<String> lines = new ArrayList<>();
            for (Diagnostic d : e.diagnostics()) {
                lines.add(d.toString());
            }
            throw new Failure(Main.EXIT_USAGE, lines);
        } catch (ProgramException e) {
            throw Failure.usage(name + ": error: " + e.getMessage());
        }
        program = withOutput(program);
        program = withSets(program);
        if (requireValues) {
            requireValues(program, source, name);
        }
        return new Loaded(name, source, program);
    }

    private String read(InputStream in) {
        try {
            byte[] bytes = file.equals("-") ? in.readAllBytes() : Files.readAllBytes(Path.of(file));
            // Invalid UTF-8 becomes U+FFFD, which the parser reports with its position.
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw Failure.usage("lagrange: cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw Failure.usage("lagrange: cannot read " + file + ": permission denied");
        } catch (IOException | java.nio.file.InvalidPathException e) {
            if (file.isEmpty()) {
                throw Failure.usage("lagrange: cannot read '': the file name is empty");
            }
            if (e instanceof IOException && Files.isDirectory(Path.of(file))) {
                throw Failure.usage("lagrange: cannot read " + file + ": it is a directory, not a .lag file");
            }
            throw Failure.usage("lagrange: cannot read " + file + ": " + e.getMessage());
        }
    }

    private Program withOutput(Program program) {
        if (output == null) {
            return program;
        }
        int node = program.nodeNamed(output);
        if (node < 0) {
            throw Failure.usage("lagrange: error: --output " + output + ": " + file + " has no variable '" + output
                    + "'");
        }
        if (program.isVector(node)) {
            throw Failure.usage("lagrange: error: --output " + output + ": '" + output + "' is a vector of "
                    + program.width(node) + " entries; the objective must be a scalar (reduce it in the program, "
                    + "e.g. s = sum(" + output + "), and pass --output s)");
        }
        int[] outputs = new int[program.outputCount() + 1];
        outputs[0] = node;
        int m = 1;
        for (int k = 0; k < program.outputCount(); k++) {
            if (program.output(k) != node) {
                outputs[m++] = program.output(k);
            }
        }
        return program.withOutputs(Arrays.copyOf(outputs, m));
    }

    private Program withSets(Program program) {
        if (set.isEmpty()) {
            return program;
        }
        double[] x = program.inputDefaults();
        Map<String, Integer> entries = blockEntries(program);
        for (Map.Entry<String, String> e : set.entrySet()) {
            String given = "--set " + e.getKey() + "=" + e.getValue();
            x[inputIndex(program, e.getKey(), given)] = number(e.getValue(), given);
        }
        return program.withInputDefaults(x);
    }

    /**
     * The index of the input named {@code name} (a scalar input, or an entry {@code W[1,2]} of an
     * input block), for an option written as {@code given}; a usage error naming it otherwise.
     */
    int inputIndex(Program program, String name, String given) {
        int node = program.nodeNamed(name);
        Integer entry = blockEntries(program).get(name.replace(" ", ""));
        if (node < 0 && entry == null) {
            throw Failure.usage("lagrange: error: " + given + ": " + file + " has no variable '" + name + "'");
        }
        int k = entry != null ? entry : program.inputIndex(node);
        if (k < 0) {
            throw Failure.usage("lagrange: error: " + given + ": '" + name + "' is not an input of " + file
                    + " (it is defined by a constraint)");
        }
        if (entry == null && program.isVector(node)) {
            throw Failure.usage("lagrange: error: " + given + ": '" + name + "' is an input of "
                    + program.width(node) + " entries; set each entry, e.g. " + given.substring(0, given.indexOf(' '))
                    + " " + program.inputLabel(k) + "=VALUE");
        }
        return k;
    }

    /** The number {@code text}, for an option written as {@code given}; a usage error otherwise. */
    static double number(String text, String given) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException notANumber) {
            throw Failure.usage("lagrange: error: " + given + ": '" + text + "' is not a number");
        }
    }

    /** The entries of the input blocks (vector and matrix inputs) by label, {@code W[1,2]}: their input index. */
    private static Map<String, Integer> blockEntries(Program program) {
        Map<String, Integer> entries = new java.util.HashMap<>();
        for (int k = 0; k < program.inputCount(); k++) {
            if (program.isVector(program.input(k))) {
                entries.put(program.inputLabel(k), k);
            }
        }
        return entries;
    }

    private void requireValues(Program program, String source, String file) {
        List<String> lines = new ArrayList<>();
        int lastBlock = -1;
        for (int k = 0; k < program.inputCount(); k++) {
            String name = program.inputLabel(k);
            if (Double.isNaN(program.inputDefault(k)) && program.input(k) != lastBlock && !set.containsKey(name)) {
                if (program.isVector(program.input(k))) {
                    lastBlock = program.input(k); // one line per input block, naming its first missing entry
                }
                int[] at = declaration(source, name);
                String where = at == null ? file + ": error: " : file + ":" + at[0] + ":" + at[1] + ": error: ";
                lines.add(where + "input '" + name + "' has no value; give it a default in the program or a value "
                        + "with --set " + name + "=VALUE");
            }
        }
        if (!lines.isEmpty()) {
            throw new Failure(Main.EXIT_USAGE, lines);
        }
    }

    /**
     * Where input {@code name} is declared: the 1-based line and column of its name (the name
     * before any index) on an {@code input} line, or null when the source does not show it.
     */
    static int[] declaration(String source, String name) {
        int bracket = name.indexOf('[');
        String stem = bracket < 0 ? name : name.substring(0, bracket);
        String[] lines = source.split("\r?\n|\r", -1);
        for (int l = 0; l < lines.length; l++) {
            String line = lines[l];
            int hash = line.indexOf('#');
            String code = hash < 0 ? line : line.substring(0, hash);
            String trimmed = code.stripLeading();
            if (!trimmed.startsWith("input") || trimmed.length() == 5
                    || Character.isJavaIdentifierPart(trimmed.charAt(5))) {
                continue;
            }
            for (int c = code.indexOf(stem); c >= 0; c = code.indexOf(stem, c + 1)) {
                boolean startsWord = c == 0 || !isNameChar(code.charAt(c - 1));
                int end = c + stem.length();
                boolean endsWord = end == code.length() || !isNameChar(code.charAt(end));
                if (startsWord && endsWord && c >= code.length() - trimmed.length() + 5) {
                    return new int[] {l + 1, c + 1};
                }
            }
        }
        return null;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
