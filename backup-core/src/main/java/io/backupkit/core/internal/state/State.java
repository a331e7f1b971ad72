package io.backupkit.core.internal.state;

import io.backupkit.api.OperationInfo;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.core.ScheduleRun;
import io.backupkit.core.internal.schedule.Occurrence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the engine remembers, as {@link StateStore} writes it to {@code state.json}. Mutable; the engine
 * guards it with the lock of its {@link EngineState}.
 */
public final class State {
    /** The engine's system id, recorded in every backup it writes. */
    public String systemId;
    /** The id the next server gets. */
    public long nextServerId = 1;
    /** The servers, without private keys (those are files of their own). */
    public final List<Server> servers = new ArrayList<>();
    /** The host key fingerprint trusted per server id. */
    public final Map<Long, String> hostKeys = new LinkedHashMap<>();
    /** The scheduled backups and what the scheduler remembers of each. */
    public final List<ScheduleState> schedules = new ArrayList<>();
    /** The last finished backup, restore; null before the first. */
    public OperationInfo latestBackup;
    public OperationInfo latestRestore;
    /** The operation running now, so that a crash can be told and undone at the next start; null when idle. */
    public Running running;
    /**
     * The digest of every backup this engine made and has not deleted, by backup id: a filer that swaps
     * in a self-consistent archive is told by its digest.
     */
    public final Map<String, String> digests = new LinkedHashMap<>();
    /** Objects on servers that interrupted or failed backups left and that could not be removed yet. */
    public final List<Cleanup> cleanups = new ArrayList<>();

    /**
     * An operation in progress, written before it changes anything: the journal the next start recovers
     * from when a crash stops it.
     *
     * @param info its info as it started
     * @param serverId the server it uses; null for a factory reset
     * @param backupId the backup it writes; null unless a backup
     * @param objects the objects a backup writes on its server (record, archive, manifest copy); never null
     * @param restore where a restore stands; null unless a restore
     */
    public record Running(OperationInfo info, Long serverId, String backupId, List<String> objects,
            RestoreJournal restore) {
        public Running {
            objects = List.copyOf(objects);
        }

        /** A running operation that writes nothing on a server and is no restore. */
        public Running(OperationInfo info, Long serverId, String backupId) {
            this(info, serverId, backupId, List.of(), null);
        }

        public Running with(RestoreJournal newRestore) {
            return new Running(info, serverId, backupId, objects, newRestore);
        }
    }

    /** Where a restore stands: before any live change, committing, rolling back, or finishing. */
    public enum Phase {
        /** Modules stage their data; nothing live has changed. A crash here is rolled back. */
        PREPARING,
        /** Every stage is prepared and the archive verified: the restore goes forward. */
        COMMITTING,
        /** A commit failed: the restore goes back. */
        ROLLING_BACK,
        /** Every module committed: only the kept previous data is left to delete. */
        FINISHING
    }

    /**
     * A restore's journal.
     *
     * @param restoreId the id its modules name their temporaries with
     * @param phase where it stands
     * @param modules each module's journal ({@code RestoreStage.journal()}), once prepared
     */
    public record RestoreJournal(String restoreId, Phase phase, List<ModuleJournal> modules) {
        public RestoreJournal {
            modules = List.copyOf(modules);
        }

        public RestoreJournal with(Phase newPhase, List<ModuleJournal> newModules) {
            return new RestoreJournal(restoreId, newPhase, newModules);
        }
    }

    /** One module of a restore and what its stage needs to be recovered. */
    public record ModuleJournal(String module, Map<String, String> journal) {
        public ModuleJournal {
            journal = Map.copyOf(journal);
        }
    }

    /** Objects to remove from a server (with their temporaries) once it can be reached. */
    public record Cleanup(long serverId, List<String> objects) {
        public Cleanup {
            objects = List.copyOf(objects);
        }
    }

    /**
     * One scheduled backup and the scheduler's bookkeeping. Instants are kept exact, to the nanosecond.
     *
     * @param created when its rule was set (created, or its rule changed): the start of a rule without
     *     {@code dtstart}
     * @param handled the last occurrence handled (run or skipped), or null
     * @param lastRun when its last backup started, or null
     * @param pending a run that found the engine busy and waits for it, or null
     * @param retryAt when a failed run is retried, or null
     * @param attempt the retry in progress or planned (0: none)
     * @param cursor its next occurrence; null in a state written before cursors were kept
     * @param lastOutcome what became of its last run, or null
     */
    public record ScheduleState(ScheduledBackup schedule, Instant created, Instant handled, Instant lastRun,
            Pending pending, Instant retryAt, int attempt, Cursor cursor, ScheduleRun lastOutcome) {
    }

    /**
     * The next occurrence of a schedule's rule, with its position (exact from dtstart when the rule has COUNT).
     *
     * @param next the occurrence; null when the rule has ended
     */
    public record Cursor(Occurrence next) {
        /** The cursor of a rule that has ended. */
        public static final Cursor ENDED = new Cursor(null);
    }

    /** A run waiting for a busy engine. */
    public record Pending(Instant occurrence, boolean catchUp, int missed) {
    }
}
