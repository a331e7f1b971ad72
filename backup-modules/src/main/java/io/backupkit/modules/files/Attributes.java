package io.backupkit.modules.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** Reading and setting the attributes the module keeps: POSIX permission bits and modification times. */
final class Attributes {
    /** The mode of a file on a file system without POSIX permissions. */
    static final int DEFAULT_FILE_MODE = 0644;
    /** The mode of a directory on a file system without POSIX permissions. */
    static final int DEFAULT_DIRECTORY_MODE = 0755;

    private Attributes() {
    }

    static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The attributes of the path itself, never of a link's target; POSIX ones where the file system has them. */
    static BasicFileAttributes read(Path path) throws IOException {
        return posix(path)
                ? Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    static Instant modified(BasicFileAttributes attributes) {
        return attributes.lastModifiedTime().toInstant();
    }

    static int mode(BasicFileAttributes attributes, boolean directory) {
        if (attributes instanceof PosixFileAttributes posix) {
            return bits(posix.permissions());
        }
        return directory ? DEFAULT_DIRECTORY_MODE : DEFAULT_FILE_MODE;
    }

    /**
     * The mode an archive's entry is restored with: without setuid, setgid, sticky and world-write, and
     * with at least read and write (and search, for a directory) for the owner, so that a forged mode
     * never leaves a tree its owner cannot enter or delete.
     */
    static int restoredMode(int mode, boolean directory) {
        return (mode & 0775) | (directory ? 0700 : 0600);
    }

    /** Sets permission bits (without setuid, setgid, sticky and world-write) and the modification time. */
    static void apply(Path path, int mode, Instant modified) throws IOException {
        if (posix(path)) {
            Files.setPosixFilePermissions(path, permissions(mode & 0775));
        }
        setTimes(path, modified);
    }

    /**
     * The modification time as the entry gives it and the access time now, as tar sets them. Giving both
     * spares the JDK a stat of the file for the time it would keep: an open, a futimens and a close.
     */
    static void setTimes(Path path, Instant modified) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class)
                .setTimes(FileTime.from(modified), FileTime.from(Instant.now()), null);
    }

    /** Permission bits as a mode: {@code OWNER_READ} is 0400 ... {@code OTHERS_EXECUTE} 0001. */
    static int bits(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    /** The inverse of {@link #bits}. */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                permissions.add(p);
            }
        }
        return permissions;
    }
}
