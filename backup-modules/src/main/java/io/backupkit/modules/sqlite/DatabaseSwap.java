package io.backupkit.modules.sqlite;

import io.backupkit.modules.internal.LiveSwap;
import io.backupkit.modules.internal.OsErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * One database's swap of a restore, named with the restore's id beside the live file: the stage
 * {@code .<file>.restore-<id>} (the new database) and, once committed, the previous database
 * {@code .<file>.previous-<id>} with its {@code -wal}, {@code -shm} and {@code -journal} companions.
 * Every step is one rename or delete of one file. The previous file, when it exists, is the old database,
 * whose companions are beside it or still beside the live path: the main file moves first when the live
 * database is put aside, last when it is put back, and is deleted first; so companions of the previous
 * file without it are garbage. See {@link LiveSwap} for how each step is decided from what is on disk.
 */
final class DatabaseSwap extends LiveSwap {
    /**
     * Test-only: called with the name of each step of commit, rollback and finish ({@code commit main:
     * live to previous}) before it is taken; a no-op otherwise.
     */
    static volatile Consumer<String> step = name -> {
    };

    /** The files SQLite keeps beside a database, as suffixes of its path. */
    static final List<String> COMPANIONS = List.of("-wal", "-shm", "-journal");

    DatabaseSwap(String name, Path live, String restoreId, boolean existed) {
        super(SqliteModule.NAME, "database", name, live, stage(live, restoreId),
                live.resolveSibling("." + live.getFileName() + ".previous-" + restoreId), existed);
    }

    /** Where the restore with this id stages the database at {@code live}. */
    static Path stage(Path live, String restoreId) {
        return live.resolveSibling("." + live.getFileName() + ".restore-" + restoreId);
    }

    static Path companion(Path db, String suffix) {
        return db.resolveSibling(db.getFileName() + suffix);
    }

    /** Moves the live database, then its companions, to the previous one. */
    @Override
    protected void putLiveAside() throws IOException {
        move("commit", live, previous);
        for (String suffix : COMPANIONS) {
            move("commit", companion(live, suffix), companion(previous, suffix));
        }
    }

    /** Puts the previous database back, or removes the restored one when there was none, and deletes the stage. */
    @Override
    public void rollback() throws IOException {
        if (committed()) {
            for (String suffix : COMPANIONS) { // written to the restored database after the commit: discarded with it
                delete("rollback", companion(live, suffix));
            }
            move("rollback", live, stage);
        }
        putPreviousBack();
        deleteSet("rollback", stage);
        deleteSet("rollback", previous); // companions left without their database
    }

    /** Deletes the previous database, then its companions. */
    @Override
    public void finish() throws IOException {
        deleteSet("finish", previous);
    }

    /** Moves the companions of the previous database back, then the database. */
    @Override
    protected void putPreviousBack() throws IOException {
        if (exists(previous)) {
            for (String suffix : COMPANIONS) {
                move("rollback", companion(previous, suffix), companion(live, suffix));
            }
            move("rollback", previous, live);
        }
    }

    private void deleteSet(String operation, Path db) throws IOException {
        delete(operation, db);
        for (String suffix : COMPANIONS) {
            delete(operation, companion(db, suffix));
        }
    }

    private void delete(String operation, Path file) throws IOException {
        if (!exists(file)) {
            return;
        }
        step.accept(operation + " " + name() + ": delete " + kind(file));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw OsErrors.failure(SqliteModule.NAME, "delete", file, e);
        }
    }

    /** Renames {@code from} to {@code to}, replacing it; nothing when {@code from} does not exist. */
    @Override
    protected void move(String operation, Path from, Path to) throws IOException {
        if (!exists(from)) {
            return;
        }
        step.accept(operation + " " + name() + ": " + kind(from) + " to " + kind(to));
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw OsErrors.failure(SqliteModule.NAME, "rename", from, e);
        }
    }

    /** {@code live}, {@code previous-wal}, ...: what a path is, for the step names. */
    private String kind(Path path) {
        for (Path db : List.of(live, stage, previous)) {
            String kind = db.equals(live) ? "live" : db.equals(stage) ? "stage" : "previous";
            if (path.equals(db)) {
                return kind;
            }
            for (String suffix : COMPANIONS) {
                if (path.equals(companion(db, suffix))) {
                    return kind + suffix;
                }
            }
        }
        return path.toString();
    }
}
