package dev.lagrange.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** A subcommand over one program file: the parent command's context and the shared options. */
abstract class ProgramCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ProgramOptions options;
}
