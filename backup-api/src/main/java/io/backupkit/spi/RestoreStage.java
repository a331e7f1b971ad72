package io.backupkit.spi;

import java.io.IOException;
import java.util.Map;

/**
 * What a module staged in {@link BackupModule#prepare}: data ready to replace the live data, not yet
 * in place. The engine calls {@link #commit()} only when every module prepared successfully and the
 * whole archive verified; then {@link #finish()} on every stage. On any failure it calls
 * {@link #rollback()} on every stage, committed or not.
 *
 * <p>A crash may stop the process between any two instructions of {@link #commit()} or
 * {@link #rollback()}. Before the first live change the engine records {@link #journal()} durably; at
 * its next start it calls {@link BackupModule#recover} with it, so that the module's live data ends up
 * complete old data or complete new data, never missing and never mixed.
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

    /**
     * What {@link BackupModule#recover} needs, besides the restore's id, to finish or undo this stage
     * after a crash: for example the paths of the live data, of the stage and of the kept previous data.
     * Written durably by the engine before the first commit. Keys and values are plain strings; never
     * null, empty when the restore id says it all.
     */
    default Map<String, String> journal() {
        return Map.of();
    }
}
