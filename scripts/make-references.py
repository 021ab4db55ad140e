#!/usr/bin/env python3
"""High-precision reference values for lagrange's differential tests.

Writes two files, both checked into the repository so that the tests need no Python:

  core/src/test/resources/dev/lagrange/references/partials.txt
      one line per (function, argument): the value and the derivative at 60 digits, at arguments that
      include the large ones where 1 - tanh^2 and s (1 - s) lose everything to rounding.
  solvers/src/test/resources/dev/lagrange/references/random-programs.txt
      seeded random .lag programs (acyclic ones, and ones with an implicit cyclic block), each with
      the value of every named variable and the gradient of the objective, at 50 digits.

The gradient references come from mpmath.diff (high-precision numerical differentiation of the
program as a function of its inputs), not from any chain rule, so they are independent of the
adjoints under test. Programs are kept only when they are well conditioned (see condition() below):
a double-precision evaluator can then be asked for a relative error of 1e-12 in every component.

Needs mpmath (Debian: apt-get install python3-mpmath; or pip install mpmath). Run from the repository
root: python3 scripts/make-references.py
"""

import random
import sys
from pathlib import Path

from mpmath import mp, mpf

mp.dps = 60
DIGITS = 20  # printed significant digits: more than the 17 a double needs

ROOT = Path(__file__).resolve().parent.parent


def fmt(v):
    return mp.nstr(v, DIGITS, min_fixed=1, max_fixed=0, strip_zeros=False) if v != 0 else "0"


# ---------------------------------------------------------------- one function at a time

def sigmoid(a):
    return 1 / (1 + mp.exp(-a))


UNARY = {
    "exp": (mp.exp, mp.exp),
    "log": (mp.log, lambda a: 1 / a),
    "sin": (mp.sin, mp.cos),
    "cos": (mp.cos, lambda a: -mp.sin(a)),
    "tan": (mp.tan, lambda a: mp.sec(a) ** 2),
    "tanh": (mp.tanh, lambda a: mp.sech(a) ** 2),
    "sigmoid": (sigmoid, lambda a: mp.exp(-abs(a)) / (1 + mp.exp(-abs(a))) ** 2),
    "sqrt": (mp.sqrt, lambda a: 1 / (2 * mp.sqrt(a))),
    "softplus": (lambda a: mp.log1p(mp.exp(a)), sigmoid),
    "erf": (mp.erf, lambda a: 2 / mp.sqrt(mp.pi) * mp.exp(-a * a)),
    "log1p": (mp.log1p, lambda a: 1 / (1 + a)),
    "expm1": (mp.expm1, mp.exp),
    "atan": (mp.atan, lambda a: 1 / (1 + a * a)),
    "asinh": (mp.asinh, lambda a: 1 / mp.sqrt(1 + a * a)),
}

PARTIAL_POINTS = {
    "exp": ["-700", "-30", "-1", "0.5", "1", "20", "700"],
    "log": ["1e-300", "1e-10", "0.5", "2", "1e10", "1e300"],
    "sin": ["-3", "1e-8", "0.5", "1.5", "3", "100"],
    "cos": ["-3", "1e-8", "0.5", "1.5", "3", "100"],
    "tan": ["-1.5", "1e-8", "0.5", "1.2", "1.5"],
    "tanh": ["-300", "-20", "-1", "1e-8", "0.5", "1", "5", "10", "18", "19", "20", "25", "30", "100", "300", "354"],
    "sigmoid": ["-700", "-100", "-30", "-1", "1e-8", "0.5", "1", "10", "30", "36", "37", "40", "100", "700"],
    "sqrt": ["1e-300", "1e-8", "0.5", "2", "1e300"],
    "softplus": ["-700", "-30", "-1", "1e-8", "0.5", "30", "40", "700"],
    "erf": ["-3", "-0.5", "-0.3", "1e-300", "1e-8", "0.1", "0.25", "0.45", "0.4999", "0.5", "0.84375", "1", "1.25", "2", "3", "4", "5.5", "26"],
    "log1p": ["-0.999", "-0.5", "1e-300", "1e-12", "1e-8", "0.5", "1", "1e10", "1e300"],
    "expm1": ["-700", "-30", "-1", "-1e-8", "1e-300", "1e-12", "0.5", "1", "30", "700"],
    "atan": ["-1e10", "-1", "1e-300", "1e-8", "0.5", "1", "2", "1e10", "1e150"],
    "asinh": ["-1e300", "-1e10", "-3", "-1", "1e-300", "1e-8", "0.5", "1", "2", "2.5", "1e5", "3e8", "1e10", "1e154", "1e300"],
}


