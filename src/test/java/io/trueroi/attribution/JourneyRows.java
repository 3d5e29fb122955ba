package io.trueroi.attribution;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Hand-built {@code journey.journeys} rows (same schema as the journeys job writes). */
final class JourneyRows {
    static final StructType TOUCH = new StructType()
            .add("touch_time", DataTypes.TimestampType)
            .add("channel", DataTypes.StringType)
            .add("campaign_id", DataTypes.StringType)
            .add("touchpoint_id", DataTypes.StringType);
    static final StructType SCHEMA = new StructType()
            .add("journey_id", DataTypes.StringType)
            .add("one_id", DataTypes.StringType)
            .add("conversion_id", DataTypes.StringType)
            .add("converted", DataTypes.BooleanType)
            .add("conversion_time", DataTypes.TimestampType)
            .add("conversion_date", DataTypes.DateType)
            .add("order_channel", DataTypes.StringType)
            .add("net_revenue", DataTypes.createDecimalType(18, 2))
            .add("touches", DataTypes.createArrayType(TOUCH))
            .add("path_length", DataTypes.IntegerType);

    private final List<Row> rows = new ArrayList<>();

    /**
     * A journey ending at {@code end} (the conversion time, or the last touch for a non-converting
     * one); touches as "channel@days before end", e.g. "a@14, Direct@7, b@0". Touch ids are
     * {@code <journey>#<index>}.
     */
    JourneyRows add(String id, boolean converted, String orderChannel, String netRevenue, String end, String touches) {
        Instant t = Instant.parse(end);
        List<Row> list = new ArrayList<>();
        if (!touches.isBlank()) {
            for (String spec : touches.split(",")) {
                String[] p = spec.trim().split("@");
                Instant at = t.minus(Math.round(Double.parseDouble(p[1]) * 86_400), ChronoUnit.SECONDS);
                list.add(RowFactory.create(Timestamp.from(at), p[0], "cmp_" + p[0], id + "#" + list.size()));
            }
        }
        rows.add(RowFactory.create(
                id,
                "oid_" + id,
                converted ? "conv_" + id : null,
                converted,
                converted ? Timestamp.from(t) : null,
                converted ? Date.valueOf(end.substring(0, 10)) : null,
                converted ? orderChannel : null,
                new BigDecimal(converted ? netRevenue : "0.00"),
                list,
                list.size()));
        return this;
    }

    /** {@code n} copies of a journey, ids suffixed with their number. */
    JourneyRows times(
            int n, String id, boolean converted, String orderChannel, String netRevenue, String end, String touches) {
        for (int i = 0; i < n; i++) {
            add(id + i, converted, orderChannel, netRevenue, end, touches);
        }
        return this;
    }

    Dataset<Row> dataset(SparkSession spark) {
        return spark.createDataFrame(rows, SCHEMA);
    }
}
