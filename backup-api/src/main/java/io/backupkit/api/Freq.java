package io.backupkit.api;

import java.util.Optional;

/** The frequency of a recurrence rule. QUARTERLY is MONTHLY with the interval times 3; ONETIME is a single run at dtstart. */
public enum Freq implements WireValue {
    YEARLY("YEARLY"),
    QUARTERLY("QUARTERLY"),
    MONTHLY("MONTHLY"),
    WEEKLY("WEEKLY"),
    DAILY("DAILY"),
    HOURLY("HOURLY"),
    ONETIME("ONETIME");

    private final String wire;

    Freq(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** The constant whose wire value is exactly {@code value}; empty when there is none. */
    public static Optional<Freq> fromWire(String value) {
        return WireValue.fromWire(Freq.class, value);
    }
}
