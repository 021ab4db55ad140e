package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.program.Condensation;
import dev.lagrange.program.Program;
import dev.lagrange.program.Var;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Which blocks count as linear in their own unknowns (so that their Jacobian is assembled and factored
 * once): products with an outside factor are, products of two unknowns and smooth nonlinearities are
 * not.
 */
class LinearBlockTest {
    /** The cycle a = f(x, b), b = 0.5 a + x as a BlockSystem. */
    private static BlockSystem cycle(BiFunction<Program.Builder, Var[], Var> f) {
        var b = Program.builder();
        Var x = b.input("x", 0.3);
        Var a = b.declare("a");
        Var c = b.declare("b");
        b.define(a, f.apply(b, new Var[] {x, c, a}));
        b.define(c, b.add(b.mul(0.5, a), x));
        Program p = b.output(c).build();
        Condensation blocks = p.blocks();
        for (int k = 0; k < blocks.segmentCount(); k++) {
            if (blocks.segmentIsCyclic(k)) {
                return new BlockSystem(p, blocks.segmentStart(k), blocks.segmentEnd(k));
            }
        }
        throw new AssertionError("no cyclic block");
    }

    @Test
    void productWithAnOutsideFactorIsLinear() {
        assertTrue(cycle((b, v) -> b.mul(v[0], v[1])).isLinear());
    }

    @Test
    void productOfTwoUnknownsIsNot() {
        assertFalse(cycle((b, v) -> b.mul(v[2], v[1])).isLinear());
    }

    @Test
    void tanhIsNot() {
        assertFalse(cycle((b, v) -> b.tanh(v[1])).isLinear());
    }
}
