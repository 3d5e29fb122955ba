package io.trueroi.clv;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Each customer's predictions from a {@link ClvTraining.Fit}: P(alive), the expected purchases in
 * the next 90 and 365 days (BG/NBD), the expected value of a purchase (Gamma-Gamma), and the
 * predicted value of the next 365 days, discounted monthly at the annual rate: Σ over months m of
 * (E[Y(m/12 year)] − E[Y((m−1)/12 year)]) × value / (1 + rate)^(m/12).
 *
 * <p>BG/NBD's predictions depend on (x, t_x, T) only, so they are computed once per distinct
 * triple (thirteen Gaussian hypergeometric series each, no built-in function has them) and
 * joined back to the customers; Gamma-Gamma's need each customer's mean repeat value.
 *
 * <p>Cost: one aggregation for the distinct triples, one pass over them, one join back (a shuffle).
 */
public final class ClvPredictions {
    /** The horizons the mart reports, in days. */
    static final int NEAR_DAYS = 90;

    static final int YEAR_DAYS = 365;

    private ClvPredictions() {}

    static final StructType TRIPLE_PREDICTIONS = new StructType()
            .add("frequency", DataTypes.IntegerType)
            .add("recency_days", DataTypes.IntegerType)
            .add("age_days", DataTypes.IntegerType)
            .add("p_alive", DataTypes.DoubleType)
            .add("expected_purchases_90", DataTypes.DoubleType)
            .add("expected_purchases_365", DataTypes.DoubleType)
            .add("discounted_purchases_365", DataTypes.DoubleType);

    /**
     * @param summary a {@link ClvSummary}
     * @return the summary's columns with p_alive, expected_purchases_90, expected_purchases_365,
     *     expected_value_per_purchase (decimal) and predicted_clv_365 (decimal)
     */
    public static Dataset<Row> of(Dataset<Row> summary, ClvTraining.Fit fit, double annualDiscountRate) {
        BgNbd.Params bg = fit.bgNbd().params();
        GammaGamma.Params gg = fit.gammaGamma().params();
        double unit = fit.unitDays();
        MapPartitionsFunction<Row, Row> predict = rows -> {
            List<Row> out = new ArrayList<>();
            while (rows.hasNext()) {
                Row r = rows.next();
                int x = r.getInt(0);
                double recency = r.getInt(1) / unit;
                double age = r.getInt(2) / unit;
                double discounted = 0;
                double before = 0;
                for (int m = 1; m <= 12; m++) {
                    double upTo = BgNbd.expectedPurchases(bg, YEAR_DAYS * m / 12.0 / unit, x, recency, age);
                    discounted += (upTo - before) / Math.pow(1 + annualDiscountRate, m / 12.0);
                    before = upTo;
                }
                out.add(RowFactory.create(
                        r.getInt(0),
                        r.getInt(1),
                        r.getInt(2),
                        BgNbd.probabilityAlive(bg, x, recency, age),
                        BgNbd.expectedPurchases(bg, NEAR_DAYS / unit, x, recency, age),
                        before,
                        discounted));
            }
            return out.iterator();
        };
        Dataset<Row> triples = summary.select("frequency", "recency_days", "age_days")
                .distinct()
                .mapPartitions(predict, Encoders.row(TRIPLE_PREDICTIONS));
        double populationMean = GammaGamma.expectedValue(gg, 0, 0);
        // Gamma-Gamma's conditional mean, p(v + x·m_x) / (px + q − 1) with x·m_x the repeat value;
        // customers it was not fitted on (no repeat purchase, or repeat purchases worth nothing or
        // less after refunds) get the population mean p·v / (q − 1).
        var px = col("frequency").cast("double").multiply(gg.p());
        var value = when(
                        col("frequency").gt(0).and(col("repeat_value").gt(0)),
                        col("repeat_value")
                                .cast("double")
                                .plus(gg.v())
                                .multiply(gg.p())
                                .divide(px.plus(gg.q() - 1)))
                .otherwise(lit(populationMean));
        return summary.join(triples, new String[] {"frequency", "recency_days", "age_days"})
                .withColumn("_value", value)
                .withColumn(
                        "expected_value_per_purchase", bround(col("_value"), 2).cast(ClvSummary.MONEY))
                .withColumn(
                        "predicted_clv_365",
                        bround(col("_value").multiply(col("discounted_purchases_365")), 2)
                                .cast(ClvSummary.MONEY))
                .drop("_value", "discounted_purchases_365");
    }
}
