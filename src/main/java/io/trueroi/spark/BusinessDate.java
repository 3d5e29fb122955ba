package io.trueroi.spark;

import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.to_date;

import java.time.ZoneId;
import org.apache.spark.sql.Column;

/** Reporting dates: stored times are UTC instants, and a day is the business time zone's day. */
public final class BusinessDate {
    private BusinessDate() {}

    /** The business date of a UTC timestamp column. */
    public static Column of(Column utcTime, ZoneId businessZone) {
        return to_date(from_utc_timestamp(utcTime, businessZone.getId()));
    }
}
