package io.backupkit.core.internal.engine;

import io.backupkit.api.BackupException;
import io.backupkit.api.DigestCheck;
import io.backupkit.api.ErrorCode;
import io.backupkit.core.internal.state.EngineState;

/**
 * The digest of every backup this engine made, kept in its own state: a checksum stored next to the
 * data on a filer only detects accidents (whoever can rewrite the archive can rewrite its record), so a
 * restore or verify of one of its own backups also compares the filer's digest with this record.
 */
final class DigestRecords {
    private final EngineState state;

    DigestRecords(EngineState state) {
        this.state = state;
    }

    void record(String backupId, String digest) {
        synchronized (state.lock()) {
            state.data().digests.put(backupId, digest);
            state.save();
        }
    }

    void forget(String backupId) {
        synchronized (state.lock()) {
            if (state.data().digests.remove(backupId) != null) {
                state.save();
            }
        }
    }

    /**
     * Compares the digest a filer holds for a backup with this engine's record, whatever the filer's
     * record claims about who wrote it.
     *
     * @throws BackupException INTEGRITY when they differ
     */
    DigestCheck check(String backupId, String digest) {
        DigestCheck check = compare(backupId, digest);
        if (check == DigestCheck.DIFFERS) {
            String recorded;
            synchronized (state.lock()) {
                recorded = state.data().digests.get(backupId);
            }
            throw new BackupException(ErrorCode.INTEGRITY, "The filer's copy of backup '" + backupId + "' differs"
                    + " from what this device wrote: its digest is " + digest + ", this device recorded " + recorded);
        }
        return check;
    }

    /** As {@link #check}, saying that they differ rather than throwing. */
    DigestCheck compare(String backupId, String digest) {
        String recorded;
        synchronized (state.lock()) {
            recorded = state.data().digests.get(backupId);
        }
        if (recorded == null) {
            return DigestCheck.NOT_RECORDED;
        }
        return recorded.equals(digest) ? DigestCheck.MATCHED : DigestCheck.DIFFERS;
    }
}
