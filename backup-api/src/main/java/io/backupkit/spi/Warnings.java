package io.backupkit.spi;

/**
 * Where a module reports what it kept or skipped with a reservation, without failing the operation: a
 * file that changed while it was read, an unreadable file it was told to skip. The engine lists every
 * warning in the operation's info ({@code warnings}: module, subject, reason), in the backup's record
 * on the server, and as a progress event. Thread-safe.
 */
@FunctionalInterface
public interface Warnings {
    /**
     * Reports a warning.
     *
     * @param subject what it concerns, for example the entry name or the path; never null
     * @param reason what happened, with the OS reason where there is one; never null
     */
    void warn(String subject, String reason);

    /** Warnings that go nowhere: for running a module outside the engine, where nobody listens. */
    static Warnings none() {
        return (subject, reason) -> {
        };
    }
}
