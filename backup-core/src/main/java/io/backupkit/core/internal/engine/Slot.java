package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.BackupStatus;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.FactoryResetStatus;
import io.backupkit.api.ModuleInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.OperationStatus;
import io.backupkit.api.OperationType;
import io.backupkit.api.ProgressListener;
import io.backupkit.api.RestoreStatus;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State;
import io.backupkit.core.internal.state.State.Running;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one operation an engine runs at a time (the spec's single {@code current_operation}), and the
 * {@code device_status} around it: {@link #begin} hands out the slot or fails with {@code BUSY} naming
 * the running operation; {@link #end} records how it ended as {@code latest_backup} or
 * {@code latest_restore} and frees the slot. The running operation is in the state file while it runs,
 * so that a crash is told at the next start ({@link #takeInterrupted}).
 */
public final class Slot implements ServerRecords.User {
    private static final Logger LOG = LoggerFactory.getLogger(Slot.class);
    static final String INTERRUPTED = "Interrupted: the engine stopped during the operation";

    private final EngineState state;
    private final Plugins plugins;
    private final Executor executor;
    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> idleListeners = new CopyOnWriteArrayList<>();
    private RunningOperation running;

    /** @param executor where started operations run; null for a new daemon thread each */
    public Slot(EngineState state, Plugins plugins, Executor executor) {
        this.state = state;
        this.plugins = plugins;
        this.executor = executor != null ? executor : command -> {
            Thread thread = new Thread(command, "backupkit-operation");
            thread.setDaemon(true);
            thread.start();
        };
    }

    /** The progress listeners of every operation. */
    public List<ProgressListener> listeners() {
        return listeners;
    }

    /** Runs after every operation ends (the background scheduler wakes up on it). */
    public void onIdle(Runnable listener) {
        idleListeners.add(listener);
    }

    /**
     * Takes the journal of the operation that was running when the engine last stopped, if any; the
     * caller recovers it and records how it ended with {@link #recordInterrupted}.
     */
    public Running takeInterrupted() {
        synchronized (state.lock()) {
            Running stale = state.data().running;
            if (stale != null) {
                LOG.warn("The {} started at {} was interrupted", stale.info().operationType().wire(),
                        Instant.ofEpochSecond(stale.info().startTime()));
            }
            return stale;
        }
    }

    /** Records how an interrupted operation ended, once recovered, and forgets its journal. */
    void recordInterrupted(Running stale, Ended ended) {
        OperationInfo done = stale.info().withStatus(ended.status(), ended.message());
        synchronized (state.lock()) {
            State data = state.data();
            if (done.operationType() == OperationType.BACKUP) {
                data.latestBackup = done;
            } else {
                data.latestRestore = done;
            }
            data.running = null;
            state.save();
        }
        LOG.warn("The interrupted {} is marked {}: {}", done.operationType().wire(), ended.status().wire(),
                ended.message());
    }

    /**
     * Takes the slot for a new operation, or fails with {@code BUSY}; its journal is in the state before
     * it changes anything.
     */
    RunningOperation begin(Running journal) {
        synchronized (state.lock()) {
            state.checkOpen();
            if (running != null) {
                throw busy();
            }
            RunningOperation operation = new RunningOperation(journal.info(), journal.serverId(), journal.backupId(), 0,
                    listeners);
            state.data().running = journal;
            state.save();
            running = operation;
            return operation;
        }
    }

    /** Takes the slot for an operation that writes no objects and is no restore. */
    RunningOperation begin(OperationInfo info, Long serverId, String backupId) {
        return begin(new Running(info, serverId, backupId));
    }

    /** Writes where the running operation stands, durably, before it goes on. */
    void journal(RunningOperation operation, Running journal) {
        synchronized (state.lock()) {
            if (running != operation) {
                throw new IllegalStateException("the operation does not hold the slot");
            }
            state.data().running = journal;
            state.save();
        }
    }

    /** The journal of the running operation. */
    Running journal() {
        synchronized (state.lock()) {
            return state.data().running;
        }
    }

    /** Records how an operation ended, with its extra properties, and frees the slot. */
    void end(RunningOperation operation, Ended ended, Map<String, Object> properties) {
        OperationInfo info = operation.info();
        Map<String, Object> merged = new LinkedHashMap<>(info.details().properties());
        merged.putAll(properties);
        OperationInfo done = new OperationInfo(info.startTime(), ended.status(), ended.message(),
                withProperties(info.details(), merged));
        operation.info(done);
        synchronized (state.lock()) {
            State data = state.data();
            if (done.operationType() == OperationType.BACKUP) {
                data.latestBackup = done;
            } else {
                data.latestRestore = done;
            }
            data.running = null;
            running = null;
            try {
                state.save();
            } finally {
                state.lock().notifyAll();
            }
        }
        operation.complete(ended.message());
        idleListeners.forEach(Runnable::run);
    }

    /**
     * Records an operation that failed before it could take the slot (a scheduled backup refused as it was
     * about to start), as {@code latest_backup} or {@code latest_restore}; the running operation, if any,
     * stays as it is.
     */
    void recordUnstarted(OperationInfo failed) {
        synchronized (state.lock()) {
            if (failed.operationType() == OperationType.BACKUP) {
                state.data().latestBackup = failed;
            } else {
                state.data().latestRestore = failed;
            }
            state.save();
        }
    }

    private static OperationStatus withProperties(OperationStatus details, Map<String, Object> properties) {
        if (details instanceof BackupStatus b) {
            return new BackupStatus(b.name(), b.serverName(), b.backupId(), b.sbuId(), properties);
        }
        if (details instanceof RestoreStatus r) {
            return new RestoreStatus(r.serverName(), r.backupId(), properties);
        }
        return new FactoryResetStatus(properties);
    }

    /** {@code BUSY}, naming the running operation. */
    BackupException busy() {
        RunningOperation operation;
        synchronized (state.lock()) {
            operation = running;
        }
        if (operation == null) {
            return new BackupException(ErrorCode.BUSY, "Another operation is running");
        }
        OperationInfo info = operation.info();
        String what = info.operationType().wire();
        if (info.details() instanceof BackupStatus b) {
            what += " '" + b.name() + "' to server '" + b.serverName() + "'";
        } else if (info.details() instanceof RestoreStatus r) {
            what += " of backup '" + r.backupId() + "' from server '" + r.serverName() + "'";
        }
        return new BackupException(ErrorCode.BUSY, "The engine is busy: the " + what + " started at "
                + Instant.ofEpochSecond(info.startTime()) + " is running");
    }

    /** The id of the backup being written now, or null. */
    String currentBackupId() {
        synchronized (state.lock()) {
            return running == null ? null : running.backupId();
        }
    }

    @Override
    public void checkNotUsing(Server server) {
        synchronized (state.lock()) {
            if (running != null && running.serverId() != null && running.serverId() == server.id()) {
                throw busy();
            }
        }
    }

    /** Asks the running operation to stop; false when nothing runs. */
    public boolean abort() {
        synchronized (state.lock()) {
            if (running == null) {
                return false;
            }
            running.cancel();
            return true;
        }
    }

    /** Waits until no operation runs, at most {@code timeout}; true when idle. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (state.lock()) {
            while (running != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    state.lock().wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Runs a prepared operation on the executor. When the executor refuses it, the operation ends failed
     * at once and the refusal is thrown.
     */
    public <T> CompletableFuture<T> start(Prepared<T> prepared) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    future.complete(prepared.run());
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            BackupException refused = new BackupException(ErrorCode.INTERNAL, "The engine's executor refused the "
                    + prepared.info().operationType().wire() + ": " + e.getMessage(), e);
            prepared.cancel(refused);
            throw refused;
        }
        return future;
    }

    /** The spec's {@code device_status}. */
    public DeviceStatus deviceStatus() {
        List<ModuleInfo> backup = new ArrayList<>();
        List<ModuleInfo> restore = new ArrayList<>();
        plugins.modules().forEach((name, m) -> {
            if (m.canBackup()) {
                backup.add(plugins.info(name));
            }
            if (m.canRestore()) {
                restore.add(plugins.info(name));
            }
        });
        synchronized (state.lock()) {
            State data = state.data();
            return new DeviceStatus(backup, restore, running == null ? null : running.current(), data.latestBackup,
                    data.latestRestore, data.systemId);
        }
    }
}
