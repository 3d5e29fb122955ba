package io.trueroi.attribution;

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
 * The incremental fit's floor (not a test): the same persons the nightly fit reads, collected to
 * the driver, then on one core the plain loop over their exposed person-days ({@link PersonSums})
 * and, apart, the adds of each person's sums to their fold and every bootstrap replicate. What the
 * fit's Spark step costs above these two is shuffle, serialisation and scheduling.
 *
 * <pre>java ... io.trueroi.attribution.IncrementalFloorBench CONF TO</pre>
 *
 * CONF a config whose warehouse holds a night (jobs/bench leaves bench-N.conf beside it), TO the
 * night's last date.
 */
public final class IncrementalFloorBench {
    private IncrementalFloorBench() {}

    public static void main(String[] args) {
        TrueRoiConfig config = TrueRoiConfig.load(
                List.of(Path.of("conf/local.conf"), Path.of(args[0])),
                Map.of("TRUEROI_HASH_KEY", "bench-key-not-a-secret"));
        LocalDate to = LocalDate.parse(args[1]);
        Warehouse w = SparkSessions.warehouse(config);
        var a = config.attribution();
        IncrementalTraining.Settings settings = new IncrementalTraining.Settings(
                a.incrementalTrainingWindowDays(),
                a.incrementalExposureWindowDays(),
                a.incrementalHalfLifeDays(),
                a.incrementalTerms());
        FitInputs in = FitInputs.read(w, settings, to);
        ExposureTerms terms = IncrementalTraining.terms(settings, in.channels().size(), List.of());
        List<Row> persons = in.persons();
        int days = in.days();
        LocalDate from = in.from();
        PersonSums person = new PersonSums(terms, (int) from.toEpochDay(), days);
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            List<PersonSums.Entries> entries = new ArrayList<>(persons.size());
            double exposedDays = 0;
            for (Row r : persons) {
                PersonSums.Entries e = IncrementalTraining.entries(person, r.getList(2));
                if (e != null) {
                    entries.add(e);
                    exposedDays += Math.scalb((double) e.units[PersonSums.EXPOSED_DAYS], -ExactSums.FRACTION_BITS);
                }
            }
            long t1 = System.nanoTime();
            Bootstrap bootstrap = Bootstrap.poisson(a.intervalReplicates());
            int width = PersonSums.width(terms.size());
            ExactSums acc = new ExactSums((IncrementalSpecs.FOLDS + bootstrap.replicates()) * width);
            int[] counts = new int[bootstrap.replicates()];
            for (Row r : persons) {
                IncrementalTraining.add(acc, person, r, width, bootstrap, counts);
            }
            long t2 = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %d persons, %.0f exposed person-days, %d terms; loop %.2f s (%.0f person-days/s on one"
                            + " core); loop + adds to %d folds and %d replicates %.2f s%n",
                    round,
                    entries.size(),
                    exposedDays,
                    terms.size(),
                    (t1 - t0) / 1e9,
                    exposedDays / ((t1 - t0) / 1e9),
                    IncrementalSpecs.FOLDS,
                    bootstrap.replicates(),
                    (t2 - t1) / 1e9);
        }
        w.spark().stop();
    }
}
