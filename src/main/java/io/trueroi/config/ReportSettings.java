package io.trueroi.config;

import io.trueroi.catalog.ModelName;
import java.util.List;

/**
 * {@code trueroi.report}: whether {@code nightly} writes the analyst's HTML page last, where, in
 * which language, and which attribution model its credited figures use (README, "The report").
 */
public record ReportSettings(boolean enabled, String out, String locale, ModelName model) {
    /** The languages the page has labels for; ECharts has its own locale for each. */
    public static final List<String> LOCALES = List.of("zh-CN", "en");

    static ReportSettings read(ConfigReader c, AttributionSettings attribution) {
        String locale = c.nonBlank("trueroi.report.locale");
        if (!LOCALES.contains(locale)) {
            throw c.error("trueroi.report.locale", "must be one of " + LOCALES + ", cannot be: " + locale);
        }
        return new ReportSettings(
                c.config().getBoolean("trueroi.report.enabled"),
                c.nonBlank("trueroi.report.out"),
                locale,
                defaultModel(c, attribution));
    }

    /** The configured model; empty means markov if the night runs it, else the first model it runs. */
    private static ModelName defaultModel(ConfigReader c, AttributionSettings attribution) {
        String id = c.config().getString("trueroi.report.model").trim();
        if (!id.isEmpty()) {
            return model(c, "trueroi.report.model", id, attribution);
        }
        return attribution.models().contains(ModelName.MARKOV)
                ? ModelName.MARKOV
                : attribution.models().get(0);
    }

    /** A model the night computes, else an error naming {@code key}. */
    static ModelName model(ConfigReader c, String key, String id, AttributionSettings attribution) {
        try {
            return runModel(id, attribution);
        } catch (IllegalArgumentException e) {
            throw c.error(key, e.getMessage());
        }
    }

    /**
     * The model {@code id} if the night computes it; else an IllegalArgumentException saying why,
     * which the config and {@code report --model} each prefix with their own key.
     */
    public static ModelName runModel(String id, AttributionSettings attribution) {
        ModelName model = ModelName.of(id);
        if (!attribution.models().contains(model)) {
            throw new IllegalArgumentException("must be one of trueroi.attribution.models "
                    + attribution.models().stream().map(ModelName::id).toList() + ", cannot be: " + id);
        }
        return model;
    }
}
