package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Nnls} against brute force: the constrained least-squares minimum is the unconstrained
 * minimum on some set of variables (the others at 0), so the best feasible one over every subset
 * of the constrained variables is the answer. The subsets' systems are solved here by Gaussian
 * elimination with partial pivoting, not by the EJML solves {@link Nnls} uses.
 */
class NnlsTest {
    @Test
    void equalsTheBestFeasibleSubsetOnRandomProblems() {
        SplittableRandom random = new SplittableRandom(20261207);
        for (int trial = 0; trial < 300; trial++) {
            int k = 1 + random.nextInt(7);
            int n = k + 3 + random.nextInt(20);
            double[][] x = new double[n][k];
            double[] y = new double[n];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < k; j++) {
                    x[r][j] = random.nextDouble() < 0.3 ? 0 : random.nextGaussian();
                }
                y[r] = random.nextGaussian();
            }
            boolean[] constrained = new boolean[k];
            for (int j = 0; j < k; j++) {
                constrained[j] = random.nextDouble() < 0.75;
            }
            double[][] g = gram(x);
            double[] c = xty(x, y);
            double[] expected = bruteForce(g, c, constrained);
            double[] actual = Nnls.solve(g, c, constrained);
            for (int j = 0; j < k; j++) {
                assertTrue(!constrained[j] || actual[j] >= 0, "trial " + trial + ": β" + j + " = " + actual[j]);
            }
            assertEquals(
                    Nnls.objective(g, c, expected),
                    Nnls.objective(g, c, actual),
                    1e-9 * (1 + Math.abs(Nnls.objective(g, c, expected))),
                    "trial " + trial);
            assertArrayEquals(expected, actual, 1e-7, "trial " + trial);
        }
    }

    /**
     * By hand: G = I, c = (1, −2, 3) with all three constrained gives (1, 0, 3); with the second
     * free, (1, −2, 3).
     */
    @Test
    void anIdentityGramClipsTheConstrainedNegativesOnly() {
        double[][] g = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[] c = {1, -2, 3};
        assertArrayEquals(new double[] {1, 0, 3}, Nnls.solve(g, c, new boolean[] {true, true, true}), 0.0);
        assertArrayEquals(new double[] {1, -2, 3}, Nnls.solve(g, c, new boolean[] {true, false, true}), 0.0);
    }

    /**
     * Two collinear columns (the same exposure twice): any split of the coefficient fits alike,
     * and the solver returns one whose sum is the single column's least-squares coefficient.
     */
    @Test
    void collinearTermsShareTheFit() {
        double[][] x = {{1, 1}, {2, 2}, {3, 3}};
        double[] y = {2, 4, 6};
        double[] beta = Nnls.solve(gram(x), xty(x, y), new boolean[] {true, true});
        assertEquals(2, beta[0] + beta[1], 1e-9);
        assertTrue(beta[0] >= 0 && beta[1] >= 0);
    }

    static double[] bruteForce(double[][] g, double[] c, boolean[] constrained) {
        int k = c.length;
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int mask = 0; mask < 1 << k; mask++) {
            boolean[] on = new boolean[k];
            boolean skip = false;
            for (int j = 0; j < k; j++) {
                on[j] = (mask >> j & 1) == 1;
                skip |= !constrained[j] && !on[j];
            }
            if (skip) {
                continue;
            }
            double[] beta = gauss(g, c, on);
            boolean feasible = beta != null;
            for (int j = 0; feasible && j < k; j++) {
                feasible = !constrained[j] || beta[j] >= -1e-12;
            }
            if (feasible && Nnls.objective(g, c, beta) < bestValue - 1e-12) {
                bestValue = Nnls.objective(g, c, beta);
                best = beta;
            }
        }
        return best;
    }

    /** The solution of G_PP β_P = c_P by Gaussian elimination; null if singular. */
    static double[] gauss(double[][] g, double[] c, boolean[] on) {
        int k = c.length;
        int[] at = new int[k];
        int n = 0;
        for (int j = 0; j < k; j++) {
            if (on[j]) {
                at[n++] = j;
            }
        }
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = g[at[i]][at[j]];
            }
            a[i][n] = c[at[i]];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                pivot = Math.abs(a[r][col]) > Math.abs(a[pivot][col]) ? r : pivot;
            }
            if (Math.abs(a[pivot][col]) < 1e-10) {
                return null;
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int j = col; j <= n; j++) {
                        a[r][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[] beta = new double[k];
        for (int i = 0; i < n; i++) {
            beta[at[i]] = a[i][n] / a[i][i];
        }
        return beta;
    }

    static double[][] gram(double[][] x) {
        int k = x[0].length;
        double[][] g = new double[k][k];
        for (double[] row : x) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    g[i][j] += row[i] * row[j];
                }
            }
        }
        return g;
    }

    static double[] xty(double[][] x, double[] y) {
        double[] c = new double[x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < c.length; j++) {
                c[j] += x[r][j] * y[r];
            }
        }
        return c;
    }
}
