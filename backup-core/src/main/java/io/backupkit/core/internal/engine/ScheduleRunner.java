package io.backupkit.core.internal.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the schedules in the background: sleeps until the next run is due (at most a minute, so that a
 * jump of the clock is noticed), calls {@link Schedules#runDue}, survives its failures, and wakes at
 * once when an operation ends (a run that found the engine busy is waiting). Stops on {@link #close()}.
 */
public final class ScheduleRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRunner.class);
    private static final Duration LONGEST_SLEEP = Duration.ofMinutes(1);

    private final Schedules schedules;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final boolean ownExecutor;
    private final Object ticking = new Object();
    private ScheduledFuture<?> next;
    private boolean closed;

    /**
     * Starts running.
     *
     * @param executor the host's executor, or null for a daemon thread of the runner's own
     */
    public ScheduleRunner(Schedules schedules, Clock clock, ScheduledExecutorService executor) {
        this.schedules = schedules;
        this.clock = clock;
        this.ownExecutor = executor == null;
        this.executor = executor != null ? executor : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "backupkit-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        plan(Duration.ZERO);
    }

    /** Runs what is due as soon as possible (after an operation ended). */
    public void wake() {
        plan(Duration.ZERO);
    }

    private synchronized void plan(Duration delay) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = executor.schedule(this::tick, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        synchronized (ticking) {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            try {
                schedules.runDue(clock.instant());
            } catch (Throwable e) {
                LOG.error("The scheduler failed; it goes on: {}", e.toString(), e);
            }
        }
        Instant now = clock.instant();
        Duration sleep = schedules.nextWake().map(at -> Duration.between(now, at)).orElse(LONGEST_SLEEP);
        if (sleep.compareTo(LONGEST_SLEEP) > 0) {
            sleep = LONGEST_SLEEP;
        }
        if (sleep.isNegative()) {
            sleep = Duration.ofSeconds(1); // still due: it waits for a busy engine, which wakes us anyway
        }
        plan(sleep);
    }

    /** Stops planning runs and waits (up to a minute) for a run in progress to end. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        if (ownExecutor) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        synchronized (ticking) {
            // a tick on the host's executor holds this monitor until it ends
        }
    }
}
