package dev.lagrange.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lagrange.program.Program;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both recordings of each benchmark workload give the same program, of the requested size. */
class WorkloadsTest {
    @ParameterizedTest
    @EnumSource(Workloads.class)
    void handlesAndIdsRecordTheSameProgram(Workloads workload) {
        Workloads.Recipe recipe = workload.recipe(10_003);
        Program byHandles = recipe.record();
        Program byIds = recipe.recordIds();
        assertEquals(10_003, byHandles.size());
        assertEquals(byHandles, byIds);
    }
}
