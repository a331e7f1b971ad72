package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.internal.failure.Failures;
import io.backupkit.core.internal.state.EngineState;
import io.backupkit.core.internal.state.State.ModuleJournal;
import io.backupkit.core.internal.state.State.Phase;
import io.backupkit.core.internal.state.State.RestoreJournal;
import io.backupkit.core.internal.state.State.Running;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Transport;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine does at start-up, before anything else, about an operation a crash stopped: from the
 * journal it wrote before every change, a restore goes forward when every stage was prepared and the
 * archive verified (the restore then completed), and back otherwise; a backup's record is marked failed
 * and what it had uploaded is removed. Then the leftovers that could not be removed earlier are.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final Slot slot;
    private final ServerRecords servers;
    private final Plugins plugins;
    private final Leftovers leftovers;

    public Recovery(Slot slot, ServerRecords servers, Plugins plugins, EngineState state) {
        this.slot = slot;
        this.servers = servers;
        this.plugins = plugins;
        this.leftovers = new Leftovers(state, servers);
    }

    /** Retries the removal of leftovers that could not be removed earlier (after every operation). */
    public void retryLeftovers() {
        try {
            leftovers.retry();
        } catch (RuntimeException e) {
            LOG.warn("Retrying the removal of leftovers failed: {}", e.toString());
        }
    }

    /** Recovers the interrupted operation, if any, and retries the removal of leftovers. */
    public void run() {
        Running stale = slot.takeInterrupted();
        if (stale != null) {
            Ended ended = switch (stale.info().operationType()) {
                case BACKUP -> backup(stale);
                case RESTORE -> restore(stale);
                case RESET_FACTORY -> interrupted("");
            };
            slot.recordInterrupted(stale, ended);
        }
        leftovers.retry();
    }

    private static Ended interrupted(String what) {
        return new Ended.Failed(new BackupException(ErrorCode.INTERNAL, Slot.INTERRUPTED + what));
    }

    /**
     * Marks the backup's record failed and removes what it uploaded (now, or later when the server is
     * down); a backup whose record says completed had finished on the server when the engine stopped, and
     * stays, completed.
     */
    private Ended backup(Running stale) {
        if (stale.serverId() == null || stale.backupId() == null) {
            return interrupted("");
        }
        try {
            Server server = servers.get(stale.serverId());
            try (Transport transport = servers.open(server)) {
                Sidecar sidecar = Sidecar.read(transport, Sidecar.name(stale.backupId()));
                if (sidecar.backup().status() == Status.COMPLETED) {
                    for (String name : stale.objects()) {
                        transport.removeTemporaries(name);
                    }
                    return new Ended.Completed("Backup completed (the engine stopped as it ended)");
                }
                if (sidecar.backup().status() == Status.STARTED) {
                    sidecar.with(sidecar.backup().withStatus(Status.FAILED, 0)).write(transport, true);
                }
                Leftovers.remove(transport, stale.objects());
            }
        } catch (IOException | RuntimeException e) {
            if (Failures.find(e, NoSuchFileException.class) == null) {
                LOG.warn("Cannot clean up the interrupted backup '{}' on its server now ({}); later", stale.backupId(),
                        e.getMessage());
            }
            leftovers.removeOrRemember(stale.serverId(), stale.objects());
        }
        return interrupted("; what it had uploaded is removed");
    }

    /**
     * Brings every module of an interrupted restore to one side: forward (the staged data) when the crash
     * came after every stage was prepared and the archive verified, back otherwise.
     */
    private Ended restore(Running stale) {
        RestoreJournal journal = stale.restore();
        if (journal == null) {
            return interrupted("");
        }
        boolean forward = journal.phase() == Phase.COMMITTING || journal.phase() == Phase.FINISHING;
        List<String> failures = new ArrayList<>();
        for (ModuleJournal m : journal.modules()) {
            BackupModule module = plugins.module(m.module());
            try {
                if (module == null) {
                    throw new BackupException(ErrorCode.NOT_SUPPORTED, "it is not installed any more");
                }
                module.recover(journal.restoreId(), m.journal(), forward);
            } catch (IOException | RuntimeException e) {
                String reason = e instanceof BackupException ? e.getMessage() : Failures.describe(e);
                LOG.error("Module '{}' could not recover the interrupted restore {}: {}", m.module(),
                        journal.restoreId(), reason);
                failures.add("module '" + m.module() + "' could not be recovered: " + reason);
            }
        }
        if (!failures.isEmpty()) {
            return interrupted("; " + String.join("; ", failures));
        }
        if (forward) {
            return new Ended.Completed("Restore completed: the engine stopped during its commit and finished it at"
                    + " its next start");
        }
        return interrupted("; every module's data is as it was before the restore");
    }
}
