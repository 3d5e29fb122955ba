package io.trueroi.catalog;

import java.util.Arrays;
import java.util.Locale;

/** The lower-case ids the catalogue's enumerations are stored and configured by. */
final class Ids {
    private Ids() {}

    static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose id is {@code id}; throws "unknown WHAT id; expected ONE_OF [ids]" otherwise. */
    static <E extends Enum<E>> E parse(Class<E> type, String id, String what, String oneOf) {
        E[] values = type.getEnumConstants();
        return Arrays.stream(values)
                .filter(e -> of(e).equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " " + id + "; expected " + oneOf
                        + " " + Arrays.stream(values).map(Ids::of).toList()));
    }
}
