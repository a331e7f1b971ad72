package io.backupkit.modules.files;

import io.backupkit.modules.internal.LiveSwap;
import io.backupkit.modules.internal.OsErrors;
import io.backupkit.spi.Cancellation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * One root's swap of a restore, named with the restore's id beside the live root: the stage
 * {@code .<dir>.restore-<id>} (the new tree), the previous tree {@code .<dir>.previous-<id>} once
 * committed, and {@code .<dir>.discard-<id>}, where a tree goes to be deleted. Every step is an atomic
 * rename within the root's parent; a tree is deleted only once it was renamed to the discard, which is
 * garbage whatever it holds. See {@link LiveSwap} for how each step is decided from what is on disk.
 */
final class Swap extends LiveSwap {
    /**
     * Test-only: called with the name of each step of commit, rollback and finish ({@code commit etc:
     * live to previous}) before it is taken, and of a discard's deletion after its first file is gone;
     * a no-op otherwise.
     */
    static volatile Consumer<String> step = name -> {
    };

    private final Path discard;

    Swap(String name, Path live, String restoreId, boolean existed) {
        super(FilesModule.NAME, "root", name, live, stage(live, restoreId), sibling(live, "previous", restoreId),
                existed);
        this.discard = sibling(live, "discard", restoreId);
    }

    /** Where the restore with this id stages the root at {@code live}. */
    static Path stage(Path live, String restoreId) {
        return sibling(live, "restore", restoreId);
    }

    private static Path sibling(Path live, String kind, String restoreId) {
        return live.resolveSibling("." + live.getFileName() + "." + kind + "-" + restoreId);
    }

    @Override
    protected void putLiveAside() throws IOException {
        if (exists(live)) {
            move("commit", live, previous);
        }
    }

    /** Renames the restored tree back to the stage, puts the previous tree back, and deletes the stage. */
    @Override
    public void rollback() throws IOException {
        if (committed()) {
            move("rollback", live, stage);
        }
        if (exists(previous)) {
            if (exists(live)) {
                discard("rollback", live);
            }
            move("rollback", previous, live);
        }
        if (exists(stage)) {
            discard("rollback", stage);
        }
    }

    @Override
    public void finish() throws IOException {
        if (exists(previous)) {
            discard("finish", previous);
        }
    }

    @Override
    protected void putPreviousBack() throws IOException {
        move("recover", previous, live);
    }

    @Override
    protected void cleanUp() throws IOException {
        if (exists(discard)) {
            Tree.delete(discard);
        }
    }

    private void discard(String operation, Path tree) throws IOException {
        cleanUp();
        move(operation, tree, discard);
        step.accept(operation + " " + name() + ": delete " + kind(discard));
        boolean[] first = {true};
        Tree.delete(discard, Cancellation.never(), file -> {
            if (first[0]) {
                first[0] = false;
                step.accept(operation + " " + name() + ": deleting " + kind(discard));
            }
        });
    }

    @Override
    protected void move(String operation, Path from, Path to) throws IOException {
        step.accept(operation + " " + name() + ": " + kind(from) + " to " + kind(to));
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw OsErrors.failure(FilesModule.NAME, "rename", from, e);
        }
    }

    private String kind(Path path) {
        return path.equals(live) ? "live" : path.equals(stage) ? "stage" : path.equals(previous) ? "previous"
                : "discard";
    }
}
