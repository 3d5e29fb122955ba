package io.trueroi.jobs;

import io.trueroi.journey.JourneysAction;
import java.util.List;
import java.util.Map;

/** The {@code journeys} job: touchpoints, conversions and journeys (see {@link JourneysAction}). */
final class JourneysStage implements Stage {
  @Override
  public String name() {
    return "journeys";
  }

  @Override
  public Result run(JobContext c) {
    Map<String, Long> counters = new JourneysAction(c.spark(), c.config(), c.warehouse(), c.run()).execute();
    String l = JourneysAction.LAYER;
    return new Result(List.of(), counters, List.of(
        TableWritten.of(c.warehouse(), l, JourneysAction.TOUCHPOINTS, counters.get("touchpoints")),
        TableWritten.of(c.warehouse(), l, JourneysAction.CONVERSIONS, counters.get("conversions")),
        TableWritten.of(c.warehouse(), l, JourneysAction.JOURNEYS,
            counters.get("converting_journeys") + counters.get("non_converting_journeys"))));
  }
}
