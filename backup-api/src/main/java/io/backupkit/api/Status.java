package io.backupkit.api;

import java.util.Optional;

/** Status description of a backup or an operation. */
public enum Status implements WireValue {
    STARTED("started"),
    COMPLETED("completed"),
    FAILED("failed"),
    ABORTED("aborted");

    private final String wire;

    Status(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** The constant whose wire value is exactly {@code value}; empty when there is none. */
    public static Optional<Status> fromWire(String value) {
        return WireValue.fromWire(Status.class, value);
    }
}
