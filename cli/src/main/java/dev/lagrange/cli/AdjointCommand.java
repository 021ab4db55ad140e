package dev.lagrange.cli;

import dev.lagrange.lang.LagPrinter;
import dev.lagrange.program.Adjoint;
import dev.lagrange.program.Program;
import dev.lagrange.program.ProgramException;
import picocli.CommandLine.Command;

/**
 * {@code lagrange adjoint FILE}: prints the gradient program ({@link Adjoint}) as {@code .lag}. With
 * {@code --set} the printed inputs carry the given values as defaults; with {@code --output} the
 * gradient is that variable's. A program with a cyclic block or a vector node fails with exit
 * status 3 naming the variables.
 */
@Command(name = "adjoint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints the gradient program, the rote reverse-mode transformation, as a .lag program: the "
                + "forward statements, one statement per multiplier lambda_<name> in reverse order, and output "
                + "grad_<input> for every input.")
final class AdjointCommand extends ProgramCommand {
    @Override
    public Integer call() {
        ProgramOptions.Loaded loaded = options.load(main, false);
        Program adjoint;
        try {
            adjoint = Adjoint.of(loaded.program());
        } catch (ProgramException | IllegalArgumentException e) { // a cycle, or a vector node
            throw new Failure(Main.EXIT_NUMERICAL, loaded.file() + ": error: not supported: " + e.getMessage());
        }
        String text = LagPrinter.print(adjoint);
        main.out.print(text.endsWith("\n") ? text : text + "\n");
        return 0;
    }
}
