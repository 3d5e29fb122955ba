package io.trueroi.config;

/** {@code trueroi.journeys}: the lookback of a conversion, and the click rates that make a click invalid. */
public record JourneySettings(int lookbackDays, int maxClicksPerDeviceHour, int maxClicksPerIpHour) {
    static JourneySettings read(ConfigReader c) {
        String p = "trueroi.journeys.";
        return new JourneySettings(
                c.atLeast(p + "lookback-days", 1),
                c.atLeast(p + "max-clicks-per-device-hour", 1),
                c.atLeast(p + "max-clicks-per-ip-hour", 1));
    }
}
