package io.backupkit.modules.files;

import io.backupkit.modules.files.Tree.Node;
import io.backupkit.modules.internal.OsErrors;
import io.backupkit.spi.Cancellation;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One root being staged during {@code prepare}: a new directory beside the live root that receives the
 * archive's entries (and, with a filter, the live files the filter does not select). Used by one thread.
 */
final class Staging {
    private final Root root;
    private final Path stage;
    private final boolean existed;
    /** Directories whose attributes are set once everything is written: path to the entry. */
    private final Map<Path, Entry> directories = new HashMap<>();
    /** The permission bits a new file keeps when given at creation (what the umask lets through), or -1. */
    private final int creationModes;

    private Staging(Root root, Path stage, boolean existed) throws IOException {
        this.root = root;
        this.stage = stage;
        this.existed = existed;
        this.creationModes = creationModes(stage);
    }

    /**
     * Creates the stage {@code <parent>/.<dir>.restore-<restoreId>} (and a missing parent). With a filter,
     * it first receives every live directory and every live file and link that the filter does not select.
     */
    static Staging create(Root root, String restoreId, Filter filter, Cancellation cancellation) throws IOException {
        boolean live = root.checkDirectory();
        Path parent = root.path().getParent();
        Path stage = Swap.stage(root.path(), restoreId);
        try {
            Files.createDirectories(parent);
            if (Attributes.posix(parent)) {
                Files.createDirectory(stage, PosixFilePermissions.asFileAttribute(Attributes.permissions(0700)));
            } else {
                Files.createDirectory(stage);
            }
        } catch (IOException e) {
            throw OsErrors.failure(FilesModule.NAME, "create", stage, e);
        }
        try {
            Staging staging = new Staging(root, stage, live);
            if (live && !filter.isEmpty()) {
                try {
                    staging.keepUnselected(filter, cancellation);
                } catch (FileSystemException e) {
                    throw OsErrors.failure(FilesModule.NAME, "copy", null, e);
                }
            }
            return staging;
        } catch (IOException | RuntimeException | Error e) {
            Tree.deleteAfter(e, stage);
            throw e;
        }
    }

    /** Creates a probe file with every permission bit and reads back what the umask left. */
    private static int creationModes(Path stage) throws IOException {
        if (!Attributes.posix(stage)) {
            return -1;
        }
        Path probe = stage.resolve(".umask-probe");
        Files.createFile(probe, PosixFilePermissions.asFileAttribute(EnumSet.allOf(PosixFilePermission.class)));
        try {
            return Attributes.bits(Files.getPosixFilePermissions(probe, LinkOption.NOFOLLOW_LINKS));
        } finally {
            Files.delete(probe);
        }
    }

    /** Copies every live directory, and every live file and link that the filter does not select. */
    private void keepUnselected(Filter filter, Cancellation cancellation) throws IOException {
        Tree.walk(root, cancellation, directory -> false, new Tree.Visitor() {
            @Override
            public void enterDirectory(Node directory) throws IOException {
                Path target = stage.resolve(directory.relative());
                Files.createDirectory(target);
                BasicFileAttributes a = directory.attributes();
                directories.put(target, Entry.directory(directory.relative(), Attributes.modified(a),
                        Attributes.mode(a, true)));
            }

            @Override
            public void file(Node file) throws IOException {
                keepUnlessSelected(file);
            }

            @Override
            public void other(Node node) throws IOException {
                if (node.attributes().isSymbolicLink()) {
                    keepUnlessSelected(node);
                } // sockets, FIFOs and device nodes are not kept
            }

            private void keepUnlessSelected(Node node) throws IOException {
                if (!filter.selects(root.name(), node.relative(), false)) {
                    Files.copy(node.path(), stage.resolve(node.relative()), LinkOption.NOFOLLOW_LINKS,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        });
    }

    /** Takes the root's own entry: its attributes go to the stage directory. */
    void addRoot(Entry entry) {
        directories.put(stage, restored(entry));
    }

    /** A directory entry of the archive with the mode it is restored with: at least 0700. */
    private static Entry restored(Entry directory) {
        return Entry.directory(directory.name(), directory.modified(), Attributes.restoredMode(directory.mode(), true));
    }

    /**
     * Stages one entry below the root, replacing what the stage kept from the live tree in its place.
     * {@code inRoot} is {@code entry} named relative to the root.
     */
    void add(Entry entry, Entry inRoot, EntrySource entries, byte[] buffer) throws IOException {
        Path target = entries.resolve(stage, inRoot);
        try {
            if (entry.directory()) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(target);
                    Files.createDirectories(target);
                }
                directories.put(target, restored(entry));
            } else {
                writeFile(entry, entries, target, buffer);
            }
        } catch (FileSystemException e) {
            throw OsErrors.failure(FilesModule.NAME, "write", target, e);
        }
    }

    /**
     * Writes one file of the stage. The common case, a new file in a directory the restore made, costs
     * an open, the writes and one call each for the time and, when the process's umask would strip some
     * of its permission bits, the mode.
     */
    private void writeFile(Entry entry, EntrySource entries, Path target, byte[] buffer) throws IOException {
        Path parent = target.getParent();
        if (!parent.equals(stage) && !directories.containsKey(parent)) {
            Files.createDirectories(parent);
        }
        int mode = Attributes.restoredMode(entry.mode(), false);
        boolean modeAtCreation = creationModes != -1 && (mode & ~creationModes) == 0;
        long written = 0;
        try (FileChannel out = create(target, modeAtCreation ? mode : -1)) {
            InputStream in = entries.content();
            int n;
            while ((n = in.read(buffer)) > 0) {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                written += n;
            }
        }
        if (written != entry.size()) {
            throw new IOException("Entry '" + entry.name() + "' of module '" + FilesModule.NAME + "' has " + written
                    + " bytes, not the declared " + entry.size());
        }
        if (modeAtCreation) {
            Attributes.setTimes(target, entry.modified());
        } else {
            Attributes.apply(target, mode, entry.modified());
        }
    }

    /**
     * Opens a new file for writing, never following a link; {@code mode} (-1: none) is given at creation.
     * Whatever is in the way (a file or a directory the stage kept from the live tree) is replaced.
     */
    private static FileChannel create(Path target, int mode) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] attributes = mode == -1 ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Attributes.permissions(mode))};
        try {
            return FileChannel.open(target, options, attributes);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                Tree.delete(target);
            } else {
                Files.delete(target); // a file, or a link: removed, never followed
            }
            return FileChannel.open(target, options, attributes);
        }
    }

    /** Sets directory permissions and times, deepest first, after their content is written. */
    void applyDirectoryAttributes() throws IOException {
        List<Path> paths = new ArrayList<>(directories.keySet());
        paths.sort(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Comparator.naturalOrder()));
        for (Path path : paths) {
            Entry entry = directories.get(path);
            try {
                Attributes.apply(path, entry.mode(), entry.modified());
            } catch (FileSystemException e) {
                throw OsErrors.failure(FilesModule.NAME, "set the attributes of", path, e);
            }
        }
    }

    /** Deletes the stage after {@code failure}, adding a failure to delete it to that one as suppressed. */
    void deleteAfter(Throwable failure) {
        Tree.deleteAfter(failure, stage);
    }

    /** The swap that commits this stage. */
    Swap swap(String restoreId) {
        return new Swap(root.name(), root.path(), restoreId, existed);
    }
}
