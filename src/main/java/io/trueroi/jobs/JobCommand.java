package io.trueroi.jobs;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ingest.Readers;
import io.trueroi.ops.JobRuns;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options every job takes, and the run loop: config, session, stages, job_runs, summary. */
abstract class JobCommand extends BaseCommand {
  private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "The business date to run.")
  LocalDate date;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "First date of a range (with --to); the range is processed in one pass.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", converter = DateConverter.class,
      description = "Last date of a range, inclusive.")
  LocalDate to;

  @Option(names = "--source", paramLabel = "SOURCE", split = ",",
      description = "Only these sources for ingest: wechat, ecommerce, pos, ads (default: all).")
  List<String> sources = new ArrayList<>();

  /** Counters worth a line at the end of a run: what was set aside or could not be placed. */
  private static final List<String> SUMMARY_COUNTERS = List.of("rows_quarantined", "rows_duplicate",
      "unmapped_touches", "invalid_clicks", "anonymous_conversions");

  /** The stages this job runs, in order. */
  abstract List<Stage> stages();

  /** A pipeline records its own job_runs row and one per stage (with itself as parent). */
  boolean pipeline() {
    return false;
  }

  @Override
  public Integer call() {
    LocalDate[] range = range();
    Set<String> groups = new LinkedHashSet<>(sources.isEmpty() ? Readers.groups() : sources);
    try {
      Readers.ofGroups(groups);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--source: " + e.getMessage());
    }
    TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
    String job = spec.name();
    RunContext run = RunContext.start(job, range[0], range[1], null);
    var out = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    SparkSession spark = SparkSessions.create(config);
    Warehouse warehouse = new Warehouse(spark, config.warehouse());
    if (config.usesDevHashKey()) {
      LOG.warn("PII hashes use the public development key: set {} for real data",
          config.raw().getString("trueroi.security.hash-key-env"));
    }
    LOG.info("{} {} run {}: raw {} -> warehouse {}", job, run.dates(), run.runId(), config.rawRoot(), warehouse.root());
    List<Stage.TableWritten> written = new ArrayList<>();
    List<String> stageTimes = new ArrayList<>();
    Map<String, Long> totals = new java.util.LinkedHashMap<>();
    List<Stage> stages = stages();
    String current = job;
    try {
      for (Stage stage : stages) {
        current = stage.name();
        RunContext stageRun = pipeline() ? run.stage(stage.name()) : run;
        long s0 = System.nanoTime();
        Stage.Result result;
        try {
          result = stage.run(new JobContext(spark, config, warehouse, stageRun, groups));
        } catch (Exception e) { // Spark's SparkException is checked, and thrown unchecked from Scala
          JobRuns.record(warehouse, stageRun, JobRuns.FAILED, TrueRoi.oneLine(Failures.describe(e)), List.of(),
              Map.of());
          throw e instanceof RuntimeException re ? re : new StageFailed(stage.name(), e);
        }
        JobRuns.record(warehouse, stageRun, JobRuns.SUCCEEDED, null, result.sources(), result.counters());
        written.addAll(result.tables());
        stageTimes.add(stage.name() + " " + seconds(s0) + "s");
        for (String k : SUMMARY_COUNTERS) {
          if (result.counters().containsKey(k)) {
            totals.merge(k, result.counters().get(k), Long::sum);
          }
        }
        LOG.info("{}: done in {}s, counters {}", stage.name(), seconds(s0), result.counters());
      }
      if (pipeline()) {
        JobRuns.record(warehouse, run, JobRuns.SUCCEEDED, null, List.of(), Map.of());
      }
    } catch (Exception e) {
      if (pipeline()) {
        JobRuns.record(warehouse, run, JobRuns.FAILED, "stage " + current + ": " + TrueRoi.oneLine(Failures.describe(e)),
            List.of(), Map.of());
      }
      throw e instanceof StageFailed sf ? sf : new StageFailed(current, e);
    }
    out.printf("%s %s finished in %ss (run %s)%n", job, run.dates(), seconds(t0), run.runId());
    out.printf("  %-36s %10s  %s%n", "table", "rows", "location");
    for (Stage.TableWritten t : written) {
      out.printf("  %-36s %10d  %s%n", t.name(), t.rows(), t.location());
    }
    out.printf("  %-36s %10s  %s%n", "ops.job_runs", "+" + (pipeline() ? stages.size() + 1 : 1),
        warehouse.path(JobRuns.LAYER, JobRuns.TABLE));
    if (stageTimes.size() > 1) {
      out.printf("  stages: %s%n", String.join(", ", stageTimes));
    }
    if (!totals.isEmpty()) {
      List<String> parts = new ArrayList<>();
      totals.forEach((k, v) -> parts.add(k.replace('_', ' ') + " " + v));
      out.printf("  %s%n", String.join(", ", parts));
    }
    out.flush();
    return 0;
  }

  private static String seconds(long startNanos) {
    return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
  }

  private LocalDate[] range() {
    if (date != null && (from != null || to != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give either --date or --from/--to, not both");
    }
    if (date != null) {
      return new LocalDate[] {date, date};
    }
    if (from == null && to == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "a date is required: --date D or --from D --to D");
    }
    if (from == null || to == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--from and --to go together");
    }
    if (to.isBefore(from)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--to must not be before --from, cannot be: " + from + " .. " + to);
    }
    return new LocalDate[] {from, to};
  }

  /** A stage failed: its name leads the one-line message. */
  static final class StageFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StageFailed(String stage, Throwable cause) {
      super("stage " + stage + ": " + TrueRoi.oneLine(Failures.describe(cause)), cause);
    }
  }

  static final class DateConverter implements CommandLine.ITypeConverter<LocalDate> {
    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a date in the form YYYY-MM-DD");
      }
    }
  }

  @Command(name = "ingest", description = "Raw exports -> silver.* tables (quarantine for bad rows).")
  static final class Ingest extends JobCommand {
    @Override
    List<Stage> stages() {
      return List.of(new IngestStage());
    }
  }

  @Command(name = "identity", description = "silver identifiers -> identity.identity_map (OneIDs), "
      + "ambiguous_identifiers, one_id_history.")
  static final class Identity extends JobCommand {
    @Override
    List<Stage> stages() {
      return List.of(new IdentityStage());
    }
  }

  @Command(name = "journeys", description = "silver + OneIDs -> journey.touchpoints, conversions, journeys.")
  static final class Journeys extends JobCommand {
    @Override
    List<Stage> stages() {
      return List.of(new JourneysStage());
    }
  }

  @Command(name = "attribution", description = "journey.journeys -> attribution.credits (every model), "
      + "markov_removal_effects, markov_transitions.")
  static final class Attribution extends JobCommand {
    @Override
    List<Stage> stages() {
      return List.of(new AttributionStage());
    }
  }

  @Command(name = "marts", description = "journeys, credits and ad spend -> mart.channel_roi_daily, "
      + "model_comparison, customer_ltv, cohort_ltv, channel_ltv_cac, path_summary.")
  static final class Marts extends JobCommand {
    @Override
    List<Stage> stages() {
      return List.of(new MartsStage());
    }
  }

  @Command(name = "nightly", description = "Every stage in order: ingest, identity, journeys, attribution, marts.")
  static final class Nightly extends JobCommand {
    @Override
    List<Stage> stages() {
      return List.of(new IngestStage(), new IdentityStage(), new JourneysStage(), new AttributionStage(),
          new MartsStage());
    }

    @Override
    boolean pipeline() {
      return true;
    }
  }
}
