package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The checks a reader makes on each row, in order; the first that fails names the row's reject
 * code and detail. Built as plain column expressions, so the checks run inside Spark's generated
 * code with no per-row callbacks.
 */
final class Rejects {
    /** Codes a reader gives to rows whose values are unusable. */
    static final String MISSING_REQUIRED = "MISSING_REQUIRED";

    static final String MALFORMED_JSON = "MALFORMED_JSON";
    static final String BAD_TIMESTAMP = "BAD_TIMESTAMP";
    static final String BAD_DECIMAL = "BAD_DECIMAL";
    static final String BAD_INTEGER = "BAD_INTEGER";
    static final String BAD_CURRENCY = "BAD_CURRENCY";
    static final String NEGATIVE_AMOUNT = "NEGATIVE_AMOUNT";
    static final String BAD_VALUE = "BAD_VALUE";

    private final List<Column> codes = new ArrayList<>();
    private final List<Column> details = new ArrayList<>();

    Rejects check(Column failed, String code, Column detail) {
        codes.add(when(failed, lit(code)));
        details.add(when(failed, detail));
        return this;
    }

    Rejects check(Column failed, String code, String detail) {
        return check(failed, code, lit(detail));
    }

    /** Fails when a required value is null (empty, blank or a placeholder). */
    Rejects required(Column value, String name) {
        return check(value.isNull(), MISSING_REQUIRED, name + " is empty");
    }

    Column code() {
        return codes.isEmpty() ? lit(null).cast("string") : coalesce(codes.toArray(new Column[0]));
    }

    Column detail() {
        return details.isEmpty() ? lit(null).cast("string") : coalesce(details.toArray(new Column[0]));
    }
}
