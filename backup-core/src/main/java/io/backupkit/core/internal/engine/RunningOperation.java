package io.backupkit.core.internal.engine;

import io.backupkit.api.CurrentOperation;
import io.backupkit.api.OperationDetailsBackup;
import io.backupkit.api.OperationDetailsRestore;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Progress;
import io.backupkit.api.ProgressEvent;
import io.backupkit.api.ProgressListener;
import io.backupkit.spi.Cancellation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one operation an engine runs: its info, its live progress (monotonic) and its cancellation.
 * Progress is published to {@code device_status} and to the listeners from the same events.
 */
public final class RunningOperation implements Cancellation {
    private static final Logger LOG = LoggerFactory.getLogger(RunningOperation.class);

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final List<AutoCloseable> closeOnCancel = new CopyOnWriteArrayList<>();
    private final List<ProgressListener> listeners;
    private volatile OperationInfo info;
    private volatile OperationDetailsBackup backupDetails;
    private volatile OperationDetailsRestore restoreDetails;
    private volatile Progress progress;
    private final Long serverId;
    private final String backupId;
    private long entries;

    public RunningOperation(OperationInfo info, Long serverId, String backupId, long total,
            List<ProgressListener> listeners) {
        this.info = info;
        this.serverId = serverId;
        this.backupId = backupId;
        this.listeners = listeners;
        this.progress = new Progress(0, Math.max(total, 0), info.statusMessage());
    }

    /** The server the operation uses; null for a factory reset. */
    public Long serverId() {
        return serverId;
    }

    /** The id of the backup being written; null unless this is a backup. */
    public String backupId() {
        return backupId;
    }

    public OperationInfo info() {
        return info;
    }

    public void info(OperationInfo newInfo) {
        info = newInfo;
    }

    public void details(OperationDetailsBackup backup, OperationDetailsRestore restore) {
        backupDetails = backup;
        restoreDetails = restore;
    }

    /** The {@code current_operation} of {@code device_status}. */
    public CurrentOperation current() {
        return new CurrentOperation(info, progress, backupDetails, restoreDetails, Map.of());
    }

    /**
     * Asks the operation to stop: it checks between entries, and what may block it (a transport waiting
     * for a server that stopped answering) is closed under it, so that the blocked call fails at once.
     */
    public void cancel() {
        cancelled.set(true);
        for (AutoCloseable resource : closeOnCancel) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.debug("Closing {} on abort failed: {}", resource, e.toString());
            }
        }
    }

    /** Closes {@code resource} when the operation is cancelled (at once if it is already). */
    public void closeOnCancel(AutoCloseable resource) {
        closeOnCancel.add(resource);
        if (cancelled.get()) {
            cancel();
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Raises the total (never lowers it). */
    public synchronized void total(long total) {
        if (total > progress.total()) {
            progress = new Progress(progress.completed(), total, progress.statusMessage());
        }
    }

    /** Adds completed steps and publishes them; the total grows if an estimate was too low. */
    public synchronized void advance(String module, long steps, long newEntries, String message) {
        entries += newEntries;
        long completed = progress.completed() + Math.max(steps, 0);
        long total = Math.max(progress.total(), completed);
        progress = new Progress(completed, total, message);
        publish(module);
    }

    /** Publishes a new message without new steps. */
    public synchronized void message(String module, String message) {
        progress = new Progress(progress.completed(), progress.total(), message);
        publish(module);
    }

    /** Completes the progress: completed equals total. */
    public synchronized void complete(String message) {
        progress = new Progress(progress.total(), progress.total(), message);
        publish(null);
    }

    private void publish(String module) {
        ProgressEvent event = new ProgressEvent(info.operationType(), module, progress.completed(), progress.total(),
                entries, progress.statusMessage());
        for (ProgressListener listener : listeners) {
            try {
                listener.onProgress(event);
            } catch (RuntimeException e) {
                LOG.warn("A progress listener failed: {}", e.toString());
            }
        }
    }
}
