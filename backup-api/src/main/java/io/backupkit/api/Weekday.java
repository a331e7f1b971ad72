package io.backupkit.api;

import java.util.Optional;

/** A day of the week in a recurrence rule (plain day codes only; no ordinal prefix). */
public enum Weekday implements WireValue {
    SU("SU"),
    MO("MO"),
    TU("TU"),
    WE("WE"),
    TH("TH"),
    FR("FR"),
    SA("SA");

    private final String wire;

    Weekday(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** The constant whose wire value is exactly {@code value}; empty when there is none. */
    public static Optional<Weekday> fromWire(String value) {
        return WireValue.fromWire(Weekday.class, value);
    }
}
