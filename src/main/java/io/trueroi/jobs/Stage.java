package io.trueroi.jobs;

import io.trueroi.ops.SourceStats;
import io.trueroi.spark.Warehouse;
import java.util.List;
import java.util.Map;

/** One step of the nightly pipeline, runnable alone as a job of the same name. */
interface Stage {
  String name();

  /** Runs the stage for the context's dates; throws to fail it. */
  Result run(JobContext context);

  /** What a stage did: per-source counts and named counters for ops.job_runs. */
  record Result(List<SourceStats> sources, Map<String, Long> counters, List<TableWritten> tables) {}

  /** A table the stage wrote and how many rows it wrote there this run. */
  record TableWritten(String name, String location, long rows) {
    /** {@code layer.table}, at its path in the warehouse. */
    static TableWritten of(Warehouse warehouse, String layer, String table, long rows) {
      return new TableWritten(layer + "." + table, warehouse.path(layer, table), rows);
    }
  }
}
