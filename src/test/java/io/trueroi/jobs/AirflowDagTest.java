package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueroi.ingest.Readers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The Airflow DAG (jobs/airflow/trueroi_nightly.py) against the jar's real command line. The DAG
 * file is loaded by python3 against a recording stub of Airflow's DAG and BashOperator
 * (src/test/resources/airflow; Airflow itself cannot be installed without PyPI); every task's
 * rendered command is parsed by the same picocli command tree {@code TrueRoi.main} uses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AirflowDagTest {
    static final String DATE = "2026-10-31";
    static final String HOME = "/opt/trueroi";
    JsonNode dag;

    JsonNode maintain;

    @BeforeAll
    void load() throws Exception {
        dag = probe("jobs/airflow/trueroi_nightly.py");
        maintain = probe("jobs/airflow/trueroi_maintain.py");
    }

    static JsonNode probe(String dagFile) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("python3", "src/test/resources/airflow/probe.py", dagFile, DATE);
        pb.environment()
                .put(
                        "PYTHONPATH",
                        Path.of("src/test/resources/airflow/stub")
                                .toAbsolutePath()
                                .toString());
        pb.environment().put("TRUEROI_HOME", HOME);
        pb.environment().remove("TRUEROI_CONF");
        pb.redirectErrorStream(false);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, p.exitValue(), "the DAG file must load: " + err);
        return new ObjectMapper().readTree(out);
    }

    /** Issue 28, part 3: housekeeping runs weekly, through the jar's own maintain command. */
    @Test
    void maintainRunsWeeklyThroughTheJarsCommandLine() {
        JsonNode kwargs = maintain.get("kwargs");
        assertEquals("trueroi_maintain", maintain.get("dag_id").asText());
        // Minute, hour, any day of the month, any month, one day of the week: once a week.
        String[] cron = kwargs.get("schedule").asText().split(" ");
        assertEquals(5, cron.length);
        assertEquals("*", cron[2]);
        assertEquals("*", cron[3]);
        assertTrue(cron[4].matches("[0-6]"), kwargs.get("schedule").asText());
        assertFalse(kwargs.get("catchup").asBoolean());
        assertEquals(1, kwargs.get("max_active_runs").asInt());
        assertTrue(kwargs.get("default_args").get("retries").asInt() >= 1, "a run that meets the night's lock retries");
        assertEquals(Set.of("maintain"), names(maintain.get("tasks").fieldNames()));
        List<String> argv = new ArrayList<>();
        maintain.get("tasks").get("maintain").forEach(a -> argv.add(a.asText()));
        assertEquals(HOME + "/jobs/trueroi-submit", argv.get(0));
        CommandLine.ParseResult parsed =
                TrueRoi.commandLine().parseArgs(argv.subList(1, argv.size()).toArray(String[]::new));
        assertEquals("maintain", parsed.subcommand().commandSpec().name());
        assertEquals(maintain.get("commands_table"), maintain.get("tasks"));
    }

    @Test
    void dagRunsDailyWithRetriesAndNoCatchup() {
        JsonNode kwargs = dag.get("kwargs");
        assertEquals("trueroi_nightly", dag.get("dag_id").asText());
        assertFalse(kwargs.get("catchup").asBoolean(), "no catchup by default");
        assertTrue(kwargs.get("default_args").get("retries").asInt() >= 1, "tasks are retried");
        assertEquals(1, kwargs.get("max_active_runs").asInt(), "nights run one at a time");
        assertTrue(kwargs.hasNonNull("schedule"));
    }

    @Test
    void stagesDependOnEachOtherAndIngestRunsInParallel() {
        Set<String> sources = new TreeSet<>(Readers.groups());
        Set<String> expectedTasks = new TreeSet<>(List.of("identity", "journeys", "attribution", "marts", "report"));
        sources.forEach(s -> expectedTasks.add("ingest_" + s));
        assertEquals(expectedTasks, names(dag.get("tasks").fieldNames()));
        Set<List<String>> edges = new HashSet<>();
        dag.get("edges")
                .forEach(e -> edges.add(List.of(e.get(0).asText(), e.get(1).asText())));
        Set<List<String>> expected = new HashSet<>();
        sources.forEach(s -> expected.add(List.of("ingest_" + s, "identity")));
        expected.add(List.of("identity", "journeys"));
        expected.add(List.of("journeys", "attribution"));
        expected.add(List.of("attribution", "marts"));
        expected.add(List.of("marts", "report"));
        // Exactly these: no edge between two ingest tasks, so the sources are ingested in parallel.
        assertEquals(expected, edges);
    }

    @Test
    void everyCommandIsAcceptedByTheJarsCommandLine() throws Exception {
        Path submit = Path.of("jobs/trueroi-submit");
        assertTrue(Files.isExecutable(submit), "the wrapper the DAG calls exists");
        assertTrue(Files.readString(submit).contains("io.trueroi.jobs.TrueRoi"), "and runs the jar's entry point");
        Iterator<Map.Entry<String, JsonNode>> tasks = dag.get("tasks").fields();
        int checked = 0;
        while (tasks.hasNext()) {
            Map.Entry<String, JsonNode> task = tasks.next();
            List<String> argv = new ArrayList<>();
            task.getValue().forEach(a -> argv.add(a.asText()));
            assertEquals(HOME + "/jobs/trueroi-submit", argv.get(0), task.getKey());
            String[] args = argv.subList(1, argv.size()).toArray(String[]::new);
            CommandLine.ParseResult parsed = TrueRoi.commandLine().parseArgs(args); // throws if rejected
            CommandLine.ParseResult job = parsed.subcommand();
            String stage = task.getKey().startsWith("ingest_") ? "ingest" : task.getKey();
            assertEquals(stage, job.commandSpec().name(), task.getKey());
            if (stage.equals("report")) {
                ReportCommand report = job.commandSpec().commandLine().getCommand();
                assertEquals(LocalDate.parse(DATE), report.date, "the report shows the logical date");
                assertEquals(Path.of(HOME, "reports"), report.out);
                checked++;
                continue;
            }
            JobCommand command = job.commandSpec().commandLine().getCommand();
            assertEquals(LocalDate.parse(DATE), command.date, task.getKey() + " runs the logical date");
            if (stage.equals("ingest")) {
                assertEquals(List.of(task.getKey().substring("ingest_".length())), command.sources);
                Readers.ofGroups(new TreeSet<>(command.sources)); // throws on an unknown source
            }
            checked++;
        }
        assertEquals(9, checked);
        // The plain command table agrees with what the operators were given.
        assertEquals(dag.get("commands_table"), dag.get("tasks"));
    }

    /** Issue 43: the report task's last line of output, the page's path, is its XCom. */
    @Test
    void onlyTheReportTaskPushesItsOutputToXcom() {
        Iterator<Map.Entry<String, JsonNode>> tasks = dag.get("task_kwargs").fields();
        Set<String> pushing = new TreeSet<>();
        tasks.forEachRemaining(e -> {
            if (e.getValue().path("do_xcom_push").asBoolean(false)) {
                pushing.add(e.getKey());
            }
        });
        assertEquals(Set.of("report"), pushing);
    }

    private static Set<String> names(Iterator<String> it) {
        Set<String> out = new TreeSet<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
