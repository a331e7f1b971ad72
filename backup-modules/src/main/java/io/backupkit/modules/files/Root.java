package io.backupkit.modules.files;

import static java.util.Objects.requireNonNull;

import io.backupkit.modules.internal.OsErrors;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A configured root: its name (the first segment of its entry names), its absolute path, its type, and
 * whether it may be missing.
 */
record Root(String name, Path path, boolean config, boolean optional) {
    Root {
        requireNonNull(name, "name is null");
        requireNonNull(path, "path is null");
    }

    /** A root that must exist. */
    Root(String name, Path path, boolean config) {
        this(name, path, config, false);
    }

    /** True when the root is a directory, false when it does not exist; an error for anything else. */
    boolean checkDirectory() throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        throw notADirectory();
    }

    /**
     * Checks that the root can be backed up: a directory that can be listed. Returns false when it does
     * not exist and is optional.
     *
     * @throws IOException naming the root, its path and the OS reason when it is missing (and not
     *     optional), is not a directory, or cannot be read
     */
    boolean checkReadable() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            if (optional) {
                return false;
            }
            throw cannotRead(e);
        } catch (IOException e) {
            throw cannotRead(e);
        }
        if (!attributes.isDirectory()) {
            throw notADirectory();
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
            children.iterator().hasNext();
        } catch (IOException e) {
            throw cannotRead(e);
        }
        return true;
    }

    /** {@code Module 'files': cannot read root '<name>' ('<path>'): <reason>}. */
    IOException cannotRead(IOException e) {
        return new IOException("Module '" + FilesModule.NAME + "': cannot read root '" + name + "' ('" + path + "'): "
                + OsErrors.reason(e), e);
    }

    private IOException notADirectory() {
        return new IOException("Root '" + name + "' of module '" + FilesModule.NAME + "' ('" + path
                + "') is not a directory");
    }

    /** Whether one root lies inside the other, as written or once links are resolved. */
    boolean overlaps(Root other) {
        Path a = path;
        Path b = other.path;
        if (a.startsWith(b) || b.startsWith(a)) {
            return true;
        }
        try {
            Path realA = a.toRealPath();
            Path realB = b.toRealPath();
            return realA.startsWith(realB) || realB.startsWith(realA);
        } catch (IOException e) {
            return false;
        }
    }
}
