package dev.lagrange.solve.contract;

import dev.lagrange.solve.BlockCoordinateSolver;
import dev.lagrange.solve.SolveOptions;
import dev.lagrange.solve.Solver;
import dev.lagrange.solve.multiplier.AugmentedLagrangian;
import dev.lagrange.solve.multiplier.BlockAdmm;
import dev.lagrange.solve.multiplier.DualAscent;
import dev.lagrange.solve.multiplier.ExactBackSubstitution;
import dev.lagrange.solve.multiplier.MultiplierSweeps;
import dev.lagrange.solve.multiplier.ResidualBalancing;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The {@link SolverContract} for every solver of the project, each with the accuracy its method reaches. */
class ContractsTest {
    private static final SolveOptions TIGHT = SolveOptions.defaults().withTolerance(1e-11).withMaxIterations(5000);

    @Nested
    class BlockCoordinate extends SolverContract {
        @Override Solver solver() { return new BlockCoordinateSolver(); }
        @Override double tolerance() { return 1e-12; }
    }

    @Nested
    class BackSubstitution extends SolverContract {
        @Override Solver solver() { return new ExactBackSubstitution(); }
        @Override double tolerance() { return 1e-12; }
    }

    @Nested
    class JacobiSweeps extends SolverContract {
        @Override Solver solver() { return new MultiplierSweeps(MultiplierSweeps.Order.JACOBI, TIGHT); }
        @Override double tolerance() { return 1e-9; }
    }

    @Nested
    class GaussSeidelSweeps extends SolverContract {
        @Override Solver solver() { return new MultiplierSweeps(MultiplierSweeps.Order.GAUSS_SEIDEL, TIGHT); }
        @Override double tolerance() { return 1e-9; }
    }

    @Nested
    class FixedStepDualAscent extends SolverContract {
        @Override Solver solver() { return new DualAscent(DualAscent.Step.FIXED, 1, TIGHT); }
        @Override double tolerance() { return 1e-9; }
    }

    @Nested
    class SteepestDualAscent extends SolverContract {
        // Its rate is 1 - 2 / cond(I - J)^2: about 1 - 1/1250 on the two-output program, whose f = x^3
        // has the partial 6.75, so 1e-11 takes some 30,000 steps (of 4 nodes each).
        @Override Solver solver() { return new DualAscent(DualAscent.Step.STEEPEST, 1, TIGHT.withMaxIterations(100_000)); }
        @Override double tolerance() { return 1e-9; }
    }

    @Nested
    class MethodOfMultipliers extends SolverContract {
        @Override Solver solver() { return new AugmentedLagrangian(SolveOptions.defaults().withTolerance(1e-9)); }
        @Override double tolerance() { return 1e-7; }
    }

    @Nested
    class OneBlockAdmm extends SolverContract {
        @Override Solver solver() {
            return new BlockAdmm(List.of(), SolveOptions.defaults().withMaxIterations(500), 10, ResidualBalancing.boyd(),
                    1e-10, 1e-10);
        }
        @Override double tolerance() { return 1e-7; }
    }
}
