package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Timeouts of a transport's connections.
 *
 * @param connectTimeout how long to wait for a connection and the server's greeting
 * @param ioTimeout how long one read or write may wait for the server before the transfer fails
 * @param keepAlive how often to send a keep-alive on an idle connection; zero for never
 */
public record TransportSettings(Duration connectTimeout, Duration ioTimeout, Duration keepAlive) {
    /** 10 s to connect, 60 s per read or write, a keep-alive every 15 s. */
    public static final TransportSettings DEFAULTS = new TransportSettings(Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(15));

    public TransportSettings {
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(ioTimeout, "ioTimeout is null");
        requireNonNull(keepAlive, "keepAlive is null");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || ioTimeout.isNegative() || ioTimeout.isZero()
                || keepAlive.isNegative()) {
            throw new IllegalArgumentException("Timeouts must be positive: " + connectTimeout + ", " + ioTimeout
                    + ", keep-alive " + keepAlive);
        }
    }
}