def partials():
    lines = ["# function argument value derivative second-derivative (60-digit mpmath, printed to %d digits;"
             % DIGITS, "# the second derivative by mpmath.diff of the closed-form first derivative, relative step 1e-30 at 800 digits)"]
    for name, points in PARTIAL_POINTS.items():
        f, df = UNARY[name]
        for text in points:
            a = mpf(float(text))  # the double the test passes, exactly
            with mp.workdps(800):  # a relative step, with digits enough for a = 1e-300 and 1e300 alike
                d2 = mp.diff(df, a, h=abs(a) * mpf("1e-30"))
            lines.append("%s %s %s %s %s" % (name, repr(float(text)), fmt(f(a)), fmt(df(a)), fmt(d2)))
    return lines


# ---------------------------------------------------------------- random programs

class Node:
    """One statement: name = text, with its value and local partials (for the conditioning filter)."""

    def __init__(self, name, text, args, value, partials):
        self.name, self.text, self.args, self.value, self.partials = name, text, args, value, partials


def choose(rng, nodes):
    # favour recent nodes, so that programs are deep as well as wide
    k = len(nodes)
    return nodes[max(0, k - 1 - int(rng.expovariate(0.4)))]


def candidate(rng, nodes):
    """A random operation on earlier nodes: (text, args, value, partials), or None when out of its domain."""
    a = choose(rng, nodes)
    b = choose(rng, nodes)
    x, y = a.value, b.value
    c = rng.choice([0.5, 2, 3, 0.25, 1.5, 10])
    op = rng.choice(["add", "sub", "mul", "div", "neg", "cadd", "cmul", "powc", "pow", "max", "min", "abs"]
                    + list(UNARY) * 2)
    if op == "add":
        return "%s + %s" % (a.name, b.name), [a, b], x + y, [1, 1]
    if op == "sub":
        return "%s - %s" % (a.name, b.name), [a, b], x - y, [1, -1]
    if op == "mul":
        return "%s * %s" % (a.name, b.name), [a, b], x * y, [y, x]
    if op == "div":
        if abs(y) < 0.1:
            return None
        return "%s / %s" % (a.name, b.name), [a, b], x / y, [1 / y, -x / y ** 2]
    if op == "neg":
        return "-%s" % a.name, [a], -x, [-1]
    if op == "cadd":
        return "%s + %r" % (a.name, c), [a], x + mpf(c), [1]
    if op == "cmul":
        return "%r * %s" % (c, a.name), [a], mpf(c) * x, [mpf(c)]
    if op == "powc":
        e = rng.choice([2, 3, 0.5, 1.5, -1])
        if (e != int(e) and x <= 0.1) or (e < 0 and abs(x) < 0.1):
            return None
        return ("%s ^ %r" if e > 0 else "%s ^ (%r)") % (a.name, e), [a], x ** e, [e * x ** (e - 1)]
    if op == "pow":
        if x < 1.5 or abs(y) > 3:
            return None
        return "pow(%s, %s)" % (a.name, b.name), [a, b], x ** y, [y * x ** (y - 1), x ** y * mp.log(x)]
    if op in ("max", "min"):
        if a is b or abs(x - y) < 1e-3 * (abs(x) + abs(y)):
            return None  # no ties: the kink convention is tested elsewhere
        first = (x > y) == (op == "max")
        return "%s(%s, %s)" % (op, a.name, b.name), [a, b], x if first else y, [1, 0] if first else [0, 1]
    if op == "abs":
        if abs(x) < 1e-3:
            return None
        return "abs(%s)" % a.name, [a], abs(x), [mp.sign(x)]
    f, df = UNARY[op]
    if op in ("exp", "expm1") and abs(x) > 5:
        return None
    if op == "log1p" and x < -0.9:
        return None
    if op == "log" and x < 0.05:
        return None
    if op == "sqrt" and x < 0.05:
        return None
    if op == "tan" and abs(x) > 1.3:
        return None
    if op in ("sin", "cos") and abs(x) > 10:
        return None
    return "%s(%s)" % (op, a.name), [a], f(x), [df(x)]


def condition(nodes, inputs):
    """The worst amplification of relative rounding errors into any value or gradient component.

    For a value z_k: sum_i |dz_k/dz_i| |z_i| / |z_k| over the nodes before it (each node's rounding
    is a relative error of its own). For the gradient: the sum of absolute path products over the
    signed one, per input (cancellation among paths is what makes a gradient component ill
    conditioned). Both come from the local partials at 60 digits; they only select programs.
    """
    index = {id(n): k for k, n in enumerate(nodes)}
    worst = mpf(1)
    for k in range(len(nodes)):
        adj = [mpf(0)] * (k + 1)
        absadj = [mpf(0)] * (k + 1)
        adj[k] = absadj[k] = mpf(1)
        for i in range(k, -1, -1):
            for arg, d in zip(nodes[i].args, nodes[i].partials):
                j = index[id(arg)]
                adj[j] += adj[i] * d
                absadj[j] += absadj[i] * abs(d)
        zk = nodes[k].value
        if zk == 0:
            return mp.inf
        worst = max(worst, sum(abs(adj[i] * nodes[i].value) for i in range(k + 1)) / abs(zk))
        if k == len(nodes) - 1:
            for n in inputs:
                j = index[id(n)]
                if absadj[j] != 0:
                    if adj[j] == 0:
                        return mp.inf
                    worst = max(worst, absadj[j] / abs(adj[j]))
    return worst


