package io.trueroi.jobs;

import io.trueroi.marts.MartsAction;
import java.util.List;
import java.util.Map;

/** The {@code marts} job: the analyst-facing mart.* tables (see {@link MartsAction}). */
final class MartsStage implements Stage {
  @Override
  public String name() {
    return "marts";
  }

  @Override
  public Result run(JobContext c) {
    Map<String, Long> counters = new MartsAction(c.spark(), c.config(), c.warehouse(), c.run()).execute();
    return new Result(List.of(), counters, MartsAction.TABLES.stream()
        .map(t -> TableWritten.of(c.warehouse(), MartsAction.LAYER, t, counters.get(t)))
        .toList());
  }
}
