package io.backupkit.api;

import java.util.Optional;

/** The kind of an operation. */
public enum OperationType implements WireValue {
    BACKUP("backup"),
    RESTORE("restore"),
    RESET_FACTORY("reset-factory");

    private final String wire;

    OperationType(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** The constant whose wire value is exactly {@code value}; empty when there is none. */
    public static Optional<OperationType> fromWire(String value) {
        return WireValue.fromWire(OperationType.class, value);
    }
}
