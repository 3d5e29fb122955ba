package io.trueroi.attribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.data.DMatrixSparseTriplet;
import org.ejml.interfaces.linsol.LinearSolverSparse;
import org.ejml.ops.DConvertMatrixStruct;
import org.ejml.sparse.FillReducing;
import org.ejml.sparse.csc.factory.LinearSolverFactory_DSCC;
import org.ojalgo.equation.Equation;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.matrix.task.iterative.GaussSeidelSolver;
import org.ojalgo.type.context.NumberContext;

/**
 * Markov-chain removal-effect attribution, solved exactly.
 *
 * <p>States: (start), one per channel k-tuple for order k (the last k channels; in a path's first
 * k−1 steps, the shorter tuple of the channels so far), and the absorbing (conversion) and
 * (null). Transition probabilities are path counts: each path adds its journeys
 * (conversions + nulls) to every transition along it, its conversions to last state → (conversion)
 * and its nulls to last state → (null); a path with no channel goes from (start) straight to its
 * end. P(conversion | start) solves {@code (I − Q) p = r} over the transient states, with Q the
 * transient transitions and r the transitions into (conversion); the expected value solves the
 * same system with each converting path's value attached to its transition into (conversion).
 * Both are sparse LU solves (EJML), deterministic, no simulation.
 *
 * <p>Removing channel c sends every transition into a state that contains c to (null):
 * {@code RE(c) = 1 − P_without_c / P}, and likewise for value. Shares are {@code RE(c) / Σ RE}
 * and attributed conversions (value) are shares × total conversions (value). Defined results
 * where a ratio would be undefined: no conversions (P = 0), or every RE zero, give zero removal
 * effects, shares and credit, never NaN.
 *
 * <p>Cost: one pass over the paths to count transitions; one sparse factorisation per channel
 * plus one, each on a matrix with a row per state.
 */
public final class MarkovRemovalEffect {
    /** Removal effect, share and credit of one channel. */
    public record ChannelResult(
            String channel,
            double removalEffect,
            double share,
            double conversions,
            double valueRemovalEffect,
            double valueShare,
            double value) {}

    /** One fitted transition, for inspection. */
    public record Transition(String from, String to, double probability) {}

    /** A fitted model. */
    public record Result(
            int order,
            double conversionProbability,
            double expectedValue,
            double totalConversions,
            double totalValue,
            Map<String, ChannelResult> channels,
            List<Transition> transitions) {}

    /** Systems up to this many states are solved by sparse LU, larger ones iteratively. */
    static final int DIRECT_MAX_STATES = 1_000;

    static final int ITERATIONS_MAX = 100_000;
    static final double RESIDUAL_MAX = 1e-9;

    private MarkovRemovalEffect() {}

    /** Fits the chain of these path aggregates. */
    public static Result fit(List<PathCount> paths, int order) {
        return fit(MarkovChain.fromPaths(paths, order));
    }

    public static Result fit(MarkovChain chain) {
        return fit(chain, DIRECT_MAX_STATES);
    }

