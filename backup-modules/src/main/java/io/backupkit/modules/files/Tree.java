package io.backupkit.modules.files;

import io.backupkit.modules.internal.OsErrors;
import io.backupkit.spi.Cancellation;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walking and deleting trees below a root, never following symbolic links. One walk serves backup and
 * estimate (excluded directories pruned) and a restore's keeping of unselected live files (nothing
 * pruned), so both see the same tree in the same order.
 */
final class Tree {
    private static final Logger LOG = LoggerFactory.getLogger(Tree.class);

    private Tree() {
    }

    /** A file, directory or anything else below a root, with its own attributes (a link's, not its target's). */
    record Node(Path path, String relative, String entryName, BasicFileAttributes attributes) {
    }

    /** What a walk reports, in its order. */
    interface Visitor {
        /** A directory that is not pruned, before its children. */
        default void enterDirectory(Node directory) throws IOException {
        }

        /** A directory after its children. */
        default void leaveDirectory(Node directory) throws IOException {
        }

        /** A regular file. */
        void file(Node file) throws IOException;

        /** Anything else: a symbolic link, socket, FIFO or device node. */
        default void other(Node node) throws IOException {
            LOG.debug("Module '{}' skips '{}': not a regular file or directory", FilesModule.NAME, node.entryName());
        }

        /**
         * A directory below the root whose children cannot be listed (after {@link #enterDirectory}); by
         * default an error naming it and the OS reason. Its children are not walked when this returns.
         */
        default void unlistable(Node directory, IOException e) throws IOException {
            throw OsErrors.failure(FilesModule.NAME, "list", directory.path(), e);
        }
    }

    /**
     * Walks a root depth first, each directory's children sorted by name, checking cancellation before
     * each child. A child that vanishes before its attributes are read is skipped; a directory for which
     * {@code prune} is true is neither entered nor reported.
     *
     * @throws IOException naming the path and the OS reason when the root cannot be listed or a child's
     *     attributes cannot be read, or what {@link Visitor#unlistable} throws
     */
    static void walk(Root root, Cancellation cancellation, Predicate<Node> prune, Visitor visitor)
            throws IOException {
        List<Path> children;
        try {
            children = sortedChildren(root.path());
        } catch (IOException e) {
            throw root.cannotRead(e);
        }
        walk(root, children, "", cancellation, prune, visitor);
    }

    private static void walk(Root root, List<Path> children, String relative, Cancellation cancellation,
            Predicate<Node> prune, Visitor visitor) throws IOException {
        for (Path child : children) {
            cancellation.throwIfCancelled();
            String childRelative = relative.isEmpty()
                    ? child.getFileName().toString() : relative + "/" + child.getFileName();
            BasicFileAttributes attributes;
            try {
                attributes = Attributes.read(child);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw OsErrors.failure(FilesModule.NAME, "read", child, e);
            }
            Node node = new Node(child, childRelative, root.name() + "/" + childRelative, attributes);
            if (attributes.isDirectory()) {
                if (prune.test(node)) {
                    continue;
                }
                visitor.enterDirectory(node);
                List<Path> grandchildren = null;
                try {
                    grandchildren = sortedChildren(child);
                } catch (IOException e) {
                    visitor.unlistable(node, e);
                }
                if (grandchildren != null) {
                    walk(root, grandchildren, childRelative, cancellation, prune, visitor);
                }
                visitor.leaveDirectory(node);
            } else if (attributes.isRegularFile()) {
                visitor.file(node);
            } else {
                visitor.other(node);
            }
        }
    }

    static List<Path> sortedChildren(Path directory) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path child : stream) {
                children.add(child);
            }
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return children;
    }

    // ---- deleting

    static void delete(Path path) throws IOException {
        delete(path, Cancellation.never());
    }

    /** Deletes a file or a tree without following symbolic links; nothing happens when it is absent. */
    static void delete(Path path, Cancellation cancellation) throws IOException {
        delete(path, cancellation, deleted -> {
        });
    }

    /** Deletes a tree after {@code failure}, adding a failure to delete it to that one as suppressed. */
    static void deleteAfter(Throwable failure, Path path) {
        try {
            delete(path);
        } catch (IOException | RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /**
     * Deletes a file or a tree without following symbolic links, calling {@code deleted} after each file;
     * nothing happens when it is absent.
     *
     * @throws IOException naming the path and the OS reason
     */
    static void delete(Path path, Cancellation cancellation, Consumer<Path> deleted) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            deleteTree(path, cancellation, deleted);
        } catch (FileSystemException e) {
            throw OsErrors.failure(FilesModule.NAME, "delete", path, e);
        }
    }

    private static void deleteTree(Path path, Cancellation cancellation, Consumer<Path> deleted) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (Attributes.posix(dir)) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                    Set<PosixFilePermission> owner = EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
                    if (!permissions.containsAll(owner)) {
                        permissions.addAll(owner);
                        Files.setPosixFilePermissions(dir, permissions);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                cancellation.throwIfCancelled();
                Files.deleteIfExists(file);
                deleted.accept(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
