package io.trueroi.attribution;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_date;
import static org.apache.spark.sql.functions.when;

import io.trueroi.spark.BusinessDate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/**
 * Per-touchpoint credit of one or more models: {@code attribution.credits} rows for every
 * converting journey, one per touch and model.
 *
 * <p>Weights become shares {@code s_i = w_i / Σw}; the conversion credit is the share rounded
 * half-up to 12 decimal places and the revenue credit {@code net_revenue × s_i} (the share taken
 * to 18 places) rounded half-even to the cent. The rounding remainder ({@code 1 − Σ rounded},
 * {@code net_revenue − Σ rounded}) goes to the touch with the largest share, the latest of them on
 * a tie, so every journey's credits sum exactly to 1 and to its net revenue. A converting journey
 * with no touch gets one row with channel {@code (none)} and no touchpoint, holding the whole
 * conversion: revenue nothing touched still appears, and every model's totals equal the
 * conversions' totals. A model with an organic baseline ({@link AttributionModel#hasBaseline})
 * splits each touched conversion over its touches and one {@link #BASELINE} row.
 *
 * <p>Cost: one narrow pass over the converting journeys (no shuffle). The split is one Java
 * function per journey applied to the path's channels and times only, returning (model, touch,
 * credits) for every model; Spark then explodes that with {@code inline} and takes the touch's
 * columns from the journey's own array, so journey and touch strings never leave Spark's row
 * format. The function is a UDF because no built-in does the job at speed: per-touch rules over an
 * array are lambdas in Spark SQL, which Spark 4.2 evaluates interpreted, and there is no built-in for "largest share, latest on a tie".
 */
public final class Credits {
    /** The channel of a conversion no touch preceded. */
    public static final String NO_TOUCH = "(none)";

    /**
     * The channel of the part of a conversion a model keeps for the organic baseline (no touch):
     * its row has touch_index −1 and no touchpoint.
     */
    public static final String BASELINE = "(baseline)";

    /** The touch_index of a {@link #BASELINE} row. */
    static final int BASELINE_INDEX = -1;

    static final String MONEY = "decimal(18,2)";
    static final List<String> COLUMNS = List.of(
            "model",
            "journey_id",
            "conversion_id",
            "one_id",
            "conversion_time",
            "conversion_date",
            "order_channel",
            "touch_index",
            "touchpoint_id",
            "touch_time",
            "touch_date",
            "channel",
            "campaign_id",
            "conversion_credit",
            "revenue_credit");
    private static final List<String> CARRIED =
            List.of("journey_id", "conversion_id", "one_id", "conversion_time", "conversion_date", "order_channel");
    private static final StructType CREDIT = new StructType()
            .add("_m", DataTypes.IntegerType, false)
            .add("_i", DataTypes.IntegerType, false)
            .add("_c", DataTypes.createDecimalType(18, 12), false)
            .add("_r", DataTypes.createDecimalType(18, 2), true);

    private Credits() {}

    public static Dataset<Row> of(Dataset<Row> journeys, AttributionModel model, ZoneId businessZone) {
        return of(journeys, List.of(model), businessZone);
    }

