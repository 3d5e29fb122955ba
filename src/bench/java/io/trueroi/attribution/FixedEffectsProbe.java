package io.trueroi.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueroi.config.IncrementalTerms;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * A probe (not a test): on a world that {@code jobs/bench --evaluate} left, the incremental fit's
 * specifications fitted pooled (as the job does: exposed days against the unexposed days' rate)
 * and within persons (each person's own mean taken out of every day, so whatever is constant per
 * person — organic demand, how many of their purchases the pipeline can tie — drops out). Prints
 * each fit's channel shares of the expected lost conversions, {@code Σ_days drop_c}, against the
 * truth's shares.
 *
 * <pre>java ... io.trueroi.attribution.FixedEffectsProbe WORLD_DIR TO [MAX_PAIRS]</pre>
 */
public final class FixedEffectsProbe {
    private FixedEffectsProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        LocalDate to = LocalDate.parse(args[1]);
        int maxPairs = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        TrueRoiConfig config = TrueRoiConfig.load(
                List.of(Path.of("conf/local.conf"), dir.resolve("bench.conf"), dir.resolve("raw/channels.conf")),
                Map.of("TRUEROI_HASH_KEY", "bench-evaluate-key-0001"));
        Warehouse w = SparkSessions.warehouse(config);
        var a = config.attribution();
        IncrementalTerms t0 = a.incrementalTerms();
        IncrementalTraining.Settings settings = new IncrementalTraining.Settings(
                a.incrementalTrainingWindowDays(),
                a.incrementalExposureWindowDays(),
                a.incrementalHalfLifeDays(),
                new IncrementalTerms(true, t0.halfLivesDays(), 200, maxPairs, List.of(0.03), 2));
        FitInputs in = FitInputs.read(w, settings, to);
        List<String> channels = in.channels();
        ExposureTerms terms = IncrementalTraining.terms(
                settings,
                channels.size(),
                IncrementalTraining.pairs(in.window(), in.touches(), channels, settings.terms()));
        List<Row> persons = in.persons();
        int days = in.days();
        LocalDate from = in.from();
        int f = terms.size();
        int width = PersonSums.width(f);
        double[] pooled = new double[width];
        double[] corrXx = new double[f * f];
        double[] corrXy = new double[f];
        PersonSums person = new PersonSums(terms, (int) from.toEpochDay(), days);
        for (Row r : persons) {
            PersonSums.Entries e = IncrementalTraining.entries(person, r.getList(2));
            if (e == null) {
                continue;
            }
            double[] sx = new double[f];
            double y = 0;
            for (int i = 0; i < e.n; i++) {
                double v = Math.scalb((double) e.units[i], -ExactSums.FRACTION_BITS);
                pooled[e.index[i]] += v;
                if (e.index[i] >= PersonSums.HEAD && e.index[i] < PersonSums.HEAD + f) {
                    sx[e.index[i] - PersonSums.HEAD] = v;
                } else if (e.index[i] == PersonSums.PURCHASES) {
                    y = v;
                }
            }
            for (int i = 0; i < f; i++) {
                if (sx[i] == 0) {
                    continue;
                }
                corrXy[i] += sx[i] * y / days;
                for (int j = 0; j < f; j++) {
                    corrXx[i * f + j] += sx[i] * sx[j] / days;
                }
            }
        }
        JsonNode truth =
                new ObjectMapper().readTree(dir.resolve("raw/ground_truth.json").toFile());
        System.out.printf("%s: %d persons, %d terms, pairs %s%n", dir, persons.size(), f, pairsOf(terms, channels));
        for (IncrementalSpecs.Spec spec : IncrementalSpecs.candidates(terms, new double[] {0.03})) {
            double[] thetaPooled = IncrementalSpecs.fit(spec, pooled, f);
            double[] thetaWithin = within(spec, pooled, corrXx, corrXy, f);
            report(spec.name() + " pooled", thetaPooled, pooled, terms, channels, truth);
            report(spec.name() + " within", thetaWithin, pooled, terms, channels, truth);
        }
    }

    private static String pairsOf(ExposureTerms terms, List<String> channels) {
        StringBuilder b = new StringBuilder();
        for (int[] p : terms.pairs()) {
            b.append(channels.get(p[0]))
                    .append(" x ")
                    .append(channels.get(p[1]))
                    .append("; ");
        }
        return b.toString();
    }

    /** The spec fitted on within-person sums: Σxx − Σ_p sx·sxᵀ/T, Σxy − Σ_p sx·Y/T. */
    private static double[] within(IncrementalSpecs.Spec spec, double[] s, double[] corrXx, double[] corrXy, int f) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < f; i++) {
            if (spec.terms()[i]) {
                at.add(i);
            }
        }
        int n = at.size();
        double[][] g = new double[n][n];
        double[] c = new double[n];
        boolean[] constrained = new boolean[n];
        for (int i = 0; i < n; i++) {
            int a = at.get(i);
            for (int j = 0; j < n; j++) {
                int b = at.get(j);
                g[i][j] = s[PersonSums.sumXx(f, a, b)] - corrXx[a * f + b];
            }
            if (!spec.constrained()[a]) {
                g[i][i] *= 1 + spec.ridge();
            }
            c[i] = s[PersonSums.sumXy(f, a)] - corrXy[a];
            constrained[i] = spec.constrained()[a];
        }
        double[] solved = Nnls.solve(g, c, constrained);
        double[] theta = new double[f];
        for (int i = 0; i < n; i++) {
            theta[at.get(i)] = solved[i];
        }
        return theta;
    }

    /** Shares of Σ_days drop_c (from Σx) over the truth's channels, against the truth's shares. */
    private static void report(
            String name, double[] theta, double[] s, ExposureTerms t, List<String> channels, JsonNode truth) {
        int f = theta.length;
        double[] lost = new double[channels.size()];
        for (int i = 0; i < f; i++) {
            double v = theta[i] * s[PersonSums.sumX(i)];
            if (t.isSynergy(i)) {
                int p = i - t.synergyTerm(0);
                lost[t.pairChannel(p, 0)] += v;
                lost[t.pairChannel(p, 1)] += v;
            } else {
                lost[t.channelOf(i)] += v;
            }
        }
        double total = 0;
        List<String> names = new ArrayList<>();
        truth.get("channels").fieldNames().forEachRemaining(names::add);
        for (String c : names) {
            total += channels.contains(c) ? lost[channels.indexOf(c)] : 0;
        }
        StringBuilder b = new StringBuilder();
        double mae = 0;
        for (String c : names) {
            double share = channels.contains(c) ? lost[channels.indexOf(c)] / total : 0;
            double truthShare =
                    truth.get("channels").get(c).get("conversion_share").asDouble();
            mae += Math.abs(share - truthShare) / names.size();
            b.append(String.format(
                    Locale.ROOT,
                    " %s %.0f (%+.0f%%);",
                    c.split(" ")[0],
                    lost[channels.indexOf(c)],
                    100 * (share / truthShare - 1)));
        }
        double synergy = 0;
        for (int p = 0; p < t.pairCount(); p++) {
            synergy += theta[t.synergyTerm(p)];
        }
        System.out.printf(Locale.ROOT, "  %-40s MAE %.4f synergy θ %.5f |%s%n", name, mae, synergy, b);
    }
}
