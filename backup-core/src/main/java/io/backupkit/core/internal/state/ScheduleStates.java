package io.backupkit.core.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.core.ScheduleRun;
import io.backupkit.core.internal.json.ModelTrees;
import io.backupkit.core.internal.json.StrictObject;
import io.backupkit.core.internal.json.StrictObject.Mismatch;
import io.backupkit.core.internal.schedule.Occurrence;
import io.backupkit.core.internal.state.State.Cursor;
import io.backupkit.core.internal.state.State.Pending;
import io.backupkit.core.internal.state.State.ScheduleState;
import java.time.Instant;
import java.util.Arrays;

/** A schedule's bookkeeping in {@code state.json} ({@link ScheduleState}), read strictly. */
final class ScheduleStates {
    private ScheduleStates() {
    }

    static ScheduleState read(StrictObject f) {
        StrictObject pendingFields = f.object("pending");
        Pending pending = null;
        if (pendingFields != null) {
            pending = new Pending(pendingFields.instant("occurrence", true), pendingFields.bool("catch_up"),
                    (int) pendingFields.number("missed", true, 0, Integer.MAX_VALUE));
            pendingFields.done();
        }
        ScheduledBackup schedule = f.model("schedule", ScheduledBackup.class, true);
        ScheduleState s = new ScheduleState(schedule, f.instant("created", true), f.instant("handled", false),
                f.instant("last_run", false), pending, f.instant("retry_at", false),
                (int) f.number("attempt", false, 0, Integer.MAX_VALUE), cursor(f.object("cursor")),
                lastOutcome(f.object("last_outcome"), schedule.id()));
        f.done();
        return s;
    }

    private static Cursor cursor(StrictObject f) {
        if (f == null) {
            return null;
        }
        Instant next = f.instant("next", false);
        Cursor cursor = next == null ? Cursor.ENDED
                : new Cursor(new Occurrence(next, f.number("index", true, 1, Long.MAX_VALUE)));
        f.done();
        return cursor;
    }

    private static ScheduleRun lastOutcome(StrictObject f, String scheduleId) {
        if (f == null) {
            return null;
        }
        String kind = f.text("outcome", true);
        ScheduleRun.Outcome outcome = switch (kind) {
            case "completed" -> new ScheduleRun.Completed(f.text("backup_id", true));
            case "waiting" -> new ScheduleRun.Waiting();
            case "failed" -> new ScheduleRun.Failed(new BackupException(errorCode(f), f.text("message", true)));
            default -> throw new Mismatch(f.path() + ".outcome: must be completed, waiting or failed (got '" + kind
                    + "')");
        };
        ScheduleRun run = new ScheduleRun(scheduleId, f.instant("occurrence", false), outcome,
                f.has("catch_up") && f.bool("catch_up"), (int) f.number("attempt", false, 0, Integer.MAX_VALUE));
        f.done();
        return run;
    }

    private static ErrorCode errorCode(StrictObject f) {
        String name = f.text("error_code", true);
        return Arrays.stream(ErrorCode.values()).filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new Mismatch(f.path() + ".error_code: must be an error code such as MODULE_FAILED"
                        + " (got '" + name + "')"));
    }

    static void write(ScheduleState s, ObjectNode node) {
        node.set("schedule", ModelTrees.tree(s.schedule()));
        StateStore.put(node, "created", s.created());
        StateStore.put(node, "handled", s.handled());
        StateStore.put(node, "last_run", s.lastRun());
        if (s.pending() != null) {
            ObjectNode pending = node.putObject("pending");
            StateStore.put(pending, "occurrence", s.pending().occurrence());
            pending.put("catch_up", s.pending().catchUp()).put("missed", s.pending().missed());
        }
        StateStore.put(node, "retry_at", s.retryAt());
        if (s.attempt() != 0) {
            node.put("attempt", s.attempt());
        }
        if (s.cursor() != null) {
            ObjectNode cursor = node.putObject("cursor");
            if (s.cursor().next() != null) {
                StateStore.put(cursor, "next", s.cursor().next().at());
                cursor.put("index", s.cursor().next().index());
            }
        }
        ScheduleRun last = s.lastOutcome();
        if (last != null) {
            ObjectNode outcome = node.putObject("last_outcome");
            StateStore.put(outcome, "occurrence", last.occurrence());
            if (last.outcome() instanceof ScheduleRun.Completed completed) {
                outcome.put("outcome", "completed").put("backup_id", completed.backupId());
            } else if (last.outcome() instanceof ScheduleRun.Failed failed) {
                outcome.put("outcome", "failed").put("error_code", failed.reason().code().name())
                        .put("message", String.valueOf(failed.reason().getMessage()));
            } else {
                outcome.put("outcome", "waiting");
            }
            if (last.catchUp()) {
                outcome.put("catch_up", true);
            }
            if (last.attempt() != 0) {
                outcome.put("attempt", last.attempt());
            }
        }
    }
}
