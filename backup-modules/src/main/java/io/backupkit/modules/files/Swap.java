package io.backupkit.modules.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * One root's stage and, once committed, where its previous live tree went. Each step is an atomic rename
 * within the root's parent directory, and each method may run again after it failed part way.
 */
final class Swap {
    /** The state of one root's swap. */
    private enum State { STAGED, LIVE_MOVED, COMMITTED, ROLLED_BACK, FINISHED }

    private final Root root;
    private final Path stage;
    private Path previous;
    private Path discard;
    private State state = State.STAGED;

    Swap(Root root, Path stage) {
        this.root = root;
        this.stage = stage;
    }

    boolean finished() {
        return state == State.FINISHED;
    }

    private Path sibling(String kind) {
        return root.path().resolveSibling("." + root.path().getFileName() + "." + kind + "-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    }

    /** Moves the live root to {@code .<dir>.previous-<random>} and the stage into its place. */
    void commit() throws IOException {
        if (state == State.ROLLED_BACK || state == State.FINISHED) {
            throw new IllegalStateException("Root '" + root.name() + "' of module '" + FilesModule.NAME
                    + "' cannot commit in state " + state);
        }
        if (state == State.STAGED) {
            if (Files.exists(root.path(), LinkOption.NOFOLLOW_LINKS)) {
                Path target = sibling("previous");
                Files.move(root.path(), target, StandardCopyOption.ATOMIC_MOVE);
                previous = target;
            }
            state = State.LIVE_MOVED;
        }
        if (state == State.LIVE_MOVED) {
            Files.move(stage, root.path(), StandardCopyOption.ATOMIC_MOVE);
            state = State.COMMITTED;
        }
    }

    /** Puts the previous tree back, if it was moved, and deletes the stage. */
    void rollback() throws IOException {
        if (state == State.COMMITTED) {
            Path target = sibling("discard");
            Files.move(root.path(), target, StandardCopyOption.ATOMIC_MOVE);
            discard = target;
            state = State.LIVE_MOVED;
        }
        if (state == State.LIVE_MOVED) {
            if (previous != null) {
                Files.move(previous, root.path(), StandardCopyOption.ATOMIC_MOVE);
                previous = null;
            }
            state = State.STAGED;
        }
        if (state == State.STAGED) {
            Tree.delete(stage);
            if (discard != null) {
                Tree.delete(discard);
                discard = null;
            }
            state = State.ROLLED_BACK;
        }
    }

    /** Deletes the previous tree of a committed swap. */
    void finish() throws IOException {
        if (state != State.COMMITTED) {
            throw new IllegalStateException("Root '" + root.name() + "' of module '" + FilesModule.NAME
                    + "' cannot finish in state " + state);
        }
        if (previous != null) {
            Tree.delete(previous);
            previous = null;
        }
        state = State.FINISHED;
    }
}
