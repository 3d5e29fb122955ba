package io.trueroi.bench;

import static org.apache.spark.sql.functions.col;

import io.trueroi.clv.BgNbd;
import io.trueroi.clv.ClvPredictions;
import io.trueroi.clv.ClvSummary;
import io.trueroi.clv.ClvTraining;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The lifetime-value models on the full CDNOW master file (23,570 customers; not a test): its
 * purchases as conversions (one per customer and date, the dollars as net revenue), the
 * pipeline's summary and fits over the 39-week calibration period 1997-01-01..1997-09-30 in
 * weeks, then the 39-week holdout 1997-10-01..1998-06-30: the sum of predicted purchases beside
 * the actual sum, and the mean absolute error per customer beside the naive forecast "each
 * customer repeats their calibration rate" (x / T purchases per week).
 *
 * <pre>jobs/bench-clv --cdnow ../shared/reference/cdnow/CDNOW_master.txt</pre>
 */
public final class CdnowBench {
    static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);
    static final LocalDate HOLDOUT_END = LocalDate.of(1998, 6, 30);

    private CdnowBench() {}

    public static void main(String[] args) throws Exception {
        Path master = Path.of(args.length > 0 ? args[0] : "../shared/reference/cdnow/CDNOW_master.txt");
        Map<String, BigDecimal> byCustomerDay = new HashMap<>();
        Map<String, Set<LocalDate>> holdoutDays = new HashMap<>();
        for (String line : Files.readAllLines(master, StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].matches("\\d+")) {
                continue;
            }
            LocalDate day =
                    LocalDate.parse(f[1].substring(0, 4) + "-" + f[1].substring(4, 6) + "-" + f[1].substring(6, 8));
            if (!day.isAfter(CALIBRATION_END)) {
                byCustomerDay.merge(f[0] + "|" + day, new BigDecimal(f[3]), BigDecimal::add);
            } else if (!day.isAfter(HOLDOUT_END)) {
                holdoutDays.computeIfAbsent(f[0], k -> new HashSet<>()).add(day);
            }
        }
        Path conf = Files.createTempDirectory("trueroi-cdnow").resolve("bench.conf");
        Files.writeString(
                conf,
                "trueroi.warehouse = \"" + conf.getParent().resolve("warehouse") + "\"\n"
                        + "trueroi.spark.master = \"local[*]\"\n"
                        + "trueroi.spark.conf { \"spark.sql.shuffle.partitions\" = \"4\", \"spark.ui.enabled\" = \"false\" }\n");
        SparkSession spark = SparkSessions.create(
                TrueRoiConfig.load(List.of(conf), Map.of("TRUEROI_HASH_KEY", "bench-key-not-a-secret")));
        spark.sparkContext().setLogLevel("WARN");
        List<Row> rows = new ArrayList<>();
        byCustomerDay.forEach((key, dollars) -> {
            String[] k = key.split("\\|");
            rows.add(RowFactory.create(k[0], Date.valueOf(k[1]), dollars));
        });
        Dataset<Row> conversions = spark.createDataFrame(rows, ClvBench.CONVERSIONS);
        Dataset<Row> summary = ClvSummary.build(conversions, CALIBRATION_END).cache();
        long t0 = System.nanoTime();
        ClvTraining.Fit fit = ClvTraining.fit(summary, 7);
        double seconds = (System.nanoTime() - t0) / 1e9;
        BgNbd.Params p = fit.bgNbd().params();
        double weeks = (HOLDOUT_END.toEpochDay() - CALIBRATION_END.toEpochDay()) / 7.0;
        double predictedSum = 0;
        double actualSum = 0;
        double modelError = 0;
        double naiveError = 0;
        long n = 0;
        for (Row r : summary.select("one_id", "frequency", "recency_days", "age_days")
                .collectAsList()) {
            int x = r.getInt(1);
            double recency = r.getInt(2) / 7.0;
            double age = r.getInt(3) / 7.0;
            double predicted = BgNbd.expectedPurchases(p, weeks, x, recency, age);
            double naive = age > 0 ? x / age * weeks : 0;
            int actual = holdoutDays.getOrDefault(r.getString(0), Set.of()).size();
            predictedSum += predicted;
            actualSum += actual;
            modelError += Math.abs(predicted - actual);
            naiveError += Math.abs(naive - actual);
            n++;
        }
        System.out.printf(
                "CDNOW master: %d customers, %d repeat buyers, %d distinct (x, t_x, T); fit %.1f s%n",
                fit.customers(), fit.repeatBuyers(), fit.triples(), seconds);
        System.out.printf(
                "BG/NBD r %.4f alpha %.4f a %.4f b %.4f, log-likelihood %.2f%n",
                p.r(), p.alpha(), p.a(), p.b(), fit.bgNbd().logLikelihood());
        System.out.printf(
                "Gamma-Gamma p %.4f q %.4f v %.4f, log-likelihood %.2f on %d repeat buyers%n",
                fit.gammaGamma().params().p(),
                fit.gammaGamma().params().q(),
                fit.gammaGamma().params().v(),
                fit.gammaGamma().logLikelihood(),
                fit.gammaGamma().customers());
        System.out.printf(
                "holdout %.2f weeks: predicted %.1f purchases, actual %.0f%n", weeks, predictedSum, actualSum);
        System.out.printf(
                "mean absolute error per customer: BG/NBD %.4f, naive (calibration rate) %.4f%n",
                modelError / n, naiveError / n);
        long predicted = ClvPredictions.of(summary, fit, 0.10)
                .filter(col("p_alive").isNotNull())
                .count();
        System.out.printf("predictions written for %d customers%n", predicted);
        spark.stop();
    }
}
