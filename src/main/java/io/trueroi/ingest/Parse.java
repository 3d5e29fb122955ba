package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.repeat;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.IngestSettings;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;

/**
 * Column expressions that turn raw text into typed values, each paired with the check that
 * rejects a value present but unparseable (absent values are the caller's to require).
 * All built-in functions, in their try_ forms, so bad input gives null, never an exception.
 */
final class Parse {
    /** Money: 18 digits with 2 decimals; amounts in every currency we see fit. */
    static final String MONEY = "decimal(18,2)";

    static final int MONEY_SCALE = 2;

    /** Identifier values that mean "none" in the exports we read. */
    static final List<String> PLACEHOLDERS =
            List.of("null", "none", "nil", "unknown", "undefined", "n/a", "na", "-", "--", "0", "(null)", "#n/a");

    private static final int PLACEHOLDER_MAX_LENGTH =
            PLACEHOLDERS.stream().mapToInt(String::length).max().orElseThrow();
    /** Characters the one-character-repeat rule ignores. */
    private static final List<String> SEPARATORS = List.of("-", "_", " ");

    /** Earliest and latest instants accepted: anything outside is a unit or typing error. */
    static final String MIN_INSTANT = "2000-01-01 00:00:00";

    static final String MAX_INSTANT = "2100-01-01 00:00:00";

    private Parse() {}

    /** Trimmed text; blank becomes null. */
    static Column text(Column raw) {
        return nullif(trim(raw), lit(""));
    }

    /**
     * Trimmed identifier; blank, placeholder words and one-character repeats once dashes,
     * underscores and spaces are dropped (0000, ----, 00000000-0000-...) become null. String
     * functions rather than regular expressions: this runs on every id of every click. Most real
     * ids are accepted by their first two characters (two different ones, neither a separator)
     * before the repeat check, which copies the id four times; placeholder words are at most nine
     * characters, so longer ids skip that comparison too.
     */
    static Column id(Column raw) {
        // The trimmed text is written out at each use rather than as text(raw): the blank test comes
        // first and is always evaluated, so Spark's subexpression elimination computes the trim once
        // for the branches after it. text()'s nullif, repeated, was trimmed again at every use.
        Column t = trim(raw);
        // Literal replaces: translate() builds a hash map per value, regexp_replace runs a matcher.
        Column squeezed = t;
        for (String separator : SEPARATORS) {
            squeezed = replace(squeezed, lit(separator), lit(""));
        }
        Column oneCharRepeated = squeezed.equalTo(repeat(substring(squeezed, 1, 1), length(squeezed)));
        Column first = substring(t, 1, 1);
        Column second = substring(t, 2, 1);
        // second is "" for a one-character id, which the repeat rule drops.
        Column twoDifferent = second.notEqual(lit(""))
                .and(first.notEqual(second))
                .and(first.isin(SEPARATORS.toArray()).unary_$bang())
                .and(second.isin(SEPARATORS.toArray()).unary_$bang());
        return when(t.isNull().or(t.equalTo(lit(""))), lit(null).cast("string"))
                .when(
                        length(t).leq(PLACEHOLDER_MAX_LENGTH).and(lower(t).isin(PLACEHOLDERS.toArray())),
                        lit(null).cast("string"))
                .when(twoDifferent, t)
                .when(oneCharRepeated, lit(null).cast("string"))
                .otherwise(t);
    }

    /**
     * A query parameter's raw value from a URL's query string (as parse_url(url, 'QUERY', key)
     * gives it), null when absent or empty. The caller parses the URL once for all its keys.
     */
    static Column queryParameter(Column query, String key) {
        return text(regexp_extract(query, "(?:^|&)" + Pattern.quote(key) + "=([^&]*)", 1));
    }

    /**
     * Money as exports write it: digits with an optional sign and fraction, thousands separated by
     * commas in groups of three or not at all. No exponent (1e5 is a spreadsheet's doing, not a
     * price), no trailing point.
     */
    static final String PLAIN_DECIMAL = "^[+-]?(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\\.[0-9]+)?|\\.[0-9]+)$";

    /** The money value of a {@link #PLAIN_DECIMAL} text, else null. */
    static Column decimal(Column text) {
        return when(text.rlike(PLAIN_DECIMAL), regexp_replace(text, ",", "").try_cast(MONEY));
    }

    /**
     * Rejects a present amount that is not a {@link #PLAIN_DECIMAL}, and one with more decimals
     * than its currency has minor units (java.util.Currency's digits, at most the 2 that
     * {@link #MONEY} keeps), which would otherwise be rounded without a word. An unknown currency
     * is checked against 2 and rejected by {@link #checkCurrency}.
     */
    static Rejects checkDecimal(
            Rejects r, Column text, Column parsed, String name, Column currency, List<String> currencies) {
        Column minor = lit(MONEY_SCALE);
        for (String code : currencies) {
            minor = when(currency.equalTo(code), lit(minorDigits(code))).otherwise(minor);
        }
        Column decimals = length(regexp_extract(text, "\\.([0-9]+)$", 1));
        return r.check(
                        text.isNotNull().and(parsed.isNull()),
                        Rejects.BAD_DECIMAL,
                        concat(lit(name + " is not a decimal: '"), text, lit("'")))
                .check(
                        parsed.isNotNull().and(decimals.gt(minor)),
                        Rejects.BAD_DECIMAL,
                        concat(
                                lit(name + " has more decimals than "),
                                coalesce(currency, lit("its currency")),
                                lit(" allows ("),
                                minor.cast("string"),
                                lit("): '"),
                                text,
                                lit("'")));
    }

