package dev.lagrange.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every error class: its {@code FILE:LINE:COLUMN: error:} position and message prefix. */
class LagErrorsTest {
    /** Appended to each case, so that x is defined (used before its declaration). */
    private static final String OK = "input x = 1\n";

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // lexical
        "a = x $ 1\\noutput a                  | 1:7: error: unexpected character '$'",
        "a = x + 1.5e\\noutput a               | 1:9: error: malformed number '1.5e'",
        "a = x + %\\noutput a                  | 1:9: error: '%' must be followed by digits",
        "a = `x + 1\\noutput a                 | 1:5: error: quoted name is not closed by '`' on its line",
        "a = `x\\q`\\noutput a                 | 1:5: error: malformed escape in quoted name",
        "a = ``\\noutput a                     | 1:5: error: a quoted name must not be empty",
        // syntax
        "a = (x + 1\\noutput a                 | 1:11: error: expected ')' but found end of line",
        "a = x +\\noutput a                    | 1:8: error: expected an expression but found end of line",
        "a x\\noutput a                        | 1:3: error: expected '=' but found 'x'",
        "a = 2x\\noutput a                     | 1:6: error: expected end of line but found 'x'",
        "output 3                              | 1:8: error: expected a name but found '3'",
        "input x[1..2\\noutput x              | 1:13: error: expected ']' but found end of line",
        "for i in 1 2 { }\\noutput x         | 1:12: error: expected '..' but found '2'",
        "for i in 1..2 a = 1\\noutput x      | 1:15: error: expected '{' but found 'a'",
        "+ a\\noutput x                        | 1:1: error: expected a statement but found '+'",
        "}\\noutput x                          | 1:1: error: expected a statement but found '}'",
        "exp = 1\\noutput x                    | 1:1: error: 'exp' is a reserved word and cannot name a variable",
        "a = exp + 1\\noutput a                | 1:5: error: 'exp' is a function: call it as exp(...)",
        "a = x + for\\noutput a                | 1:9: error: unexpected 'for'",
        "a = foo(x)\\noutput a                 | 1:5: error: unknown function 'foo'",
        "a = exp(x, x)\\noutput a              | 1:5: error: exp takes 1 argument, got 2",
        "a = max(x)\\noutput a                 | 1:5: error: max takes 2 arguments, got 1",
        "a = wsum(1, 2)\\noutput a             | 1:5: error: wsum takes a constant and then pairs",
        "a = wsum(1, x, x)\\noutput a          | 1:5: error: wsum's coefficient 1 must be a constant",
        // names and definitions
        "output y                              | 1:8: error: undefined name 'y'",
        "a = x\\na = 2 * x\\noutput a          | 2:1: error: 'a' is assigned more than once (first at 1:1)",
        "input x\\noutput x                    | 3:7: error: 'x' is assigned more than once (first at 1:7)",
        "for i in 1..2 { a = i }\\noutput a    | 1:17: error: 'a' is assigned more than once: in every iteration of its loop",
        "%1 = x\\n%1 = x\\noutput %1           | 2:1: error: temporary %1 is assigned more than once",
        "a = %3\\noutput a                     | 1:5: error: temporary %3 is used before it is defined",
        "declare %3\\noutput x                 | 1:9: error: temporary %3 is declared but never defined",
        "declare %3\\n%3 = x\\noutput x        | 2:1: error: temporary %3 is declared; only 'input %3' can define",
        "a = x\\ndeclare a\\noutput a          | 2:9: error: 'a' is already in use; declare it before its first use",
        "init x = 1, x = 2\\noutput x          | 1:13: error: init of 'x' is given more than once (first at 1:6)",
        "init x = x\\noutput x                 | 1:10: error: an init value must be a constant expression",
        "input y = x\\noutput y                | 1:11: error: an input's default value must be a constant expression",
        "a = x                                 | 3:1: error: the program has no output",
        // loops and indices
        "for i in 1..2 { i = x }\\noutput x    | 1:17: error: 'i' is a loop variable, not a program variable",
        "for i in 1..2 { for i in 1..2 { a[i] = x } }\\noutput x | 1:21: error: loop variable 'i' is already in use",
        "for 1 in 1..2 { }\\noutput x          | 1:5: error: expected a loop variable name but found '1'",
        "for i on 1..2 { }\\noutput x          | 1:7: error: expected 'in' but found 'on'",
        "for i in 1..x { }\\noutput x          | 1:13: error: a loop bound must be a constant expression",
        "for i in 1..2.5 { }\\noutput x        | 1:13: error: a loop bound must be an integer, got 2.5",
        "for i in 1..2 {\\n a[i] = x\\noutput x | 1:15: error: '{' is not closed by a '}'",
        "a = h[1.5]\\noutput a                 | 1:7: error: an index must be an integer, got 1.5",
        "a = h[x]\\noutput a                   | 1:7: error: an index must be a constant expression",
        "a = sum(i in 1..3 x)\\noutput a       | 1:19: error: expected ':' but found 'x'",
        "a = sum(i in 1..1e9: x)\\noutput a    | 1:5: error: the program unrolls to more than 10000000",
        "a = x * 1e400\\noutput a             | 1:9: error: the number 1e400 is too large for a double (it would be Infinity)",
        "input w[1..5000, 1..5000] = 0\\noutput x | 1:7: error: the program unrolls to more than 10000000",
        "u = 1 + implicit(u, u - x)\\noutput u | 1:9: error: ",
        "for i in 1..100000 { for j in 1..1000 { } }\\noutput x | 1:1: error: the program unrolls to more than 10000000",
        // solve blocks
        "solve u, v { u = 1 }\\noutput u       | 1:1: error: solve block has 2 unknowns (u, v) but 1 equation",
        "solve u { u = 1 \\n u = 2 }\\noutput u | 1:1: error: solve block has 1 unknown (u) but 2 equations",
        "solve %1 { x = 1 }\\noutput x         | 1:7: error: an unknown of a solve block needs a name, not %1",
        "input y\\nsolve y { y = 1 }\\noutput y | 2:7: error: 'y' is assigned more than once (first at 1:7)",
        "solve u { u + 1 }\\noutput u          | 1:17: error: expected '=' (an equation is lhs = rhs) but found '}'",
    })
    void errorIsReportedAtItsPlace(String source, String expected) {
        List<String> errors = Lag.errors(source.replace("\\n", "\n") + "\n" + OK);
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("test.lag:" + expected)),
                "expected test.lag:" + expected + "\ngot " + errors);
    }

    @Test
    void manyIndependentErrorsAreReportedInOneRunInSourceOrder() {
        List<String> errors = Lag.errors("input x = 1\n"
                + "a = p + q\n"
                + "b = foo(a) + exp(x, x)\n"
                + "a = 2\n"
                + "c = (x +\n"
                + "solve u, v { u = v }\n"
                + "d = r * c\n");
        assertEquals(List.of(
                "test.lag:2:5: error: undefined name 'p'",
                "test.lag:2:9: error: undefined name 'q'",
                "test.lag:3:5: error: unknown function 'foo'",
                "test.lag:3:14: error: exp takes 1 argument, got 2",
                "test.lag:4:1: error: 'a' is assigned more than once (first at 2:1)",
                "test.lag:5:9: error: expected an expression but found end of line",
                "test.lag:6:1: error: solve block has 2 unknowns (u, v) but 1 equation",
                "test.lag:7:5: error: undefined name 'r'",
                "test.lag:8:1: error: the program has no output: add a line 'output NAME'"), errors);
    }

    @Test
    void anErrorInALoopBodyIsReportedOnceWithTheIndexedName() {
        List<String> errors = Lag.errors("for t in 1..50 {\n  h[t] = h[t-1] + g\n}\noutput h[50]\n");
        assertEquals(List.of("test.lag:2:10: error: undefined name 'h[0]'", "test.lag:2:19: error: undefined name 'g'"),
                errors);
    }

    @Test
    void anEmptyFileHasNoOutput() {
        assertEquals(List.of("test.lag:1:1: error: the program has no output: add a line 'output NAME'"),
                Lag.errors(""));
    }

    @Test
    void errorsStopAtTheLimit() {
        List<String> errors = Lag.errors("a = $\n".repeat(500));
        assertEquals(Diagnostics.LIMIT + 1, errors.size());
        assertTrue(errors.get(Diagnostics.LIMIT).endsWith("too many errors; stopping after " + Diagnostics.LIMIT));
    }

    @Test
    void anInputWithoutValueIsNotAParseError() {
        assertTrue(Double.isNaN(Lag.parse("input x\noutput x\n").inputDefault(0)));
    }
}
