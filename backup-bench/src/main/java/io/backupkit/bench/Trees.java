package io.backupkit.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** Directory trees: delete, empty, and count (files and bytes). */
final class Trees {
    private Trees() {
    }

    /** What a tree holds: regular files and their bytes. */
    record Count(long files, long bytes) {
    }

    /** Deletes {@code path} and everything below it (not following links); nothing when it is missing. */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes everything inside {@code directory} (hidden entries too), keeping the directory. */
    static void empty(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> children = Files.list(directory)) {
            for (Path child : children.toList()) {
                delete(child);
            }
        }
    }

    /** Best effort {@link #delete}, for cleanup paths where an earlier failure is the one to report. */
    static void deleteQuietly(Path path, Throwable primary) {
        try {
            delete(path);
        } catch (IOException | RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            } else {
                System.err.println("Cannot delete " + path + ": " + e);
            }
        }
    }

    static Count count(Path root) throws IOException {
        long[] totals = new long[2];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    totals[0]++;
                    totals[1] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new Count(totals[0], totals[1]);
    }

    /** The total size of the regular files directly in {@code directory}. */
    static long sizeOfFiles(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            long total = 0;
            for (Path child : children.toList()) {
                if (Files.isRegularFile(child)) {
                    total += Files.size(child);
                }
            }
            return total;
        }
    }
}
