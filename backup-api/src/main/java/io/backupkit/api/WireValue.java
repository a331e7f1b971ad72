package io.backupkit.api;

import java.util.Optional;

/** An enumeration of the specification, with its exact JSON value. */
public interface WireValue {
    /** The value exactly as the specification spells it on the wire. */
    String wire();

    /** The constant of {@code type} whose wire value is exactly {@code value}; empty when none is. */
    static <E extends Enum<E> & WireValue> Optional<E> fromWire(Class<E> type, String value) {
        for (E candidate : type.getEnumConstants()) {
            if (candidate.wire().equals(value)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
