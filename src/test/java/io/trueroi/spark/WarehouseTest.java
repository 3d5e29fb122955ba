package io.trueroi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Table names follow the warehouse that registered them last. */
@ExtendWith(SharedSpark.class)
class WarehouseTest {
  @TempDir
  Path tmp;

  @Test
  void aNameIsRepointedToTheWarehouseThatRegistersItLast(SparkSession spark) throws Exception {
    Warehouse a = new Warehouse(spark, tmp.resolve("a").toString());
    Warehouse b = new Warehouse(spark, tmp.resolve("b").toString());
    a.overwrite(spark.range(3).toDF(), "wtest", "numbers");
    assertEquals(3, spark.sql("SELECT count(*) FROM wtest.numbers").first().getLong(0));
    b.overwrite(spark.range(5).toDF(), "wtest", "numbers");
    assertEquals(5, spark.sql("SELECT count(*) FROM wtest.numbers").first().getLong(0), "repointed to b");
    // The name's current location vanishes (a test's temp folder, a moved warehouse): registering
    // a again must still repoint it, though Delta can no longer load what the name points at.
    try (var files = Files.walk(tmp.resolve("b"))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    a.registerAll();
    assertEquals(3, spark.sql("SELECT count(*) FROM wtest.numbers").first().getLong(0), "back to a");
  }
}
