package io.backupkit.modules.files;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** A configured root: its name (the first segment of its entry names), its absolute path, and its type. */
record Root(String name, Path path, boolean config) {
    Root {
        requireNonNull(name, "name is null");
        requireNonNull(path, "path is null");
    }

    /** True when the root is a directory, false when it does not exist; an error for anything else. */
    boolean checkDirectory() throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        throw new IOException("Root '" + name + "' of module '" + FilesModule.NAME + "' ('" + path
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
