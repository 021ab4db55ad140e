"""Times scipy.sparse.linalg.spsolve on the policy-evaluation systems written by ScaleComparison.

    (I - gamma P) V = r          values
    (I - gamma P)^T lambda = p0  occupancy = dJ/dr

Usage: python3 spsolve_mdp.py DIRECTORY STEM
Reads STEM.mtx, STEM-r.txt, STEM-p0.txt (and, when present, the Java solution STEM-java-V.txt,
STEM-java-lambda.txt to compare with). Prints one line of key=value pairs.
"""
import sys
import time

import numpy as np
import scipy
import scipy.io
import scipy.sparse.linalg


def main():
    directory, stem = sys.argv[1], sys.argv[2]
    base = directory + "/" + stem
    a = scipy.sparse.csc_matrix(scipy.io.mmread(base + ".mtx"))
    r = np.loadtxt(base + "-r.txt")
    p0 = np.loadtxt(base + "-p0.txt")
    at = scipy.sparse.csc_matrix(a.T)
    start = time.perf_counter()
    v = scipy.sparse.linalg.spsolve(a, r)
    solve = time.perf_counter() - start
    start = time.perf_counter()
    lam = scipy.sparse.linalg.spsolve(at, p0)
    transposed = time.perf_counter() - start
    fields = {"scipy": scipy.__version__, "n": a.shape[0], "nnz": a.nnz,
              "spsolve_s": "%.4f" % solve, "spsolve_transposed_s": "%.4f" % transposed,
              "residual_V": "%.3g" % np.abs(a @ v - r).max(),
              "residual_lambda": "%.3g" % np.abs(at @ lam - p0).max()}
    try:
        fields["max_diff_V"] = "%.3g" % np.abs(np.loadtxt(base + "-java-V.txt") - v).max()
        fields["max_diff_lambda"] = "%.3g" % np.abs(np.loadtxt(base + "-java-lambda.txt") - lam).max()
    except OSError:
        pass
    print(" ".join("%s=%s" % kv for kv in fields.items()), flush=True)


if __name__ == "__main__":
    main()
