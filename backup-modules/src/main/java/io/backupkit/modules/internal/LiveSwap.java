package io.backupkit.modules.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * One item's swap in a restore (a root, a database): the live data, the stage that holds the new data,
 * and the previous data once committed, the last two named with the restore's id beside the live data.
 * Not API.
 *
 * <p>Every step is one rename or delete, and each method decides what to do from what is on disk, so that
 * it may run again after the process died part way and {@link #recover} needs nothing but the live path,
 * the id and whether the item existed. The invariants a subclass keeps: the stage, when it exists, is the
 * complete new data; the previous data, when it exists, is the old data; renaming the stage to the live
 * path is the commit point, and a rollback first renames the live data back to the stage.
 */
public abstract class LiveSwap {
    private final String module;
    private final String what;
    private final String name;
    /** Where the host's data lives. */
    protected final Path live;
    /** The new data, until the commit renames it to {@link #live}. */
    protected final Path stage;
    /** The old data, once the commit has put it aside. */
    protected final Path previous;
    private boolean existed;

    /**
     * @param what the item, for messages: {@code root} or {@code database}
     * @param existed whether the live data existed when the restore was prepared
     */
    protected LiveSwap(String module, String what, String name, Path live, Path stage, Path previous,
            boolean existed) {
        this.module = module;
        this.what = what;
        this.name = name;
        this.live = live;
        this.stage = stage;
        this.previous = previous;
        this.existed = existed;
    }

    public final String name() {
        return name;
    }

    public final Path live() {
        return live;
    }

    /** Whether the live data existed before the commit; when it did not, a rollback removes the new data. */
    public final boolean existed() {
        return existed;
    }

    /** Moves the live data, when there is any, to the previous data. */
    protected abstract void putLiveAside() throws IOException;

    /** Renames {@code from} to {@code to} as one step of {@code operation}, naming both and the OS reason on failure. */
    protected abstract void move(String operation, Path from, Path to) throws IOException;

    /** Puts the previous data back in place of missing live data. */
    protected abstract void putPreviousBack() throws IOException;

    /** Deletes what a crash may have left half deleted, before {@link #recover} decides; nothing by default. */
    protected void cleanUp() throws IOException {
    }

    /** Puts the previous data back, or removes the new data when there was none before, and deletes the stage. */
    public abstract void rollback() throws IOException;

    /** Deletes the previous data. */
    public abstract void finish() throws IOException;

    /** Moves the live data aside and the stage into its place; nothing once committed. */
    public final void commit() throws IOException {
        if (!exists(stage)) {
            if (committed()) {
                return;
            }
            throw new IOException("Module '" + module + "': cannot commit " + what + " '" + name + "' ('" + live
                    + "'): its stage '" + stage + "' is gone");
        }
        existed = exists(live) || exists(previous);
        putLiveAside();
        move("commit", stage, live);
    }

    /**
     * Brings the item to the new data ({@code forward}) or the old data after a crash, and deletes every
     * temporary of the restore.
     *
     * @throws IOException naming the item when it cannot go forward: its stage is gone and so is the live
     *     data (the previous data, when there is some, is put back first)
     */
    public final void recover(boolean forward) throws IOException {
        cleanUp();
        if (!forward) {
            rollback();
            return;
        }
        if (exists(stage)) {
            commit();
        } else if (!exists(live)) {
            String kept = "";
            if (exists(previous)) {
                putPreviousBack();
                kept = "; the previous data is back in place";
            }
            throw new IOException("Module '" + module + "': cannot finish the restore of " + what + " '" + name + "' ('"
                    + live + "'): it is missing and its stage '" + stage + "' is gone" + kept);
        }
        finish();
    }

    /**
     * Committed: the stage is in place. After a commit the previous data exists, unless there was no live
     * data; then the live data is the new one.
     */
    protected final boolean committed() {
        return !exists(stage) && exists(live) && (exists(previous) || !existed);
    }

    /** Whether a path exists, not following a link. */
    protected static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }
}
