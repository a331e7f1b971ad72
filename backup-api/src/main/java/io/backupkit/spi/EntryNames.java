package io.backupkit.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * The one place that decides whether an entry name is acceptable and where an entry lands in a restore
 * stage. The engine checks every name with {@link #problem(String)} when it writes and reads an archive,
 * and its {@link EntrySource#resolve(Path, Entry)} is {@link Resolver#resolve(Path, String, Entry)};
 * a module writes restored data only through that method. Module tests and test fakes (the testkit's
 * {@code InMemoryArchive}) call the same methods, so that they accept and refuse exactly what the engine
 * does.
 *
 * <p>An acceptable name is relative and {@code /}-separated, without empty, {@code .} or {@code ..}
 * segments, backslashes or control characters; one trailing {@code /} is allowed (a directory).
 *
 * <p>Thread-safety: the static methods keep no state and may be called from any thread. A
 * {@link Resolver} is not thread-safe: use one per restore (or per module of a restore) on one thread.
 *
 * <p>Nullness: no argument may be null ({@link NullPointerException} otherwise); {@link #problem(String)}
 * returns null for an acceptable name, every other method returns a non-null result.
 */
public final class EntryNames {
    private EntryNames() {
    }

    /**
     * Why an entry name is refused, or null when it is acceptable. Refused: the empty name, absolute
     * names, names with an empty, {@code .} or {@code ..} segment, backslashes, NUL and other control
     * characters. The reason reads after the entry's name, for example {@code has a '..' segment}.
     *
     * @param name an entry name as a module writes it or an archive holds it; not null
     * @return the reason, without the name and without a trailing period; null when the name is fine
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
     * The path of an entry inside {@code stage}: the name must be acceptable ({@link #problem(String)}),
     * the result must lie inside the stage (and not be the stage itself), no existing directory on the
     * way may be a symbolic link, and the entry's own path may hold nothing yet, a regular file or a
     * directory. It creates nothing. For the many entries of one restore, use one {@link Resolver}.
     *
     * @param stage the directory the entry is restored into; need not exist yet
     * @param module the module's short name, for the message
     * @param name the entry's name
     * @return the absolute, normalised path of the entry inside the stage
     * @throws IOException naming the entry, the module and the reason, for example
     *     {@code Entry '../etc/passwd' of module 'files' has a '..' segment}; or when the file system
     *     cannot be read
     */
    public static Path resolve(Path stage, String module, String name) throws IOException {
        return new Resolver().resolve(stage, module, name);
    }

    /**
     * As {@link #resolve(Path, String, String)} for the name of {@code entry}.
     *
     * @throws IOException naming the entry, the module and the reason
     */
    public static Path resolve(Path stage, String module, Entry entry) throws IOException {
        requireNonNull(entry, "entry is null");
        return resolve(stage, module, entry.name());
    }

    /**
     * The permission bits a restore keeps of an entry's {@link Entry#mode() mode}: the owner's and group's
     * read, write and execute bits and the others' read and execute bits; never setuid, setgid, sticky or
     * world-write, nor any file-type bits above {@code 07777}.
     */
    public static int safeMode(int mode) {
        return mode & 0775;
    }

    /**
     * Resolves the entries of one restore, with the checks of
     * {@link EntryNames#resolve(Path, String, String)} but fewer file-system calls. It remembers the directories it has found to be real
     * directories, so that an entry costs one {@code lstat} rather than one per directory on the way; and
     * the directory entries whose path was free, so that the entries inside them, which the module
     * creates in a directory it has just made, cost none. That is safe because only the module could put
     * a link or a special file there while it restores, and the archive cannot make it do so: the engine
     * refuses links and special files when it reads an archive, and every name comes once.
     *
     * <p>Lifecycle and threading: create one per restore (or per module of a restore), resolve its
     * entries in order, then drop it; it holds a bounded memory of paths. Not thread-safe. Nullness: no
     * argument may be null; the results are never null.
     */
    public static final class Resolver {
        private static final int REMEMBERED = 4096;
        private final Set<Path> directories = new HashSet<>();
        private final Set<Path> fresh = new HashSet<>();

        /** A resolver that remembers nothing yet. */
        public Resolver() {
        }

        /**
         * As {@link EntryNames#resolve(Path, String, String)} for an entry of this restore; a directory
         * entry whose path is free is remembered as made by this restore.
         *
         * @throws IOException naming the entry, the module and the reason
         */
        public Path resolve(Path stage, String module, Entry entry) throws IOException {
            requireNonNull(entry, "entry is null");
            return resolve(stage, module, entry.name(), entry.directory());
        }

        /**
         * As {@link EntryNames#resolve(Path, String, String)} for a file entry of this restore.
         *
         * @throws IOException naming the entry, the module and the reason
         */
        public Path resolve(Path stage, String module, String name) throws IOException {
            return resolve(stage, module, name, false);
        }

        private Path resolve(Path stage, String module, String name, boolean directory) throws IOException {
            requireNonNull(stage, "stage is null");
            requireNonNull(module, "module is null");
            String problem = problem(requireNonNull(name, "name is null"));
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
}
