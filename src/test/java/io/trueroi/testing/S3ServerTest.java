package io.trueroi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The loopback S3 server speaks enough S3 for s3a and Delta: write a table, overwrite it, read it. */
@ExtendWith(SharedSpark.class)
class S3ServerTest {
    @Test
    void deltaRoundTripOverS3a(SparkSession spark) throws Exception {
        try (S3Server s3 = S3Server.start("roundtrip")) {
            s3.configure(spark.sparkContext().hadoopConfiguration());
            String path = "s3a://roundtrip/t";
            spark.range(5)
                    .toDF("n")
                    .write()
                    .format("delta")
                    .mode(SaveMode.Overwrite)
                    .save(path);
            spark.range(3)
                    .toDF("n")
                    .write()
                    .format("delta")
                    .mode(SaveMode.Overwrite)
                    .save(path);
            List<Row> rows =
                    spark.read().format("delta").load(path).orderBy("n").collectAsList();
            assertEquals(
                    List.of(0L, 1L, 2L), rows.stream().map(r -> r.getLong(0)).toList());
            assertEquals(2, spark.sql("DESCRIBE HISTORY delta.`" + path + "`").count(), "two commits");
        }
    }
}