def random_program(rng, size):
    inputs = []
    for k in range(rng.randint(1, 3)):
        v = mpf(repr(round(rng.uniform(-2, 2), 3)))
        inputs.append(Node("x%d" % (k + 1), None, [], v, []))
    nodes = list(inputs)
    for k in range(size):
        for _ in range(50):
            c = candidate(rng, nodes)
            if c is not None and 1e-4 <= abs(c[2]) <= 1e4:
                nodes.append(Node("z%d" % (k + 1), c[0], c[1], c[2], c[3]))
                break
        else:
            return None
    return inputs, nodes


def evaluate(lines, input_names, xs):
    """Runs the .lag statements (name = expr) at the working precision: every named value."""
    env = {"pow": lambda a, b: a ** b, "max": max, "min": min, "abs": abs}
    env.update({name: f for name, (f, _) in UNARY.items()})
    env.update(dict(zip(input_names, xs)))
    for name, text in lines:
        env[name] = eval(text.replace("^", "**"), {"__builtins__": {}}, env)
    return env


def acyclic(rng, number):
    while True:
        made = random_program(rng, rng.randint(3, 14))
        if made is None:
            continue
        inputs, nodes = made
        if condition(nodes, inputs) > 100:
            continue
        names = [n.name for n in inputs]
        lines = [(n.name, n.text) for n in nodes[len(inputs):]]
        xs = [n.value for n in inputs]
        source = ["# random program %d" % number,
                  "input " + ", ".join("%s = %s" % (n.name, mp.nstr(n.value, 17)) for n in inputs)]
        source += ["%s = %s" % line for line in lines]
        source.append("output " + nodes[-1].name)
        return source, names, lines, xs, None


def cyclic(rng, number):
    """u = implicit(u, u^3 + a u - c) on top of a random acyclic prefix: a cubic with one real root."""
    while True:
        source, names, lines, xs, _ = acyclic(rng, number)
        last = lines[-1][0]
        a = rng.choice([1, 2, 0.5])
        # c = 1 + last^2 keeps the root away from 0
        lines = lines + [("c", "1 + %s * %s" % (last, last)), ("u", None), ("f", "u * u + %s" % last)]
        body = [l for l in source[:-1]]
        body += ["c = 1 + %s * %s" % (last, last), "u = implicit(u, u^3 + %r * u - c)" % a,
                 "init u = 1", "f = u * u + %s" % last, "output f"]
        return body, names, lines, xs, a


def evaluate_with_root(lines, names, xs, a):
    env = {"pow": lambda p, q: p ** q, "max": max, "min": min, "abs": abs}
    env.update({name: f for name, (f, _) in UNARY.items()})
    env.update(dict(zip(names, xs)))
    for name, text in lines:
        if text is None:
            c = env["c"]
            env[name] = mp.findroot(lambda u: u ** 3 + a * u - c, mpf(1))
        else:
            env[name] = eval(text.replace("^", "**"), {"__builtins__": {}}, env)
    return env


def programs(count_acyclic=120, count_cyclic=30, seed=20261204):
    rng = random.Random(seed)
    out = ["# seeded random .lag programs with 50-digit references: 'value NAME V' for every named",
           "# variable, 'gradient INPUT G' from mpmath.diff; made by scripts/make-references.py"]
    for number in range(count_acyclic + count_cyclic):
        made = acyclic(rng, number) if number < count_acyclic else cyclic(rng, number)
        source, names, lines, xs, a = made

        def run(values):
            return evaluate_with_root(lines, names, values, a) if a is not None else evaluate(lines, names, values)

        env = run(xs)
        objective = lines[-1][0]
        out.append("=== program")
        out += source
        out.append("--- references")
        for name in names + [n for n, _ in lines]:
            out.append("value %s %s" % (name, fmt(env[name])))
        for k, name in enumerate(names):
            def f(t, k=k):
                values = list(xs)
                values[k] = t
                return run(values)[objective]
            out.append("gradient %s %s" % (name, fmt(mp.diff(f, xs[k]))))
    return out


def write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    print("wrote", path.relative_to(ROOT), file=sys.stderr)


if __name__ == "__main__":
    write(ROOT / "core/src/test/resources/dev/lagrange/references/partials.txt", partials())
    write(ROOT / "solvers/src/test/resources/dev/lagrange/references/random-programs.txt", programs())
