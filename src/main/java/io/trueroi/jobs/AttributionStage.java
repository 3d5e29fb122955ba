package io.trueroi.jobs;

import io.trueroi.attribution.AttributionAction;
import io.trueroi.attribution.MarkovModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code attribution} job: every model's credits and the Markov fit (see {@link AttributionAction}). */
final class AttributionStage implements Stage {
  @Override
  public String name() {
    return "attribution";
  }

  @Override
  public Result run(JobContext c) {
    Map<String, Long> counters = new AttributionAction(c.spark(), c.config(), c.warehouse(), c.run()).execute();
    String l = AttributionAction.LAYER;
    long credits = counters.entrySet().stream().filter(e -> e.getKey().startsWith("credits:"))
        .mapToLong(Map.Entry::getValue).sum();
    List<TableWritten> tables = new ArrayList<>();
    tables.add(TableWritten.of(c.warehouse(), l, AttributionAction.CREDITS, credits));
    if (c.config().attribution().models().contains(MarkovModel.NAME)) {
      tables.add(TableWritten.of(c.warehouse(), l, AttributionAction.REMOVAL_EFFECTS,
          counters.getOrDefault("markov_effect_rows", 0L)));
      tables.add(TableWritten.of(c.warehouse(), l, AttributionAction.TRANSITIONS,
          counters.getOrDefault("markov_transitions", 0L)));
    }
    return new Result(List.of(), counters, tables);
  }
}
