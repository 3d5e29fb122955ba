package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: {@code nightly} over the whole of {@code sample-data/}
 * through the real command line, then every table's row count and every quarantine reason
 * checked against {@code sample-data/expected_counts.json}, which the generator computed from what
 * it planted (independently of this code).
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleDataNightlyTest {
  @TempDir
  static Path tmp;

  JsonNode expected;
  Warehouse warehouse;
  String stdout;
  int exitCode;

  @BeforeAll
  void runNightly(SparkSession spark) throws Exception {
    expected = new ObjectMapper().readTree(Files.readString(Path.of("sample-data/expected_counts.json")));
    Path conf = tmp.resolve("wh.conf");
    Files.writeString(conf, "trueroi.warehouse = \"" + tmp.resolve("warehouse") + "\"\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    exitCode = TrueRoi.run(new String[] {"nightly", "--from", expected.get("first_day").asText(), "--to",
        expected.get("last_day").asText(), "--conf", "conf/local.conf", "--conf", conf.toString()},
        new PrintWriter(out, true), new PrintWriter(err, true), TestWorld.ENV);
    stdout = out.toString();
    assertEquals(0, exitCode, err.toString());
    warehouse = new Warehouse(spark, tmp.resolve("warehouse").toString());
  }

  static Map<String, Long> longs(JsonNode node) {
    Map<String, Long> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asLong());
    }
    return out;
  }

  @Test
  void everySilverTableHasTheExpectedRows() {
    Map<String, Long> rows = longs(expected.get("silver_rows"));
    assertEquals(9, rows.size());
    rows.forEach((table, n) -> {
      assertEquals(n, warehouse.read("silver", table).count(), table);
      assertTrue(stdout.matches("(?s).*silver\\." + table + " +" + n + " .*"), "summary line for " + table + ":\n" + stdout);
    });
  }

  @Test
  void everyPlantedBadLineIsQuarantinedWithItsReason() {
    Map<String, Long> actual = new HashMap<>();
    for (Row r : warehouse.read("quarantine", "rejected_records").groupBy("source", "reason_code").count().collectAsList()) {
      actual.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
    }
    Map<String, Long> want = new HashMap<>();
    expected.get("rejected").fields().forEachRemaining(t ->
        t.getValue().fields().forEachRemaining(c -> want.put(t.getKey() + "/" + c.getKey(), c.getValue().asLong())));
    assertEquals(want, actual);
  }

  @Test
  void jobRunsRecordNightlyAndIngestWithPerSourceCounts() {
    List<Row> runs = warehouse.read("ops", "job_runs").orderBy("started_at").collectAsList();
    assertEquals(List.of("ingest", "nightly"), runs.stream().map(r -> r.<String>getAs("job")).sorted().toList());
    Row ingest = runs.stream().filter(r -> r.getAs("job").equals("ingest")).findFirst().orElseThrow();
    Row nightly = runs.stream().filter(r -> r.getAs("job").equals("nightly")).findFirst().orElseThrow();
    assertEquals("SUCCEEDED", ingest.getAs("status"));
    assertEquals("SUCCEEDED", nightly.getAs("status"));
    assertEquals(nightly.<String>getAs("run_id"), ingest.getAs("parent_run_id"));
    Map<String, Long> read = longs(expected.get("lines_read"));
    Map<String, Long> dups = longs(expected.get("duplicates"));
    List<Row> sources = ingest.getList(ingest.fieldIndex("sources"));
    assertEquals(9, sources.size());
    for (Row s : sources) {
      String table = s.getAs("table");
      assertEquals(read.get(table), s.<Long>getAs("rows_read"), table + " rows_read");
      assertEquals(dups.getOrDefault(table, 0L), s.<Long>getAs("rows_duplicate"), table + " rows_duplicate");
      if (!table.equals("wecom_contacts")) { // a WeCom line may hold several follow_user rows
        assertEquals(s.<Long>getAs("rows_read"), s.<Long>getAs("rows_written") + s.<Long>getAs("rows_quarantined")
            + s.<Long>getAs("rows_duplicate"), table + ": read = written + quarantined + duplicate");
      }
    }
  }

  @Test
  void tablesAreQueryableByName(SparkSession spark) {
    warehouse.registerAll();
    assertEquals(expected.get("silver_rows").get("ecommerce_orders").asLong(),
        spark.sql("SELECT count(*) FROM silver.ecommerce_orders").first().getLong(0));
  }
}
