package io.trueroi.config;

/** {@code trueroi.marts}: how many converting paths {@code mart.path_summary} keeps. */
public record MartSettings(int topPaths) {
    static MartSettings read(ConfigReader c) {
        return new MartSettings(c.atLeast("trueroi.marts.top-paths", 1));
    }
}
