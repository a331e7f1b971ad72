package io.backupkit.core.internal.failure;

import static java.util.Objects.requireNonNull;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.io.IOException;

/**
 * An I/O failure of one party's stream or call, tagged where it happened so that it keeps its owner
 * however deep in a module or a pipe it surfaces. {@link Failures#classify} finds it in any chain of
 * causes and reports it as that party's failure.
 */
public final class PartyFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private final Party party;
    private final String who;
    private final String where;

    /**
     * @param who what failed, for the start of the message ({@code Server 'filer'}); never null
     * @param where its address: {@code user@host:port}, a directory or a file; never null
     */
    public PartyFailure(Party party, String who, String where, Throwable cause) {
        super(Failures.describe(cause), cause);
        this.party = requireNonNull(party, "party is null");
        this.who = requireNonNull(who, "who is null");
        this.where = requireNonNull(where, "where is null");
    }

    public Party party() {
        return party;
    }

    /** The failure as the engine reports it. */
    public BackupException toBackupException() {
        String reason = getMessage();
        return switch (party) {
            case TRANSPORT -> new BackupException(ErrorCode.TRANSPORT_FAILED, who + ": "
                    + (reason.contains(where) ? reason : where + ": " + reason), getCause());
            case CLIENT -> new BackupException(ErrorCode.INVALID_INPUT, "The archive could not be read: " + reason,
                    getCause());
            case LOCAL -> new BackupException(ErrorCode.INTERNAL, who + " " + where + ": " + reason, getCause());
        };
    }
}
