package io.trueroi.jobs;

import io.trueroi.identity.IdentityAction;
import java.util.List;
import java.util.Map;

/** The {@code identity} job: silver identifiers to OneIDs (see {@link IdentityAction}). */
final class IdentityStage implements Stage {
  @Override
  public String name() {
    return "identity";
  }

  @Override
  public Result run(JobContext c) {
    Map<String, Long> counters = new IdentityAction(c.spark(), c.config(), c.warehouse(), c.run()).execute();
    String l = IdentityAction.LAYER;
    return new Result(List.of(), counters, List.of(
        TableWritten.of(c.warehouse(), l, IdentityAction.MAP, counters.get("identifiers")),
        TableWritten.of(c.warehouse(), l, IdentityAction.AMBIGUOUS, counters.get("ambiguous_identifiers")),
        TableWritten.of(c.warehouse(), l, IdentityAction.HISTORY, counters.get("merged_one_ids"))));
  }
}
