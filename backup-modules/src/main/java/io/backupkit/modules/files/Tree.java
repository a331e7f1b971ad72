package io.backupkit.modules.files;

import io.backupkit.spi.Cancellation;
import java.io.IOException;
import java.nio.file.DirectoryStream;
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
    }

    /**
     * Walks a root depth first, each directory's children sorted by name, checking cancellation before
     * each child. A child that vanishes before its attributes are read is skipped; a directory for which
     * {@code prune} is true is neither entered nor reported.
     */
    static void walk(Root root, Cancellation cancellation, Predicate<Node> prune, Visitor visitor)
            throws IOException {
        walk(root, root.path(), "", cancellation, prune, visitor);
    }

    private static void walk(Root root, Path directory, String relative, Cancellation cancellation,
            Predicate<Node> prune, Visitor visitor) throws IOException {
        for (Path child : sortedChildren(directory)) {
            cancellation.throwIfCancelled();
            String childRelative = relative.isEmpty()
                    ? child.getFileName().toString() : relative + "/" + child.getFileName();
            BasicFileAttributes attributes;
            try {
                attributes = Attributes.read(child);
            } catch (NoSuchFileException e) {
                continue;
            }
            Node node = new Node(child, childRelative, root.name() + "/" + childRelative, attributes);
            if (attributes.isDirectory()) {
                if (prune.test(node)) {
                    continue;
                }
                visitor.enterDirectory(node);
                walk(root, child, childRelative, cancellation, prune, visitor);
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

    /** Deletes a tree after {@code failure}, adding a failure to delete it to that one as suppressed. */
    static void deleteAfter(Throwable failure, Path path) {
        try {
            delete(path);
        } catch (IOException | RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /** Deletes a file or a tree without following symbolic links; nothing happens when it is absent. */
    static void delete(Path path, Cancellation cancellation) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
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
