package io.trueroi.clv;

import java.util.function.ToDoubleFunction;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Maximises a log-likelihood over positive parameters with Hipparchus's BOBYQA (Powell's
 * derivative-free trust-region method), on their logarithms: every parameter of BG/NBD and
 * Gamma-Gamma is a positive shape or scale, and on the log scale they vary alike, so one trust
 * region fits all. A maximum on the edge of the search box, or none within the evaluations
 * allowed, is reported as not converged rather than returned as a fit.
 *
 * <p>Cost: typically a hundred or two evaluations of the log-likelihood.
 */
final class MaximumLikelihood {
    /** The search box on each log-parameter: e^±12, about 6e−6 to 1.6e5 in the model's units. */
    static final double LOG_BOUND = 12;

    /** Evaluations allowed before the fit is declared not converged. */
    static final int MAX_EVALUATIONS = 20_000;

    private MaximumLikelihood() {}

    /** The maximum found: parameters, log-likelihood, evaluations, and whether it is one. */
    /**
     * The maximum found. {@code atLimit}: the one parameter allowed to ({@code limit}) ran to the
     * top of the search — the likelihood still rising toward a limit model, which the point at the
     * edge stands for.
     */
    record Result(
            double[] parameters,
            double logLikelihood,
            int evaluations,
            boolean converged,
            boolean atLimit,
            String problem) {}

    /**
     * @param names the parameters' names, for the messages
     * @param limit the index of a parameter whose running to +∞ is a limit of the model, not a
     *     failure; −1 for none
     */
    static Result maximise(ToDoubleFunction<double[]> logLikelihood, String[] names, double[] start, int limit) {
        int n = start.length;
        double[] lower = new double[n];
        double[] upper = new double[n];
        double[] logStart = new double[n];
        for (int i = 0; i < n; i++) {
            lower[i] = -LOG_BOUND;
            upper[i] = LOG_BOUND;
            logStart[i] = Math.log(start[i]);
        }
        int[] evaluations = {0};
        ObjectiveFunction objective = new ObjectiveFunction(logs -> {
            evaluations[0]++;
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = Math.exp(logs[i]);
            }
            double ll = logLikelihood.applyAsDouble(p);
            // Outside the model's domain (a log of a negative, an overflow) the point is no maximum.
            return Double.isFinite(ll) ? ll : -Double.MAX_VALUE;
        });
        PointValuePair best;
        try {
            best = new BOBYQAOptimizer(2 * n + 1, 1.0, 1e-10)
                    .optimize(
                            new MaxEval(MAX_EVALUATIONS),
                            objective,
                            GoalType.MAXIMIZE,
                            new InitialGuess(logStart),
                            new SimpleBounds(lower, upper));
        } catch (MathIllegalStateException e) {
            return new Result(start, Double.NaN, evaluations[0], false, false, e.getMessage());
        }
        double[] logs = best.getPoint();
        double[] p = new double[n];
        String problem = null;
        boolean atLimit = false;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logs[i]);
            if (Math.abs(logs[i]) > LOG_BOUND - 1e-3) {
                if (i == limit && logs[i] > 0) {
                    atLimit = true;
                } else {
                    problem = String.format(
                            "%s ran to the edge of the search (%s): the data do not pin it down", names[i], p[i]);
                }
            }
        }
        if (!(best.getValue() > -Double.MAX_VALUE)) {
            problem = "no point of the search had a finite log-likelihood";
        }
        return new Result(p, best.getValue(), evaluations[0], problem == null, atLimit, problem);
    }

    /** The sum of a likelihood's terms over indexes [from, to). */
    interface RangeSum {
        double sum(int from, int to);
    }

    /** Terms summed per fixed chunk of this many, on the driver's cores. */
    static final int CHUNK = 1 << 16;

    /**
     * Σ of the terms [0, n), each chunk of {@link #CHUNK} summed on its own and the chunks added in
     * order: the same sum, to the last bit, however many cores the driver has.
     */
    static double sumInChunks(int n, RangeSum terms) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        double[] sums = java.util.stream.IntStream.range(0, chunks)
                .parallel()
                .mapToDouble(c -> terms.sum(c * CHUNK, Math.min(n, c * CHUNK + CHUNK)))
                .toArray();
        double total = 0;
        for (double s : sums) {
            total += s;
        }
        return total;
    }
}
