package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lagrange.primitive.Primitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The language's scalar functions come from the primitives' declarations, and the table in
 * docs/lag-language.md names each of them: adding a primitive shows up here until the table has it.
 */
class FunctionTableTest {
    @Test
    void theDocumentedFunctionsAreThePrimitivesThatAreFunctions() throws IOException {
        String doc = Files.readString(Path.of("../docs/lag-language.md"));
        Set<String> documented = new TreeSet<>();
        String table = doc.substring(doc.indexOf("| function | value |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Matcher m = Pattern.compile("(?m)^\\| `(\\w+)\\(").matcher(table);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> declared = new TreeSet<>();
        for (Primitive f : Primitive.values()) {
            if (f.isFunction()) {
                declared.add(f.symbol());
            }
        }
        declared.remove("min"); // documented in the row of max
        assertEquals(declared, documented);
    }

    @Test
    void everyFunctionParsesAndItsNameIsReserved() {
        for (Primitive f : Primitive.values()) {
            if (!f.isFunction() || f == Primitive.IMPLICIT || f == Primitive.WEIGHTED_SUM) {
                continue;
            }
            String call = f.arity() == 2 ? f.symbol() + "(x, x)" : f.symbol() + "(x)";
            var p = LagParser.parse("input x = 0.5\ny = " + call + "\noutput y\n", "f.lag");
            assertEquals(f, p.primitive(p.nodeNamed("y")), call);
            assertTrue(Names.RESERVED.contains(f.symbol()), f.symbol());
            var errors = Lag.errors("input " + f.symbol() + " = 1\noutput " + f.symbol() + "\n");
            assertTrue(errors.get(0).contains("reserved"), errors.toString());
        }
    }
}
