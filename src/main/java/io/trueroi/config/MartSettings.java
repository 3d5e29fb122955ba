package io.trueroi.config;

/**
 * {@code trueroi.marts}: how many converting paths {@code mart.path_summary} keeps, and the
 * predicted lifetime value's settings ({@code trueroi.marts.clv}).
 */
public record MartSettings(int topPaths, Clv clv) {
    /**
     * {@code trueroi.marts.clv}: the time unit BG/NBD counts in ({@code days} or {@code weeks}),
     * the annual rate a predicted year's value is discounted at, and the fewest repeat buyers a fit
     * is made on.
     */
    public record Clv(boolean enabled, int unitDays, double annualDiscountRate, int minRepeatBuyers) {}

    static MartSettings read(ConfigReader c) {
        String unit = c.nonBlank("trueroi.marts.clv.time-unit");
        int unitDays =
                switch (unit) {
                    case "days" -> 1;
                    case "weeks" -> 7;
                    default -> throw c.error(
                            "trueroi.marts.clv.time-unit", "must be days or weeks, cannot be: " + unit);
                };
        return new MartSettings(
                c.atLeast("trueroi.marts.top-paths", 1),
                new Clv(
                        c.config().getBoolean("trueroi.marts.clv.enabled"),
                        unitDays,
                        c.fraction("trueroi.marts.clv.annual-discount-rate"),
                        c.atLeast("trueroi.marts.clv.min-repeat-buyers", 1)));
    }
}
