package io.backupkit.core.internal.engine;

import static java.util.Objects.requireNonNull;

/** The device identity recorded in every backup. */
public record Identity(String hostname, String model, String serial, String swVersion) {
    public Identity {
        requireNonNull(hostname, "hostname is null");
        requireNonNull(model, "model is null");
        requireNonNull(serial, "serial is null");
        requireNonNull(swVersion, "swVersion is null");
    }
}