    /** With the size up to which systems are solved directly (tests compare both solvers). */
    static Result fit(MarkovChain chain, int directMaxStates) {
        Solver solver = new Solver(chain, directMaxStates);
        double[] base = solver.solve(-1);
        List<String> names = new ArrayList<>(new TreeSet<>(chain.channels()));
        double[] re = new double[names.size()];
        double[] reValue = new double[names.size()];
        for (int i = 0; i < names.size(); i++) {
            double[] without = solver.solve(chain.channelId(names.get(i)));
            re[i] = removal(base[0], without[0]);
            reValue[i] = removal(base[1], without[1]);
        }
        double sum = Arrays.stream(re).sum();
        double sumValue = Arrays.stream(reValue).sum();
        Map<String, ChannelResult> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            double share = sum > 0 ? re[i] / sum : 0;
            double valueShare = sumValue > 0 ? reValue[i] / sumValue : 0;
            out.put(
                    names.get(i),
                    new ChannelResult(
                            names.get(i),
                            re[i],
                            share,
                            share * chain.totalConversions(),
                            reValue[i],
                            valueShare,
                            valueShare * chain.totalValue()));
        }
        return new Result(
                chain.order(), base[0], base[1], chain.totalConversions(), chain.totalValue(), out, transitions(chain));
    }

    /** 1 − without/with, kept in [0, 1] (rounding can leave a hair outside); 0 when with is 0. */
    static double removal(double with, double without) {
        if (!(with > 0)) {
            return 0;
        }
        return Math.min(1, Math.max(0, 1 - without / with));
    }

    /**
     * The absorbing chain as arrays, solved with everything kept or with one channel's states
     * removed. Removed states are dropped from the system rather than zeroed: a transition into one
     * goes to (null), which contributes nothing to either right-hand side, and the smaller matrix
     * factorises faster.
     */
    static final class Solver {
        private final int n;
        private final int[] from;
        private final int[] to;
        private final double[] p;
        private final double[] toConversion;
        private final double[] value;
        private final MarkovChain chain;
        private final int directMaxStates;

        Solver(MarkovChain chain, int directMaxStates) {
            this.chain = chain;
            this.directMaxStates = directMaxStates;
            n = chain.states();
            Map<Long, double[]> q = chain.transitionCounts();
            from = new int[q.size()];
            to = new int[q.size()];
            p = new double[q.size()];
            int i = 0;
            for (Map.Entry<Long, double[]> e : q.entrySet()) {
                from[i] = (int) (e.getKey() >>> 32);
                to[i] = (int) (e.getKey() & 0xffffffffL);
                p[i] = e.getValue()[0] / chain.end(from[i])[3];
                i++;
            }
            toConversion = new double[n];
            value = new double[n];
            for (int s = 0; s < n; s++) {
                double[] e = chain.end(s);
                if (e[3] > 0) {
                    toConversion[s] = e[0] / e[3];
                    value[s] = e[2] / e[3];
                }
            }
        }

        /** {P(conversion | start), expected value from start}, without a channel (id) or none (-1). */
        double[] solve(int removedChannel) {
            int[] index = new int[n];
            int m = 0;
            for (int s = 0; s < n; s++) {
                index[s] = s == 0 || !contains(chain.tuple(s), removedChannel) ? m++ : -1;
            }
            double[] diagonal = new double[m];
            Arrays.fill(diagonal, 1.0);
            double[] rhsConversion = new double[m];
            double[] rhsValue = new double[m];
            for (int s = 0; s < n; s++) {
                if (index[s] >= 0) {
                    rhsConversion[index[s]] = toConversion[s];
                    rhsValue[index[s]] = value[s];
                }
            }
            for (int i = 0; i < from.length; i++) {
                int f = index[from[i]];
                if (f >= 0 && f == index[to[i]]) {
                    diagonal[f] -= p[i]; // a repeated channel's self-loop
                }
            }
            return m <= directMaxStates
                    ? direct(index, m, diagonal, rhsConversion, rhsValue)
                    : iterative(index, m, diagonal, rhsConversion, rhsValue);
        }

        /** Sparse LU (EJML): exact to rounding; fill-in makes it the slower choice past a few thousand states. */
        private double[] direct(int[] index, int m, double[] diagonal, double[] rhsConversion, double[] rhsValue) {
            DMatrixSparseTriplet a = new DMatrixSparseTriplet(m, m, from.length + m);
            for (int i = 0; i < from.length; i++) {
                int f = index[from[i]];
                int t = index[to[i]];
                if (f >= 0 && t >= 0 && f != t) { // out of a removed state is unreachable; into one goes to (null)
                    a.addItem(f, t, -p[i]);
                }
            }
            DMatrixRMaj b = new DMatrixRMaj(m, 2);
            for (int s = 0; s < m; s++) {
                a.addItem(s, s, diagonal[s]);
                b.set(s, 0, rhsConversion[s]);
                b.set(s, 1, rhsValue[s]);
            }
            DMatrixSparseCSC matrix = DConvertMatrixStruct.convert(a, (DMatrixSparseCSC) null);
            LinearSolverSparse<DMatrixSparseCSC, DMatrixRMaj> solver = LinearSolverFactory_DSCC.lu(FillReducing.NONE);
            if (!solver.setA(matrix)) {
                throw new IllegalStateException(
                        "the absorbing chain's system is singular (a state never reaches an end)");
            }
            DMatrixRMaj x = new DMatrixRMaj(m, 2);
            solver.solve(b, x);
            return new double[] {x.get(0, 0), x.get(0, 1)};
        }

        /**
         * Gauss-Seidel (ojAlgo) to a relative residual of 1e-12, checked afterwards. It converges
         * because every state of an absorbing chain built from finite paths reaches an end (the
         * spectral radius of Q is below 1); rows are swept from the last-numbered state back, since
         * states are numbered in path order and each row needs its successors' values.
         */
        private double[] iterative(int[] index, int m, double[] diagonal, double[] rhsConversion, double[] rhsValue) {
            List<Equation> rows = new ArrayList<>(m);
            Equation[] byState = new Equation[m];
            for (int s = m - 1; s >= 0; s--) {
                byState[s] = Equation.sparse(s, m);
                byState[s].set(s, diagonal[s]);
                rows.add(byState[s]);
            }
            for (int i = 0; i < from.length; i++) {
                int f = index[from[i]];
                int t = index[to[i]];
                if (f >= 0 && t >= 0 && f != t) {
                    byState[f].set(t, -p[i]);
                }
            }
            double[] out = new double[2];
            double[][] rhs = {rhsConversion, rhsValue};
            for (int k = 0; k < 2; k++) {
                GaussSeidelSolver solver = new GaussSeidelSolver();
                solver.configurator().accuracy(NumberContext.of(14)).iterations(ITERATIONS_MAX);
                for (int s = 0; s < m; s++) {
                    byState[s].setRHS(rhs[k][s]);
                }
                R064Store x = R064Store.FACTORY.make(m, 1);
                solver.resolve(rows, x);
                double residual = 0;
                double norm = 0;
                for (int s = 0; s < m; s++) {
                    residual = Math.max(residual, Math.abs(byState[s].dot(x) - rhs[k][s]));
                    norm = Math.max(norm, Math.abs(rhs[k][s]));
                }
                if (residual > RESIDUAL_MAX * Math.max(norm, 1e-300) && norm > 0) {
                    throw new IllegalStateException(String.format(
                            "the absorbing chain did not converge in %d iterations: relative residual %.3g",
                            ITERATIONS_MAX, residual / norm));
                }
                out[k] = x.doubleValue(0);
            }
            return out;
        }

        private static boolean contains(int[] tuple, int channel) {
            for (int c : tuple) {
                if (c == channel) {
                    return true;
                }
            }
            return false;
        }
    }

    static List<Transition> transitions(MarkovChain chain) {
        Map<String, Transition> sorted = new TreeMap<>();
        for (Map.Entry<Long, double[]> e : chain.transitionCounts().entrySet()) {
            int from = (int) (e.getKey() >>> 32);
            int to = (int) (e.getKey() & 0xffffffffL);
            String f = chain.stateName(from);
            String t = chain.stateName(to);
            sorted.put(f + "\u0000" + t, new Transition(f, t, e.getValue()[0] / chain.end(from)[3]));
        }
        for (int s = 0; s < chain.states(); s++) {
            double[] e = chain.end(s);
            String f = chain.stateName(s);
            if (e[0] > 0) {
                sorted.put(
                        f + "\u0000" + MarkovChain.CONVERSION, new Transition(f, MarkovChain.CONVERSION, e[0] / e[3]));
            }
            if (e[1] > 0) {
                sorted.put(f + "\u0000" + MarkovChain.NULL, new Transition(f, MarkovChain.NULL, e[1] / e[3]));
            }
        }
        return List.copyOf(sorted.values());
    }
}
