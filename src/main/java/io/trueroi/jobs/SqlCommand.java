package io.trueroi.jobs;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.Failures;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trueroi sql "SELECT …"} or {@code trueroi sql --file queries.sql}: opens the warehouse
 * (every Delta table under it by its {@code layer.table} name) and runs the statements in order,
 * printing each result as a text table of at most {@code --max-rows} rows. Only the rows shown
 * reach the driver. A failing statement stops the run with exit code 1 and its number.
 */
@Command(
        name = "sql",
        description = "Runs SQL against the warehouse (tables as layer.table, e.g. "
                + "mart.channel_roi_daily) and prints each result.")
final class SqlCommand extends BaseCommand {

    @Parameters(arity = "0..1", paramLabel = "SQL", description = "Statements to run (separated by ;).")
    String sql;

    @Option(names = "--file", paramLabel = "FILE", description = "A file of statements separated by ;.")
    Path file;

    @Option(
            names = "--max-rows",
            paramLabel = "N",
            defaultValue = "100",
            description = "Rows printed per result (default ${DEFAULT-VALUE}).")
    int maxRows;

    @Override
    public Integer call() {
        if ((sql == null) == (file == null)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "give either SQL or --file, not both or neither");
        }
        if (maxRows < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-rows must be at least 1, cannot be: " + maxRows);
        }
        String script;
        try {
            script = sql != null ? sql : Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--file " + file + ": cannot read: " + e);
        }
        List<String> statements = SqlScript.split(script);
        if (statements.isEmpty()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "no SQL statement in " + (file != null ? file.toString() : "the argument"));
        }
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        Warehouse warehouse = SparkSessions.warehouse(config);
        warehouse.registerAll();
        SparkSession spark = warehouse.spark();
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < statements.size(); i++) {
            Dataset<Row> result;
            List<Row> rows;
            try {
                result = spark.sql(statements.get(i));
                rows = result.limit(maxRows + 1).collectAsList();
            } catch (Exception e) { // Spark's AnalysisException is checked, and thrown unchecked from Scala
                throw new IllegalArgumentException(
                        "statement " + (i + 1) + " of " + statements.size() + (file != null ? " in " + file : "") + ": "
                                + Failures.firstLine(String.valueOf(e.getMessage())),
                        e);
            }
            if (statements.size() > 1) {
                out.println("-- statement " + (i + 1));
            }
            print(out, result.columns(), rows, maxRows);
        }
        out.flush();
        return 0;
    }

    /** A plain text table: header, rule, rows; NULL for nulls, decimals in plain notation. */
    static void print(PrintWriter out, String[] columns, List<Row> rows, int maxRows) {
        if (columns.length == 0) {
            out.println("OK");
            return;
        }
        List<String[]> cells = new ArrayList<>();
        int[] width = new int[columns.length];
        for (int c = 0; c < columns.length; c++) {
            width[c] = columns[c].length();
        }
        for (Row r : rows.subList(0, Math.min(rows.size(), maxRows))) {
            String[] line = new String[columns.length];
            for (int c = 0; c < columns.length; c++) {
                Object v = r.get(c);
                line[c] = v == null ? "NULL" : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v);
                width[c] = Math.max(width[c], line[c].length());
            }
            cells.add(line);
        }
        StringBuilder header = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < columns.length; c++) {
            header.append(c == 0 ? "" : " | ").append(pad(columns[c], width[c]));
            rule.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        }
        out.println(header.toString().stripTrailing());
        out.println(rule);
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < columns.length; c++) {
                b.append(c == 0 ? "" : " | ").append(pad(line[c], width[c]));
            }
            out.println(b.toString().stripTrailing());
        }
        out.println(rows.size() > maxRows ? "(first " + maxRows + " rows shown)" : "(" + rows.size() + " rows)");
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
