package dev.lagrange.cli;

import dev.lagrange.solve.SolveResult;
import picocli.CommandLine.Command;

/**
 * {@code lagrange graph FILE}: solves the program and prints its constraint graph in Graphviz DOT
 * ({@link Dot}). A solve that fails exits with status 3, as {@code solve} does.
 */
@Command(name = "graph", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints the constraint graph in Graphviz DOT: a node per variable with its value and "
                + "multiplier, an edge per argument labelled with the local derivative.")
final class GraphCommand extends ProgramCommand {
    @Override
    public Integer call() {
        ProgramOptions.Loaded loaded = options.load(main, true);
        SolveResult r = SolveCommand.solver().solve(loaded.program(), loaded.inputs());
        if (!r.isConverged()) {
            throw new Failure(Main.EXIT_NUMERICAL, SolveCommand.failureMessage(loaded.file(), r));
        }
        main.out.print(Dot.write(loaded.file(), r));
        return 0;
    }
}
