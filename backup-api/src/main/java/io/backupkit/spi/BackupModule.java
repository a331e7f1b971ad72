package io.backupkit.spi;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.ModuleInfo;
import java.io.IOException;
import java.util.Map;

/**
 * A backup module: one kind of the host's data (configuration files, a database, ...).
 *
 * <p>Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.backupkit.spi.BackupModule}; it needs a public no-arg constructor) or
 * registered with the engine's builder. The engine configures it once with {@link #configure} and then
 * calls at most one operation at a time, so an implementation needs no locking of its own.
 *
 * <p>A restore is two-phase: {@link #prepare} stages the data without touching the live data and
 * returns a {@link RestoreStage}; the engine commits every module's stage only when all of them
 * prepared and the archive verified, and otherwise rolls all of them back.
 *
 * <p>Methods may throw {@link IOException}; the engine wraps it with the module's name.
 */
public interface BackupModule {
    /** What the module is: the spec's {@code module} type. Its {@code short_name} is the module's id. */
    ModuleInfo info();

    /** The format version this module writes, at least 1. It is recorded in every archive. */
    default int formatVersion() {
        return 1;
    }

    /** Whether it can read data written with {@code version}; by default any version up to its own. */
    default boolean canRead(int version) {
        return version >= 1 && version <= formatVersion();
    }

    /** Whether the module can back up (feeds {@code available_backup_modules}). */
    default boolean canBackup() {
        return true;
    }

    /** Whether the module can restore (feeds {@code available_restore_modules}). */
    default boolean canRestore() {
        return true;
    }

    /** Receives the host's configuration once, before any operation. Read every key you accept. */
    default void configure(ModuleConfig config) throws IOException {
    }

    /** An estimate of the bytes a backup would write, without reading the data. */
    long estimate(BackupContext context) throws IOException;

    /** Writes the module's entries to {@code sink}. Checks {@code context.cancellation()} between entries. */
    void backup(BackupContext context, EntrySink sink) throws IOException;

    /**
     * Reads the module's entries and stages them without touching live data.
     *
     * @return the stage to commit or roll back; never null
     */
    RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException;

    /**
     * Brings the data of a restore that a crash interrupted to one side; called by the engine at its
     * next start, before any other operation. The live data must end up complete: the staged data when
     * {@code forward} (as after {@link RestoreStage#commit()} and {@link RestoreStage#finish()}), the data
     * from before the restore otherwise (as after {@link RestoreStage#rollback()}), whatever instruction
     * of prepare, commit, rollback or finish the crash stopped at; and every temporary file or directory
     * named with {@code restoreId} is gone. Must be safe to call again after another crash.
     *
     * <p>{@code forward} is only asked for when every stage was prepared and the archive verified, so
     * {@code journal} is then what {@link RestoreStage#journal()} returned; otherwise it may be empty (the
     * crash came during prepare) and only the restore id tells what to remove.
     *
     * <p>Not supported unless overridden: then an interrupted restore of the module is reported and its
     * leftovers stay.
     *
     * @param restoreId the id the restore's {@link RestoreContext#restoreId()} had
     * @param journal what the stage's {@link RestoreStage#journal()} returned, or empty
     * @throws IOException naming the path and the OS reason when the data cannot be brought to one side
     */
    default void recover(String restoreId, Map<String, String> journal, boolean forward) throws IOException {
        throw new BackupException(ErrorCode.NOT_SUPPORTED,
                "Module '" + info().shortName() + "' cannot recover an interrupted restore");
    }

    /** Returns the module's data to its initial state. Not supported unless overridden. */
    default void factoryReset(Cancellation cancellation) throws IOException {
        throw new BackupException(ErrorCode.NOT_SUPPORTED,
                "Module '" + info().shortName() + "' does not support a factory reset");
    }
}
