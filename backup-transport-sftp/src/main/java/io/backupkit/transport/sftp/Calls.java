package io.backupkit.transport.sftp;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The threads inside a transport's calls to sshj, so that closing the transport from another thread
 * ends the calls that wait for a silent server. Most of sshj's waits end when the connection is torn
 * down, but a write waiting for the server's channel window waits in {@link Object#wait(long)} while it
 * holds the channel's stream, which the tear-down needs too: only an interrupt ends that wait before the
 * I/O timeout. So {@link #close()} interrupts the threads inside a call, and the call clears that
 * interrupt when it ends: its caller sees the call's {@link IOException}, and no interrupt status.
 * Thread-safe.
 */
final class Calls {
    /** A call to sshj. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    private final String closedMessage;
    private final Set<Thread> inside = new HashSet<>(); // guarded by this
    private final Set<Thread> interrupted = new HashSet<>(); // guarded by this
    private volatile boolean closed; // written under this

    /** Calls that fail with {@code closedMessage} once closed. */
    Calls(String closedMessage) {
        this.closedMessage = closedMessage;
    }

    /** Runs {@code call}, or fails when closed; calls may nest. */
    <T> T run(Call<T> call) throws IOException {
        Thread self = Thread.currentThread();
        boolean outermost;
        synchronized (this) {
            if (closed) {
                throw new IOException(closedMessage);
            }
            outermost = inside.add(self);
        }
        try {
            return call.run();
        } finally {
            if (outermost) {
                synchronized (this) {
                    inside.remove(self);
                    if (interrupted.remove(self)) {
                        Thread.interrupted(); // ours, sent to end the wait: not the caller's
                    }
                }
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Lets no call start from now on and interrupts the threads inside one.
     *
     * @return how many threads were inside a call, or -1 when already closed
     */
    synchronized int close() {
        if (closed) {
            return -1;
        }
        closed = true;
        for (Thread thread : inside) {
            interrupted.add(thread);
            thread.interrupt();
        }
        return inside.size();
    }
}
