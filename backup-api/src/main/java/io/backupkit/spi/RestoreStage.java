package io.backupkit.spi;

import java.io.IOException;

/**
 * What a module staged in {@link BackupModule#prepare}: data ready to replace the live data, not yet
 * in place. The engine calls {@link #commit()} only when every module prepared successfully and the
 * whole archive verified; then {@link #finish()} on every stage. On any failure it calls
 * {@link #rollback()} on every stage, committed or not.
 */
public interface RestoreStage {
    /** Puts the staged data in place of the live data, keeping the live data for a rollback. */
    void commit() throws IOException;

    /**
     * Discards the stage; when {@link #commit()} already ran, puts the previous live data back. Must be
     * safe to call more than once.
     */
    void rollback() throws IOException;

    /** Deletes what was kept for a rollback, once the whole restore committed. */
    default void finish() throws IOException {
    }
}
