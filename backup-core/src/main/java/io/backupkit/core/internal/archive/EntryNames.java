package io.backupkit.core.internal.archive;

import io.backupkit.spi.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * The one place that decides whether an entry name is acceptable and where it lands in a stage. Every
 * write of restored data goes through {@link #resolve(Path, String, String)}.
 */
public final class EntryNames {
    private EntryNames() {
    }

    /**
     * Why a module entry name is refused, or null when it is fine. Refused: empty names, {@code .},
     * {@code ..} and empty segments, absolute names, backslashes, NUL and other control characters.
     */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "has an empty name";
        }
        if (name.startsWith("/")) {
            return "is an absolute name";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                return "contains NUL";
            }
            if (c == '\\') {
                return "contains a backslash";
            }
            if (c < 0x20 || c == 0x7f) {
                return "contains a control character";
            }
        }
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : trimmed.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty path segment";
            }
            if (segment.equals(".")) {
                return "has a '.' segment";
            }
            if (segment.equals("..")) {
                return "has a '..' segment";
            }
        }
        return null;
    }

    /**
     * The path of an entry inside {@code stage}: the name must be acceptable, the result must lie inside
     * the stage, no existing directory on the way may be a symbolic link, and the entry's own path may
     * hold nothing but a regular file or a directory.
     *
     * @param module the module's name, for the message
     * @throws IOException naming the entry, the module and the reason
     */
    public static Path resolve(Path stage, String module, String name) throws IOException {
        return new Resolver().resolve(stage, module, name);
    }

    /**
     * Resolves the entries of one restore. It remembers the directories it has found to be real
     * directories, so that an entry costs one {@code lstat} rather than one per directory on the way; and
     * the directory entries whose path was free, so that the entries inside them, which the module
     * creates in a directory it has just made, cost none. That is safe because only a module could put a
     * link or a special file there while it restores, and the archive cannot make it do so: links and
     * special files are refused on read, and every name comes once.
     */
    public static final class Resolver {
        private static final int REMEMBERED = 4096;
        private final Set<Path> directories = new HashSet<>();
        private final Set<Path> fresh = new HashSet<>();

        /** As {@link EntryNames#resolve(Path, String, String)} for an entry of this restore. */
        public Path resolve(Path stage, String module, Entry entry) throws IOException {
            return resolve(stage, module, entry.name(), entry.directory());
        }

        public Path resolve(Path stage, String module, String name) throws IOException {
            return resolve(stage, module, name, false);
        }

        private Path resolve(Path stage, String module, String name, boolean directory) throws IOException {
            String problem = problem(name);
            if (problem != null) {
                throw new IOException("Entry '" + name + "' of module '" + module + "' " + problem);
            }
            Path root = stage.toAbsolutePath().normalize();
            Path target = root.resolve(name).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new IOException("Entry '" + name + "' of module '" + module
                        + "' resolves outside the restore stage");
            }
            Path parent = target.getParent();
            if (fresh.contains(parent)) {
                if (directory) {
                    remember(fresh, target);
                }
                return target;
            }
            for (Path p = parent; p != null && !p.equals(root) && !directories.contains(p); p = p.getParent()) {
                BasicFileAttributes a = attributes(p);
                if (a != null && a.isSymbolicLink()) {
                    throw new IOException("Entry '" + name + "' of module '" + module
                            + "' passes through the symbolic link '" + root.relativize(p) + "'");
                }
                if (a != null && a.isDirectory()) {
                    remember(directories, p);
                }
            }
            BasicFileAttributes a = attributes(target);
            if (a != null && !a.isRegularFile() && !a.isDirectory()) {
                throw new IOException("Entry '" + name + "' of module '" + module + "' would replace a special file");
            }
            if (a == null && directory) {
                remember(fresh, target);
            }
            return target;
        }

        private static void remember(Set<Path> set, Path path) {
            if (set.size() >= REMEMBERED) {
                set.clear();
            }
            set.add(path);
        }

        /** The attributes of the path itself (not of what a link points to), or null if nothing is there. */
        private static BasicFileAttributes attributes(Path path) throws IOException {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
    }

    /** As {@link #resolve(Path, String, String)} for an entry. */
    public static Path resolve(Path stage, String module, Entry entry) throws IOException {
        return resolve(stage, module, entry.name());
    }

    /** Permission bits kept on restore: no setuid, setgid, sticky or world-write. */
    public static int safeMode(int mode) {
        return mode & 0775;
    }
}
