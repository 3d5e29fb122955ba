package io.trueroi.ingest;

import static io.trueroi.testing.PlanAssert.assertOccurs;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.testing.PlanAssert;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checked value is parsed once per line, not once per check that reads it (see {@link BaseReader}).
 * Counted in the plans Spark builds, on lines it never has to read: a regression shows up as a
 * count above one. Run against the code before the change (b66ea3b), both tests fail: the ad
 * clicks' plan held the click time's epoch parse 10 times (the output, and every instant check in
 * the reject code and in its detail), and {@link Parse#id}'s generated code trimmed 13 times.
 */
@Tag(PlanAssert.TAG)
@ExtendWith(SharedSpark.class)
class ParseOnceTest {
    @TempDir
    static Path tmp;

    @Test
    void theAdClicksTimeIsParsedOnce(SparkSession spark) {
        TrueRoiConfig config = new TestWorld(tmp).config("");
        ReaderContext context = new ReaderContext(
                config.ingest(),
                config.businessTimeZone(),
                new Pii(config.hashKey(), config.ingest().defaultPhoneRegion()));
        Dataset<Row> lines = spark.createDataFrame(spark.emptyDataFrame().toJavaRDD(), RawLines.SCHEMA);
        String plan = new AdClicksReader()
                .parse(lines, context)
                .queryExecution()
                .optimizedPlan()
                .toString();
        assertOccurs(1, "timestamp_millis(", plan);
    }

    @Test
    void anIdIsTrimmedOnce(SparkSession spark) {
        // A one-column range, not literal rows, so that Spark generates code for the projection.
        Dataset<Row> ids = spark.range(3)
                .select(col("id").cast(DataTypes.StringType).as("v"))
                .select(Parse.id(col("v")).as("id"));
        String code = ids.queryExecution().debug().codegenToSeq().mkString("\n");
        assertOccurs(1, "StringTrim.execBinary(", code);
        assertEquals(new StructType().add("id", DataTypes.StringType, true), ids.schema());
    }
}
