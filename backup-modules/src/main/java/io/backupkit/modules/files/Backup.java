package io.backupkit.modules.files;

import io.backupkit.modules.files.Tree.Node;
import io.backupkit.modules.internal.OsErrors;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** One backup or estimate of the selected roots, with the options of its context. */
final class Backup {
    private final List<Root> roots;
    private final Filter filter;
    private final Policy policy;
    private final Cancellation cancellation;

    Backup(List<Root> roots, BackupContext context) {
        this.roots = roots;
        this.filter = Filter.of(context.values(FilesModule.INCLUDE), context.values(FilesModule.EXCLUDE));
        this.policy = Policy.of(context.values(Policy.ON_CHANGE), context.values(Policy.ON_UNREADABLE),
                context.warnings());
        this.cancellation = context.cancellation();
    }

    /**
     * Checks every root before anything is read or written: each must be a readable directory, or
     * missing and optional.
     *
     * @return the roots that exist, in order
     */
    private List<Root> existingRoots() throws IOException {
        List<Root> existing = new ArrayList<>();
        for (Root root : roots) {
            if (root.checkReadable()) {
                existing.add(root);
            }
        }
        return existing;
    }

    /** The bytes of the files the backup would write, from their sizes. */
    long estimate() throws IOException {
        long[] total = {0};
        for (Root root : existingRoots()) {
            Tree.walk(root, cancellation, directory -> filter.excludes(root.name(), directory.relative()),
                    new Tree.Visitor() {
                        @Override
                        public void file(Node file) {
                            if (filter.selectsFile(root.name(), file.relative())) {
                                total[0] += file.attributes().size();
                            }
                        }

                        @Override
                        public void unlistable(Node directory, IOException e) throws IOException {
                            if (!(e instanceof NoSuchFileException) && !policy.skipUnreadable()) {
                                throw OsErrors.failure(FilesModule.NAME, "list", directory.path(), e);
                            }
                        }
                    });
        }
        return total[0];
    }

    /** Writes the entries of every root; a missing optional root is one empty directory entry and a warning. */
    void write(EntrySink sink, BackupContext context) throws IOException {
        List<Root> existing = existingRoots();
        for (Root root : roots) {
            cancellation.throwIfCancelled();
            if (!existing.contains(root)) {
                policy.warnings().warn(root.name(), "optional root '" + root.path() + "' does not exist; backed up as empty");
                sink.directory(Entry.directory(root.name(), context.clock().instant(), Attributes.DEFAULT_DIRECTORY_MODE));
                continue;
            }
            BasicFileAttributes rootAttributes;
            try {
                rootAttributes = Attributes.read(root.path());
            } catch (IOException e) {
                throw root.cannotRead(e);
            }
            sink.directory(Entry.directory(root.name(), Attributes.modified(rootAttributes),
                    Attributes.mode(rootAttributes, true)));
            writeTree(root, sink);
        }
    }

    private void writeTree(Root root, EntrySink sink) throws IOException {
        // Directories not yet written, from the outermost; with a filter they wait for their first file.
        List<Node> pending = new ArrayList<>();
        Tree.walk(root, cancellation, directory -> filter.excludes(root.name(), directory.relative()),
                new Tree.Visitor() {
                    @Override
                    public void enterDirectory(Node directory) throws IOException {
                        if (filter.isEmpty()) {
                            cancellation.throwIfCancelled();
                            sink.directory(directoryEntry(directory));
                        } else {
                            pending.add(directory);
                        }
                    }

                    @Override
                    public void leaveDirectory(Node directory) {
                        if (!pending.isEmpty() && pending.get(pending.size() - 1) == directory) {
                            pending.remove(pending.size() - 1);
                        }
                    }

                    @Override
                    public void file(Node file) throws IOException {
                        if (!filter.selectsFile(root.name(), file.relative())) {
                            return;
                        }
                        for (Node directory : pending) {
                            cancellation.throwIfCancelled();
                            sink.directory(directoryEntry(directory));
                        }
                        pending.clear();
                        cancellation.throwIfCancelled();
                        LiveFile.backup(file, sink, policy);
                    }

                    @Override
                    public void unlistable(Node directory, IOException e) throws IOException {
                        if (e instanceof NoSuchFileException) {
                            policy.changed(directory.entryName(), directory.path(), "removed before it was listed");
                        } else {
                            policy.unreadable(directory.entryName(), directory.path(), "list", e);
                        }
                    }
                });
    }

    private static Entry directoryEntry(Node directory) {
        BasicFileAttributes a = directory.attributes();
        return Entry.directory(directory.entryName(), Attributes.modified(a), Attributes.mode(a, true));
    }
}
