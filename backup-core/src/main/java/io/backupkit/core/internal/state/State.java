package io.backupkit.core.internal.state;

import io.backupkit.api.OperationInfo;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
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
    /** The operation running now, so that a crash can be told at the next start; null when idle. */
    public Running running;

    /** An operation in progress: its info and where its backup goes. */
    public record Running(OperationInfo info, Long serverId, String backupId) {
    }

    /**
     * One scheduled backup and the scheduler's bookkeeping.
     *
     * @param created when it was created: the start of a rule without {@code dtstart}
     * @param handled the last occurrence handled (run or skipped), or null
     * @param lastRun when its last backup started, or null
     * @param pending a run that found the engine busy and waits for it, or null
     * @param retryAt when a failed run is retried, or null
     * @param attempt the retry in progress or planned (0: none)
     */
    public record ScheduleState(ScheduledBackup schedule, Instant created, Instant handled, Instant lastRun,
            Pending pending, Instant retryAt, int attempt) {
    }

    /** A run waiting for a busy engine. */
    public record Pending(Instant occurrence, boolean catchUp, int missed) {
    }
}
