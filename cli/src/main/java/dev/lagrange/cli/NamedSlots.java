package dev.lagrange.cli;

import dev.lagrange.program.Program;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The values (or multipliers) of every named variable as a read-only map from entry label to number,
 * in program order: {@code x}, {@code h[1]}, {@code W[1,2]}. A view over the program and the solver's
 * array, made entry by entry as it is iterated, so that a report of 10^7 variables holds no map.
 */
final class NamedSlots extends AbstractMap<String, Object> {
    private final Program program;
    private final double[] values;

    /** @param values Not modified (kept): one entry per slot of {@code program}. */
    NamedSlots(Program program, double[] values) {
        this.program = program;
        this.values = values;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                Cursor c = new Cursor(program);
                return new Iterator<>() {
                    private boolean ready = c.next();

                    @Override
                    public boolean hasNext() {
                        return ready;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (!ready) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<String, Object> e = new SimpleImmutableEntry<>(c.label(), values[c.slot()]);
                        ready = c.next();
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                int size = 0;
                for (int n = 0; n < program.namedCount(); n++) {
                    size += program.width(program.namedNode(n));
                }
                return size;
            }
        };
    }

    /** Walks the slots of the named variables in program order: {@code while (c.next()) use(c.label(), c.slot())}. */
    static final class Cursor {
        private final Program program;
        private int named = -1;
        private int slot;
        private int end;

        Cursor(Program program) {
            this.program = program;
        }

        /** Moves to the next slot; false after the last. */
        boolean next() {
            if (++slot < end) {
                return true;
            }
            if (++named >= program.namedCount()) {
                return false;
            }
            int i = program.namedNode(named);
            slot = program.slot(i);
            end = slot + program.width(i);
            return true;
        }

        int slot() {
            return slot;
        }

        /** The entry's label: the variable's name for a scalar, {@code h[2]} or an input's label for an entry. */
        String label() {
            int i = program.namedNode(named);
            return program.isVector(i) ? program.slotLabel(slot) : program.namedNodeName(named);
        }
    }
}
