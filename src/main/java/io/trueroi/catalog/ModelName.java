package io.trueroi.catalog;

/**
 * The attribution models, in the order the README lists them. The id is the value of
 * {@code attribution.credits.model} and of {@code trueroi.attribution.models}.
 */
public enum ModelName {
    FIRST_TOUCH,
    LAST_TOUCH,
    LAST_NON_DIRECT,
    LINEAR,
    POSITION_BASED,
    TIME_DECAY,
    MARKOV,
    SHAPLEY,
    INCREMENTAL;

    /** {@code first_touch}, {@code markov}, ... */
    public String id() {
        return Ids.of(this);
    }

    /** The model named {@code id}; throws naming the known ids otherwise. */
    public static ModelName of(String id) {
        return Ids.parse(ModelName.class, id, "model", "some of");
    }
}
