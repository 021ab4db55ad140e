package dev.lagrange.solve.newton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hopcroft-Karp against a brute-force maximum matching, and the Dulmage-Mendelsohn column set. */
class StructuralRankTest {
    @Test
    void hallViolation() {
        // rows 0 and 1 both see only column 0; column 2 is seen by row 2 alone, column 1 by row 2 too.
        int[] start = {0, 1, 2, 4};
        int[] adj = {0, 0, 1, 2};
        StructuralRank s = new StructuralRank(3, 3, start, adj);
        assertEquals(2, s.rank());
        assertTrue(!s.isPerfect());
        assertArrayEquals(new int[] {1, 2}, s.underdeterminedColumns());
    }

    @Test
    void perfectOnAPermutation() {
        StructuralRank s = new StructuralRank(4, 4, new int[] {0, 1, 2, 3, 4}, new int[] {2, 0, 3, 1});
        assertTrue(s.isPerfect());
        assertEquals(2, s.columnOf(0));
        assertEquals(0, s.underdeterminedColumns().length);
    }

    @ParameterizedTest
    @ValueSource(longs = {345, 346, 347, 348, 349, 350})
    void rankAgainstBruteForce(long seed) {
        Random random = new Random(seed);
        int rows = 1 + random.nextInt(9);
        int cols = 1 + random.nextInt(9);
        boolean[][] e = new boolean[rows][cols];
        int[] start = new int[rows + 1];
        int[] adj = new int[rows * cols];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            start[r] = k;
            for (int c = 0; c < cols; c++) {
                if (random.nextDouble() < 0.25) {
                    e[r][c] = true;
                    adj[k++] = c;
                }
            }
        }
        start[rows] = k;
        StructuralRank s = new StructuralRank(rows, cols, start, adj);
        assertEquals(bruteForce(e, 0, new boolean[cols]), s.rank(), "seed " + seed);
        // a column is underdetermined iff deleting it keeps the rank: some maximum matching avoids it
        int[] under = s.underdeterminedColumns();
        for (int c = 0; c < cols; c++) {
            boolean[] used = new boolean[cols];
            used[c] = true;
            boolean avoidable = bruteForce(e, 0, used) == s.rank();
            assertEquals(avoidable, Arrays.binarySearch(under, c) >= 0, "column " + c + " (seed " + seed + ")");
        }
    }

    private static int bruteForce(boolean[][] e, int row, boolean[] used) {
        if (row == e.length) {
            return 0;
        }
        int best = bruteForce(e, row + 1, used);
        for (int c = 0; c < used.length; c++) {
            if (e[row][c] && !used[c]) {
                used[c] = true;
                best = Math.max(best, 1 + bruteForce(e, row + 1, used));
                used[c] = false;
            }
        }
        return best;
    }
}
