package dev.lagrange.cli;

import dev.lagrange.lang.LagParser;
import dev.lagrange.program.Program;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lagrange} command: {@code solve}, {@code adjoint} and {@code graph} over {@code .lag}
 * programs. Exit status: 0 success; 2 a wrong program or command line (every parser diagnostic on
 * standard error, one per line, as {@code FILE:LINE:COLUMN: error: message}); 3 a numerical failure
 * (the message names the variables involved); 70 an internal error. No path prints a stack trace.
 */
@Command(name = "lagrange", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Solves constraint programs and their Lagrangians: values, multipliers and gradients.",
        subcommands = {SolveCommand.class, AdjointCommand.class, GraphCommand.class, HessianCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success",
            "2:the program or the command line is wrong",
            "3:a numerical failure (the solve or the gradient check failed)",
            "70:an internal error (a bug: please report it)"})
public final class Main implements Callable<Integer> {
    /** The exit status of a wrong program or command line. */
    public static final int EXIT_USAGE = 2;
    /** The exit status of a numerical failure. */
    public static final int EXIT_NUMERICAL = 3;
    /** The exit status of a bug (EX_SOFTWARE of sysexits.h). */
    public static final int EXIT_INTERNAL = 70;

    /** Turns {@code .lag} source into a program; a seam so that tests may supply programs directly. */
    @FunctionalInterface
    interface Parser {
        /** @throws dev.lagrange.lang.LagException listing the errors */
        Program parse(String source, String file);
    }

    final Parser parser;
    final InputStream in;
    final PrintWriter out;
    final PrintWriter err;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Main(Parser parser, InputStream in, PrintWriter out, PrintWriter err) {
        this.parser = parser;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
        int status = run(args, System.in, out, err);
        System.exit(status);
    }

    /** Runs the command with the {@code .lag} parser and returns its exit status; flushes both writers. */
    public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        return run(args, in, out, err, LagParser::parse);
    }

    static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err, Parser parser) {
        try {
            CommandLine cl = new CommandLine(new Main(parser, in, out, err));
            cl.setOut(out);
            cl.setErr(err);
            cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, err));
            return cl.execute(args);
        } catch (Throwable e) {
            // Errors thrown outside a command's call (in picocli itself, or while printing).
            return report(e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int report(Throwable e, PrintWriter err) {
        if (e instanceof Failure f) {
            for (String line : f.lines()) {
                err.println(line);
            }
            return f.exitCode();
        }
        if (e instanceof OutOfMemoryError) {
            // The program or its workspaces do not fit in the Java heap: a resource limit, not a bug.
            Runtime rt = Runtime.getRuntime();
            err.println("lagrange: out of memory: the program and its workspaces need more than the "
                    + rt.maxMemory() / (1024 * 1024) + " MB of Java heap available; give the command more with"
                    + " LAGRANGE_JAVA_OPTS=-Xmx8g (or any size), or make the program smaller");
            return EXIT_NUMERICAL;
        }
        String message = e.getMessage() == null ? e.getClass().getName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        err.println("lagrange: internal error: " + message);
        return EXIT_INTERNAL;
    }

    /** {@code lagrange} alone: the usage on standard error, exit status 2. */
    @Override
    public Integer call() {
        err.println("lagrange: a command is required");
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }
}
