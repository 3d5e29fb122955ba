package io.trueroi.attribution;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Least squares with sign constraints, from the normal equations: minimises {@code ½ βᵀGβ − βᵀc}
 * subject to {@code β_i ≥ 0} for every constrained i, the others free. Lawson and Hanson's active
 * set method (Solving Least Squares Problems, 1974, ch. 23) in its Gram form, free variables kept in
 * the passive set from the start: exact up to the Cholesky solves, deterministic, and finite (each
 * step lowers the objective and no passive set repeats). Hipparchus's constrained optimisers
 * (ADMM, SQP) stop at a tolerance; the fit's credits must not move with one.
 *
 * <p>Cost: at most a few passes per constrained variable, each one Cholesky solve of the passive
 * set (k³/3 for k variables): microseconds for the model's tens of terms.
 */
final class Nnls {
    /** Sweeps of the outer loop per variable before the solve gives up (never reached in practice). */
    private static final int MAX_SWEEPS = 10;

    private Nnls() {}

    /**
     * @param g the Gram matrix XᵀX (k × k, symmetric positive semi-definite), row-major
     * @param c Xᵀy
     * @param constrained which β must be non-negative
     */
    static double[] solve(double[][] g, double[] c, boolean[] constrained) {
        int k = c.length;
        double[] beta = new double[k];
        boolean[] passive = new boolean[k];
        for (int i = 0; i < k; i++) {
            passive[i] = !constrained[i];
        }
        double tolerance = 1e-12 * scale(g, c);
        if (anyPassive(passive)) {
            beta = feasible(g, c, constrained, passive, beta);
        }
        for (int sweep = 0; sweep < MAX_SWEEPS * (k + 1); sweep++) {
            double[] gradient = gradient(g, c, beta);
            int enter = -1;
            for (int i = 0; i < k; i++) {
                if (!passive[i] && gradient[i] > tolerance && (enter < 0 || gradient[i] > gradient[enter])) {
                    enter = i;
                }
            }
            if (enter < 0) {
                return beta;
            }
            passive[enter] = true;
            double[] next = feasible(g, c, constrained, passive, beta);
            if (Arrays.equals(next, beta)) {
                // The entering variable could not move (a singular direction): it stays at 0.
                passive[enter] = false;
                return beta;
            }
            beta = next;
        }
        throw new ArithmeticException("sign-constrained least squares did not converge in " + MAX_SWEEPS * (k + 1)
                + " steps over " + k + " terms");
    }

    /**
     * The inner loop: solve on the passive set; while a constrained passive value is not positive,
     * step from {@code from} toward the solve as far as stays feasible and drop the variables that
     * reach 0.
     */
    private static double[] feasible(
            double[][] g, double[] c, boolean[] constrained, boolean[] passive, double[] from) {
        double[] beta = from.clone();
        while (true) {
            double[] z = solvePassive(g, c, passive);
            double step = 1;
            int blocking = -1;
            for (int i = 0; i < z.length; i++) {
                if (passive[i] && constrained[i] && z[i] <= 0) {
                    double t = beta[i] <= 0 ? 0 : beta[i] / (beta[i] - z[i]);
                    if (blocking < 0 || t < step) {
                        step = t;
                        blocking = i;
                    }
                }
            }
            if (blocking < 0) {
                return z;
            }
            for (int i = 0; i < z.length; i++) {
                beta[i] += step * (z[i] - beta[i]);
                if (passive[i] && constrained[i] && (i == blocking || beta[i] <= 0)) {
                    passive[i] = false;
                    beta[i] = 0;
                }
            }
        }
    }

    /** The unconstrained solution on the passive variables, 0 elsewhere (pseudo-inverse if singular). */
    static double[] solvePassive(double[][] g, double[] c, boolean[] passive) {
        int k = c.length;
        int[] at = new int[k];
        int n = 0;
        for (int i = 0; i < k; i++) {
            if (passive[i]) {
                at[n++] = i;
            }
        }
        double[] z = new double[k];
        if (n == 0) {
            return z;
        }
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        DMatrixRMaj b = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a.set(i, j, g[at[i]][at[j]]);
            }
            b.set(i, 0, c[at[i]]);
        }
        DMatrixRMaj x = new DMatrixRMaj(n, 1);
        LinearSolverDense<DMatrixRMaj> cholesky = LinearSolverFactory_DDRM.symmPosDef(n);
        if (cholesky.setA(a.copy())) {
            cholesky.solve(b, x);
        } else {
            LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
            pinv.setA(a.copy());
            pinv.solve(b, x);
        }
        for (int i = 0; i < n; i++) {
            z[at[i]] = x.get(i, 0);
        }
        return z;
    }

    /** c − Gβ: the direction in which the objective falls. */
    static double[] gradient(double[][] g, double[] c, double[] beta) {
        double[] w = c.clone();
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w.length; j++) {
                w[i] -= g[i][j] * beta[j];
            }
        }
        return w;
    }

    /** ½ βᵀGβ − βᵀc. */
    static double objective(double[][] g, double[] c, double[] beta) {
        double v = 0;
        for (int i = 0; i < c.length; i++) {
            double gb = 0;
            for (int j = 0; j < c.length; j++) {
                gb += g[i][j] * beta[j];
            }
            v += beta[i] * (0.5 * gb - c[i]);
        }
        return v;
    }

    private static double scale(double[][] g, double[] c) {
        double s = 0;
        for (int i = 0; i < c.length; i++) {
            s = Math.max(s, Math.abs(c[i]));
            s = Math.max(s, Math.abs(g[i][i]));
        }
        return s == 0 ? 1 : s;
    }

    private static boolean anyPassive(boolean[] passive) {
        for (boolean p : passive) {
            if (p) {
                return true;
            }
        }
        return false;
    }
}