    /** Minor digits of an ISO currency, capped at {@link #MONEY}'s scale. */
    static int minorDigits(String code) {
        int digits = java.util.Currency.getInstance(code).getDefaultFractionDigits();
        return digits < 0 ? MONEY_SCALE : Math.min(digits, MONEY_SCALE);
    }

    static Column integer(Column text) {
        return regexp_replace(text, ",", "").try_cast("bigint");
    }

    static Rejects checkInteger(Rejects r, Column text, Column parsed, String name) {
        return r.check(
                text.isNotNull().and(parsed.isNull()),
                Rejects.BAD_INTEGER,
                concat(lit(name + " is not a whole number: '"), text, lit("'")));
    }

    static Column epochSeconds(Column text) {
        return timestamp_seconds(text.try_cast("bigint"));
    }

    static Column epochMillis(Column text) {
        return timestamp_millis(text.try_cast("bigint"));
    }

    /**
     * An instant from ISO-8601 with an offset ("2026-10-01T10:00:00+08:00", "...Z"), or from a
     * wall-clock time ("2026-10-01 10:00:00", "2026/10/01 10:00") in the given zone.
     */
    static Column instant(Column text, Column zone) {
        Column withOffset = coalesce(
                try_to_timestamp(text, lit("yyyy-MM-dd'T'HH:mm:ssXXX")),
                try_to_timestamp(text, lit("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")));
        // The session clock is UTC, so a wall-clock string parses "as if UTC" and is then shifted.
        Column wall = coalesce(
                try_to_timestamp(text, lit("yyyy-MM-dd HH:mm:ss")),
                try_to_timestamp(text, lit("yyyy/MM/dd HH:mm:ss")),
                try_to_timestamp(text, lit("yyyy-MM-dd HH:mm")),
                try_to_timestamp(text, lit("yyyy/MM/dd HH:mm")));
        return coalesce(withOffset, to_utc_timestamp(wall, zone));
    }

    /**
     * Rejects a present value that did not parse or parsed outside 2000..2100 (a unit error:
     * milliseconds read as seconds), then one outside the plausible window: before
     * {@code trueroi.ingest.earliest-time}, or at or after the end (UTC) of the line's delivery
     * date {@code dt} plus {@code max-days-after-delivery} days.
     */
    static Rejects checkInstant(Rejects r, Column text, Column parsed, String name, IngestSettings settings) {
        Column bad = text.isNotNull()
                .and(parsed.isNull()
                        .or(parsed.lt(lit(MIN_INSTANT).cast("timestamp")))
                        .or(parsed.geq(lit(MAX_INSTANT).cast("timestamp"))));
        // Midnight UTC: every session runs with the UTC clock (SparkSessions).
        Column latest = date_add(col("dt").cast("date"), settings.maxDaysAfterDelivery() + 1)
                .cast("timestamp");
        Column earliest = lit(java.sql.Timestamp.from(settings.earliestTime()));
        return r.check(bad, Rejects.BAD_TIMESTAMP, concat(lit(name + " is not a valid time: '"), text, lit("'")))
                .check(
                        text.isNotNull().and(parsed.lt(earliest)),
                        Rejects.BAD_TIMESTAMP,
                        concat(
                                lit(name + " is before trueroi.ingest.earliest-time " + settings.earliestTime()
                                        + ": '"),
                                text,
                                lit("'")))
                .check(
                        text.isNotNull().and(parsed.geq(latest)),
                        Rejects.BAD_TIMESTAMP,
                        concat(
                                lit(name + " is more than " + settings.maxDaysAfterDelivery()
                                        + " days after its delivery date "),
                                col("dt").cast("string"),
                                lit(" (trueroi.ingest.max-days-after-delivery): '"),
                                text,
                                lit("'")));
    }

    static Column date(Column text) {
        return coalesce(
                        try_to_timestamp(text, lit("yyyy-MM-dd")),
                        try_to_timestamp(text, lit("yyyy/MM/dd")),
                        try_to_timestamp(text, lit("yyyyMMdd")))
                .cast("date");
    }

    static Column currency(Column text) {
        return upper(text(text));
    }

    static Rejects checkCurrency(Rejects r, Column currency, List<String> accepted) {
        return r.check(
                currency.isNull().or(currency.isin(accepted.toArray()).unary_$bang()),
                Rejects.BAD_CURRENCY,
                concat(lit("currency is not one of " + accepted + ": '"), coalesce(currency, lit("")), lit("'")));
    }
}