    /** Credits of every model, in one pass over the journeys. */
    public static Dataset<Row> of(Dataset<Row> journeys, List<AttributionModel> models, ZoneId businessZone) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models must not be empty");
        }
        List<String> segmentColumns = models.stream()
                .map(AttributionModel::segmentColumn)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
        if (segmentColumns.size() > 1) {
            throw new IllegalArgumentException("models must share one segment column, cannot be: " + segmentColumns);
        }
        Column segment = segmentColumns.isEmpty()
                ? lit(null).cast("string")
                : col(segmentColumns.get(0)).cast("string");
        UserDefinedFunction split = udf(new Split(models), DataTypes.createArrayType(CREDIT, false));
        List<Column> exploded =
                new ArrayList<>(CARRIED.stream().map(c -> col(c)).toList());
        exploded.add(col("touches"));
        exploded.add(inline(split.apply(
                col("touches.channel"),
                col("touches.touch_time"),
                segment,
                col("net_revenue").cast(MONEY),
                unix_date(col("conversion_date")))));
        // get() is null for the baseline row's index -1, so it has no touchpoint, time or campaign.
        Column touch = expr("get(touches, _i)");
        Column noTouch = size(col("touches")).equalTo(0);
        Column names = array(models.stream().map(m -> lit(m.name().id())).toArray(Column[]::new));
        return journeys.filter(col("converted"))
                .select(exploded.toArray(Column[]::new))
                .select(
                        element_at(names, col("_m").plus(1)).as("model"),
                        col("journey_id"),
                        col("conversion_id"),
                        col("one_id"),
                        col("conversion_time"),
                        col("conversion_date"),
                        col("order_channel"),
                        col("_i").as("touch_index"),
                        touch.getField("touchpoint_id").as("touchpoint_id"),
                        touch.getField("touch_time").as("touch_time"),
                        BusinessDate.of(touch.getField("touch_time"), businessZone)
                                .as("touch_date"),
                        when(noTouch, lit(NO_TOUCH))
                                .when(col("_i").equalTo(BASELINE_INDEX), lit(BASELINE))
                                .otherwise(touch.getField("channel"))
                                .as("channel"),
                        touch.getField("campaign_id").as("campaign_id"),
                        col("_c").as("conversion_credit"),
                        col("_r").as("revenue_credit"));
    }

    /**
     * Splits one journey among its touches for every model: (channels, touch times, segment, net
     * revenue, conversion date in days since 1970-01-01) → (model index, touch index, conversion
     * credit, revenue credit) rows.
     */
    static final class Split implements UDF5<Seq<String>, Seq<Object>, String, BigDecimal, Integer, List<Row>> {
        private static final long serialVersionUID = 1L;
        private static final long UNITS = 1_000_000_000_000L;
        private final List<AttributionModel> models;
        private transient Touches view;
        private transient double[] weights;
        private transient double[] shares;
        private transient long[] units;

        Split(List<AttributionModel> models) {
            this.models = List.copyOf(models);
        }

        @Override
        public List<Row> call(
                Seq<String> channels, Seq<Object> times, String segment, BigDecimal revenue, Integer day) {
            int n = channels == null ? 0 : channels.size();
            List<Row> out = new ArrayList<>(Math.max(1, n) * models.size());
            if (n == 0) {
                for (int m = 0; m < models.size(); m++) {
                    out.add(RowFactory.create(m, 0, BigDecimal.valueOf(UNITS, 12), revenue));
                }
                return out;
            }
            if (view == null || weights.length < n + 1) {
                view = view == null ? new Touches() : view;
                weights = new double[Math.max(n + 1, 16)];
                shares = new double[weights.length];
                units = new long[weights.length];
            }
            view.reset(n, segment);
            view.day(day == null ? Integer.MIN_VALUE : day);
            for (int i = 0; i < n; i++) {
                Object time = times.apply(i);
                if (time == null) {
                    throw new IllegalStateException("a touch has no touch_time (touch " + i + " of " + n + ")");
                }
                view.set(i, channels.apply(i), micros(time));
            }
            long cents = revenue == null
                    ? 0
                    : revenue.setScale(2, RoundingMode.UNNECESSARY)
                            .unscaledValue()
                            .longValueExact();
            for (int m = 0; m < models.size(); m++) {
                AttributionModel model = models.get(m);
                // A model with a baseline splits over the touches and one more part, the baseline's.
                int parts = parts(model, n);
                weights(model, view, false, weights);
                BigDecimal[] conversion = split(UNITS, parts, 12, false);
                BigDecimal[] money = new BigDecimal[parts];
                if (revenue != null) {
                    weights(model, view, true, weights);
                    money = split(cents, parts, 2, true);
                }
                for (int i = 0; i < parts; i++) {
                    out.add(RowFactory.create(m, i < n ? i : BASELINE_INDEX, conversion[i], money[i]));
                }
            }
            return out;
        }

        /** The parts a model splits a journey of {@code n} touches into: its touches, and its baseline if it has one. */
        static int parts(AttributionModel model, int n) {
            return model.hasBaseline() ? n + 1 : n;
        }

        /**
         * Fills {@code weights[0..parts)} with the model's conversion (or revenue) weights of the
         * journey's touches and, after them, its baseline's weight.
         */
        static void weights(AttributionModel model, Touches journey, boolean revenue, double[] weights) {
            if (revenue) {
                model.revenueWeights(journey, weights);
            } else {
                model.conversionWeights(journey, weights);
            }
            if (model.hasBaseline()) {
                weights[journey.size()] = model.baselineWeight(journey);
            }
        }

        /**
         * {@code total} units split by the shares of {@link #weights}, each rounded (revenue: half-even
         * to the cent; conversion: half-up to 12 places), the remainder to the largest share.
         */
        private BigDecimal[] split(long total, int n, int scale, boolean revenue) {
            int at = shares(weights, n, shares);
            long rest = total;
            for (int i = 0; i < n; i++) {
                units[i] = revenue ? revenueCents(total, shares[i]) : creditUnits(shares[i]);
                rest -= units[i];
            }
            units[at] += rest;
            BigDecimal[] out = new BigDecimal[n];
            for (int i = 0; i < n; i++) {
                out[i] = BigDecimal.valueOf(units[i], scale);
            }
            return out;
        }

        /**
         * Shares of the cleaned weights (NaN, infinite, negative count as 0; all zero → equal
         * shares); returns the index of the largest share, the latest on a tie.
         */
        static int shares(double[] weights, int n, double[] shares) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                double w = weights[i];
                shares[i] = Double.isFinite(w) && w > 0 ? w : 0.0;
                total += shares[i];
            }
            int at = 0;
            for (int i = 0; i < n; i++) {
                shares[i] = total > 0 ? shares[i] / total : 1.0 / n;
                if (shares[i] >= shares[at]) {
                    at = i;
                }
            }
            return at;
        }

        /**
         * The share (its shortest decimal form, as {@link Double#toString}) rounded half-up to 12
         * places, in units of 1e-12. In double arithmetic the product {@code share × 1e12} is within
         * 1.2e-4 of the exact value, so away from a tie rounding it gives the same integer; within
         * 1e-3 of a tie the exact decimal rule decides.
         */
        static long creditUnits(double share) {
            double x = share * UNITS;
            if (Math.abs(x - Math.floor(x) - 0.5) < 1e-3) {
                return BigDecimal.valueOf(share)
                        .setScale(12, RoundingMode.HALF_UP)
                        .unscaledValue()
                        .longValueExact();
            }
            return (long) Math.floor(x + 0.5);
        }

        /**
         * {@code cents × share} (the share rounded half-up to 18 places) rounded half-even to a whole
         * cent. Fast path as in {@link #creditUnits}: for |cents| ≤ 1e12 the double product is within
         * 1e-4 of the exact one, so away from a tie it rounds the same.
         */
        static long revenueCents(long cents, double share) {
            double x = cents * share;
            if (Math.abs(x) > 1e12 || Math.abs(x - Math.floor(x) - 0.5) < 1e-3) {
                return BigDecimal.valueOf(cents)
                        .multiply(BigDecimal.valueOf(share).setScale(18, RoundingMode.HALF_UP))
                        .setScale(0, RoundingMode.HALF_EVEN)
                        .longValueExact();
            }
            return (long) Math.floor(x + 0.5);
        }

        static long micros(Object time) {
            if (time instanceof Timestamp ts) {
                return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000L + ts.getNanos() / 1000;
            }
            Instant instant = (Instant) time;
            return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
        }
    }
}
