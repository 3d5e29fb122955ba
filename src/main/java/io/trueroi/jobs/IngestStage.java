package io.trueroi.jobs;

import io.trueroi.ingest.IngestAction;
import io.trueroi.ops.SourceStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code ingest} job: raw exports to silver tables (see {@link IngestAction}). */
final class IngestStage implements Stage {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public Result run(JobContext c) {
    List<SourceStats> stats = new IngestAction(c.spark(), c.config(), c.warehouse(), c.run())
        .sources(c.sources())
        .execute();
    List<TableWritten> tables = new ArrayList<>();
    Map<String, Long> counters = new TreeMap<>();
    long quarantined = 0;
    for (SourceStats s : stats) {
      tables.add(TableWritten.of(c.warehouse(), IngestAction.SILVER, s.table(), s.rowsWritten()));
      quarantined += s.rowsQuarantined();
      counters.merge("rows_duplicate", s.rowsDuplicate(), Long::sum);
    }
    tables.add(TableWritten.of(c.warehouse(), IngestAction.QUARANTINE_LAYER,
        IngestAction.QUARANTINE_TABLE, quarantined));
    counters.put("rows_quarantined", quarantined);
    return new Result(stats, counters, tables);
  }
}
